import { Collections, apiKeyInput, apiKeyView, type ApiKey } from '@hotline/provisioning';
import type { Doc } from '../domain/resource-spec';
import { newApiKeySecret } from '../auth/api-key-token';
import { admins, defineResource, stringFilter } from './define';

export const apiKeys = defineResource({
  name: 'api-key',
  plural: 'api-keys',
  title: 'ApiKey',
  collection: Collections.apiKeys,
  idPrefix: 'key',
  read: admins,
  write: admins,
  createInput: apiKeyInput,
  view: apiKeyView,
  serverFields: ['secretHash', 'hint', 'revokedAt'],
  toView: (doc: Doc) => {
    const { secretHash, ...rest } = doc as unknown as ApiKey;
    void secretHash;
    return rest;
  },
  async build(input, ctx, existing) {
    const previous = existing as unknown as ApiKey | null;
    const base = { ...input, expiresAt: input.expiresAt ?? null };
    if (previous) {
      return { ...base, revokedAt: previous.revokedAt, secretHash: previous.secretHash, hint: previous.hint };
    }
    const { token, secretHash, hint } = newApiKeySecret(ctx.id);
    ctx.reveal.secret = token;
    return { ...base, revokedAt: null, secretHash, hint };
  },
  filters: { role: stringFilter('role', 'keys with this role') },
});
