import type { IndexSpec, StoredDoc } from '@hotline/document-store';
import type { FieldError } from '@hotline/platform';
import type { DocumentMeta, ResourceName, Role, Tenant } from '@hotline/provisioning';
import type { z } from 'zod';
import type { Principal } from '../auth/principal';

export type Doc = StoredDoc & DocumentMeta & Record<string, unknown>;
export type Fields = Record<string, unknown>;

/** A reference from a field of a resource to another document of the same tenant. */
export interface Ref {
  field: string;
  collection: string;
  resource: string;
  id: string;
}

/** A field of another resource that may point at this one (checked before a delete). */
export interface BackRef {
  collection: string;
  /** Dotted document path holding the id (through arrays too). */
  path: string;
  resource: string;
}

export interface BuildContext {
  tenantId: string;
  id: string;
  now: string;
  principal: Principal;
  tenant(): Promise<Tenant>;
  /** Response fields shown once and never stored (a new API key's token). */
  reveal: Fields;
}

export type Change =
  | { kind: 'create'; after: Doc }
  | { kind: 'update'; before: Doc; after: Doc }
  | { kind: 'delete'; before: Doc };

/**
 * A write outside the resource's own document (a number claim, a WAV blob), made before the
 * document write that commits the change: `rollback` undoes it if that write fails, `commit`
 * tidies up after it succeeded (releases what the old version held).
 */
export interface SideEffect {
  rollback(): Promise<void>;
  commit(): Promise<void>;
}

export interface UniqueIndex {
  spec: IndexSpec;
  /** The request field a duplicate is reported on. */
  field: string;
  message: string;
}

export interface QueryFilter {
  schema: z.ZodType<string | number | boolean>;
  /** Dotted document path the value is matched against. */
  path: string;
  description: string;
}

export interface ResourceSpec {
  /** Singular, kebab-case: the config event's and the audit log's resource name. */
  name: ResourceName | 'audit-entry';
  /** Path segment under /v1. */
  plural: string;
  /** PascalCase, for OpenAPI component names. */
  title: string;
  collection: string;
  idPrefix: string;
  /** `platform`: the tenants themselves, platform admin only. */
  scope: 'tenant' | 'platform';
  read: readonly Role[];
  write: readonly Role[];
  createInput: z.ZodType;
  updateInput: z.ZodType;
  patchInput: z.ZodType;
  view: z.ZodType;
  /** Fields the server owns; dropped when a stored document is turned back into input for PATCH. */
  serverFields: readonly string[];
  toView(doc: Doc): Fields;
  /** The stored fields (beside the meta fields) for validated input. */
  build(input: Fields, ctx: BuildContext, existing: Doc | null): Promise<Fields>;
  /** Turns a stored document back into input (for PATCH merges); defaults to dropping server fields. */
  inputOf?(doc: Doc): Fields;
  references?(input: Fields, id: string): Ref[];
  referencedBy?: readonly BackRef[];
  /** Checks that need the id or the stored version (a queue cannot overflow to itself). */
  check?(input: Fields, id: string, existing: Doc | null): FieldError[];
  filters?: Record<string, QueryFilter>;
  uniqueIndexes?: readonly UniqueIndex[];
  /** Writes outside the document, done before it (see SideEffect). */
  sideEffect?(change: Change): Promise<SideEffect>;
  /** Served for reading only (the audit log): no POST, PUT, PATCH or DELETE. */
  readOnly?: boolean;
}
