import type { Role } from '@hotline/provisioning';
import { z } from 'zod';
import type { Doc, Fields, QueryFilter, Ref, ResourceSpec } from '../domain/resource-spec';

export const admins: readonly Role[] = ['tenant-admin'];
export const staff: readonly Role[] = ['tenant-admin', 'supervisor'];
export const everyone: readonly Role[] = ['tenant-admin', 'supervisor', 'agent'];

type Defaults =
  'patchInput' | 'updateInput' | 'serverFields' | 'toView' | 'build' | 'scope' | 'read' | 'write';

/** A resource spec with the common defaults: PUT takes the create body, PATCH any subset of it. */
export function defineResource(
  spec: Omit<ResourceSpec, Defaults> & Partial<Pick<ResourceSpec, Defaults>>,
): ResourceSpec {
  const shape = (spec.updateInput ?? spec.createInput) as z.ZodObject;
  return {
    scope: 'tenant',
    read: everyone,
    write: admins,
    serverFields: [],
    toView: (doc: Doc) => doc,
    build: async (input: Fields) => input,
    updateInput: spec.createInput,
    patchInput: patchOf(shape),
    ...spec,
  };
}

/**
 * A PATCH body: any subset of the fields, each optional with its default removed — a default
 * here would write itself over the stored value of a field the client never sent.
 */
export function patchOf(schema: z.ZodObject): z.ZodObject {
  const fields: Record<string, z.ZodType> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const bare = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : field;
    fields[key] = bare.optional();
  }
  return z.strictObject(fields);
}

export const stringFilter = (path: string, description: string, schema?: z.ZodType<string>): QueryFilter => ({
  path,
  description,
  schema: schema ?? z.string().min(1).max(256),
});

export const booleanFilter = (path: string, description: string): QueryFilter => ({
  path,
  description,
  schema: z.enum(['true', 'false']).transform((v) => v === 'true') as unknown as z.ZodType<boolean>,
});

export const uniquePerTenant = (collection: string, field: string, path = field) => ({
  spec: {
    name: `${collection}_tenant_${path.replace(/\./g, '_')}`,
    fields: { tenantId: 1, [path]: 1 } as Record<string, 1>,
    unique: true,
  },
  field,
  message: `another ${field} like this exists in the tenant`,
});

/** A reference to check, if the field holds an id. */
export function ref(field: string, collection: string, resource: string, id: unknown): Ref[] {
  return typeof id === 'string' ? [{ field, collection, resource, id }] : [];
}
