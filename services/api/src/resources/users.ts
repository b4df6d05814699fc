import { Collections, userInput, userUpdateInput, userView, type User } from '@hotline/provisioning';
import type { Doc, Fields } from '../domain/resource-spec';
import { hashPassword } from '../auth/passwords';
import { admins, defineResource, ref, staff, stringFilter, uniquePerTenant } from './define';

export const users = defineResource({
  name: 'user',
  plural: 'users',
  title: 'User',
  collection: Collections.users,
  idPrefix: 'usr',
  read: staff,
  write: admins,
  createInput: userInput,
  updateInput: userUpdateInput,
  view: userView,
  serverFields: ['password'],
  toView: (doc: Doc) => {
    const { password, ...rest } = doc as unknown as User;
    void password;
    return rest;
  },
  async build(input, _ctx, existing) {
    const { password, ...rest } = input as { password?: string } & Fields;
    const hash =
      password !== undefined ? await hashPassword(password) : (existing as unknown as User).password;
    return { ...rest, agentId: rest.agentId ?? null, password: hash };
  },
  uniqueIndexes: [
    { ...uniquePerTenant(Collections.users, 'email'), message: 'a user with this email exists' },
  ],
  filters: {
    role: stringFilter('roles', 'users with this role'),
    email: stringFilter('email', 'the user with this email'),
  },
  references: (input) => ref('agentId', Collections.agents, 'agent', input.agentId),
});
