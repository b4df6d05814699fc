import {
  DuplicateKeyError,
  RevisionConflictError,
  type Collection,
  type DocumentStore,
  type Filter,
} from '@hotline/document-store';
import { HotlineError, type FieldError } from '@hotline/platform';
import { Collections, type Tenant } from '@hotline/provisioning';
import { hasAnyRole, isUnrestricted, requireTenant, type Principal } from '../auth/principal';
import type { ChangeLog } from './change-log';
import { decodeCursor, encodeCursor } from './cursor';
import { parseOr422, validationFailed } from './field-errors';
import { newId } from './ids';
import type { BuildContext, Change, Doc, Fields, ResourceSpec, SideEffect } from './resource-spec';

/** Who acts, for which tenant, under which request id. */
export interface CallContext {
  principal: Principal;
  /** The tenant acted on; null only for a platform admin that named none. */
  tenantId: string | null;
  requestId: string | null;
}

export interface ListQuery {
  limit: number;
  cursor?: string;
  filters: Record<string, string | number | boolean>;
}

export interface Page {
  items: Fields[];
  nextCursor: string | null;
}

export interface Written {
  doc: Doc;
  view: Fields;
  /** Shown once (an API key's token); never stored. */
  reveal: Fields;
}

const META = ['_id', '_rev', 'tenantId', 'createdAt', 'updatedAt'];

/**
 * Create, read, list, update and delete for every resource, the same way:
 *
 * - Isolation: every read goes through the acting tenant; a document of another tenant is
 *   "not found", the same answer as a made-up id, so ids cannot be probed.
 * - Nothing half-written: input, references, and checks are all done before the one document
 *   write that commits the change; writes outside it (number claims, audio) are side effects
 *   made before it and undone if it fails.
 * - Concurrency: updates replace at the revision read (If-Match may name it); a concurrent
 *   writer makes the replace fail rather than be overwritten.
 */
export class Provisioner {
  constructor(
    private readonly store: DocumentStore,
    private readonly changes: ChangeLog,
  ) {}

  collection(spec: ResourceSpec): Collection<Doc> {
    return this.store.collection<Doc>(spec.collection);
  }

  authorize(spec: ResourceSpec, access: 'read' | 'write', ctx: CallContext): string | null {
    const { principal } = ctx;
    if (access === 'write' && spec.readOnly)
      throw new HotlineError('forbidden', `${spec.plural} are read-only`);
    if (spec.scope === 'platform') {
      if (principal.kind !== 'platform-admin' && principal.kind !== 'system') {
        throw new HotlineError('forbidden', `only the platform admin manages ${spec.plural}`);
      }
      return null;
    }
    const tenantId = requireTenant(ctx.tenantId);
    if (!isUnrestricted(principal) && !hasAnyRole(principal, spec[access])) {
      throw new HotlineError('forbidden', `your role may not ${access} ${spec.plural}`);
    }
    return tenantId;
  }

  async get(spec: ResourceSpec, id: string, ctx: CallContext): Promise<Doc> {
    const tenantId = this.authorize(spec, 'read', ctx);
    return this.load(spec, id, tenantId);
  }

  async list(spec: ResourceSpec, query: ListQuery, ctx: CallContext): Promise<Page> {
    const tenantId = this.authorize(spec, 'read', ctx);
    const filter: Filter = tenantId === null ? {} : { tenantId };
    for (const [name, value] of Object.entries(query.filters)) {
      const f = spec.filters?.[name];
      if (f) filter[f.path] = value;
    }
    if (query.cursor !== undefined) filter._id = { $gt: decodeCursor(query.cursor) };
    const docs = await this.collection(spec).find(filter, { sort: { _id: 1 }, limit: query.limit + 1 });
    const page = docs.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map((d) => spec.toView(d)),
      nextCursor: docs.length > query.limit && last ? encodeCursor(last._id) : null,
    };
  }

  async create(spec: ResourceSpec, body: unknown, ctx: CallContext): Promise<Written> {
    const scopeTenant = this.authorize(spec, 'write', ctx);
    const input = parseOr422(spec.createInput, body, `the ${spec.name}`) as Fields;
    const id = spec.scope === 'platform' && typeof input.id === 'string' ? input.id : newId(spec.idPrefix);
    const tenantId = scopeTenant ?? id;
    await this.checkInput(spec, input, id, tenantId, null);
    const now = new Date().toISOString();
    const build = this.buildContext(ctx, tenantId, id, now);
    const fields = await spec.build(input, build, null);
    const doc = { ...fields, _id: id, tenantId, createdAt: now, updatedAt: now } as Doc;

    const effect = await this.prepare(spec, { kind: 'create', after: doc });
    let saved: Doc;
    try {
      saved = await this.collection(spec).insert(doc);
    } catch (err) {
      await effect.rollback();
      throw this.writeError(spec, err, null);
    }
    await effect.commit();
    const view = spec.toView(saved);
    await this.record(spec, ctx, tenantId, 'created', saved, null, view);
    return { doc: saved, view, reveal: build.reveal };
  }

  async update(
    spec: ResourceSpec,
    id: string,
    body: unknown,
    mode: 'put' | 'patch',
    ifMatch: number | null,
    ctx: CallContext,
  ): Promise<Written> {
    const scopeTenant = this.authorize(spec, 'write', ctx);
    const existing = await this.load(spec, id, scopeTenant);
    let merged: unknown = body;
    if (mode === 'patch') {
      const patch = parseOr422(spec.patchInput, body, `the ${spec.name} patch`) as Fields;
      // Only the fields the client sent replace stored ones.
      const sent = Object.keys(body as Fields).filter((k) => Object.hasOwn(patch, k));
      merged = { ...this.inputOf(spec, existing), ...Object.fromEntries(sent.map((k) => [k, patch[k]])) };
    }
    const input = parseOr422(spec.updateInput, merged, `the ${spec.name}`) as Fields;
    // A malformed request is refused as such (422) whatever the stored revision.
    checkPrecondition(existing, ifMatch);
    await this.checkInput(spec, input, id, existing.tenantId, existing);
    const now = new Date().toISOString();
    const build = this.buildContext(ctx, existing.tenantId, id, now);
    const fields = await spec.build(input, build, existing);
    const next = {
      ...fields,
      _id: id,
      _rev: existing._rev,
      tenantId: existing.tenantId,
      createdAt: existing.createdAt,
      updatedAt: now,
    } as Doc;
    return this.replace(spec, existing, next, ifMatch, ctx, 'updated', build.reveal);
  }

  /** Replaces `existing` with `next` (same id) as one change: the engine of every update. */
  async replace(
    spec: ResourceSpec,
    existing: Doc,
    next: Doc,
    ifMatch: number | null,
    ctx: CallContext,
    action: string,
    reveal: Fields = {},
  ): Promise<Written> {
    const effect = await this.prepare(spec, { kind: 'update', before: existing, after: next });
    let saved: Doc;
    try {
      saved = await this.collection(spec).replace(next, existing._rev);
    } catch (err) {
      await effect.rollback();
      throw this.writeError(spec, err, ifMatch);
    }
    await effect.commit();
    const view = spec.toView(saved);
    await this.record(spec, ctx, saved.tenantId, action, saved, spec.toView(existing), view);
    return { doc: saved, view, reveal };
  }

  async remove(spec: ResourceSpec, id: string, ifMatch: number | null, ctx: CallContext): Promise<void> {
    const scopeTenant = this.authorize(spec, 'write', ctx);
    const existing = await this.load(spec, id, scopeTenant);
    checkPrecondition(existing, ifMatch);
    await this.checkNotReferenced(spec, existing);
    const effect = await this.prepare(spec, { kind: 'delete', before: existing });
    try {
      const deleted = await this.collection(spec).delete(id, existing._rev);
      if (!deleted) throw new HotlineError('not_found', `no ${spec.name} ${id}`);
    } catch (err) {
      await effect.rollback();
      throw this.writeError(spec, err, ifMatch);
    }
    await effect.commit();
    await this.record(spec, ctx, existing.tenantId, 'deleted', existing, spec.toView(existing), null);
  }

  /** The document if it exists in this tenant; otherwise 404, whoever owns it. */
  async load(spec: ResourceSpec, id: string, tenantId: string | null): Promise<Doc> {
    const doc = await this.collection(spec).get(id);
    if (!doc || (tenantId !== null && doc.tenantId !== tenantId)) {
      throw new HotlineError('not_found', `no ${spec.name} ${id}`);
    }
    return doc;
  }

  inputOf(spec: ResourceSpec, doc: Doc): Fields {
    if (spec.inputOf) return spec.inputOf(doc);
    const out: Fields = {};
    for (const [k, v] of Object.entries(doc)) {
      if (!META.includes(k) && !spec.serverFields.includes(k)) out[k] = v;
    }
    return out;
  }

  async tenant(tenantId: string): Promise<Tenant> {
    const tenant = await this.store.collection<Tenant>(Collections.tenants).get(tenantId);
    if (!tenant) throw new HotlineError('not_found', `no tenant ${tenantId}`);
    return tenant;
  }

  private buildContext(ctx: CallContext, tenantId: string, id: string, now: string): BuildContext {
    let tenant: Promise<Tenant> | undefined;
    return {
      tenantId,
      id,
      now,
      principal: ctx.principal,
      tenant: () => (tenant ??= this.tenant(tenantId)),
      reveal: {},
    };
  }

  /** Cross-field checks and references, all reported together. */
  private async checkInput(
    spec: ResourceSpec,
    input: Fields,
    id: string,
    tenantId: string,
    existing: Doc | null,
  ): Promise<void> {
    const fields: FieldError[] = [...(spec.check?.(input, id, existing) ?? [])];
    const refs = spec.references?.(input, id) ?? [];
    const seen = new Map<string, Promise<boolean>>();
    const results = await Promise.all(
      refs.map(async (ref) => {
        const key = `${ref.collection}/${ref.id}`;
        let found = seen.get(key);
        if (!found) {
          found = this.store
            .collection<Doc>(ref.collection)
            .get(ref.id)
            .then((d) => d !== null && d.tenantId === tenantId);
          seen.set(key, found);
        }
        return { ref, ok: await found };
      }),
    );
    for (const { ref, ok } of results) {
      if (!ok) fields.push({ field: ref.field, message: `no ${ref.resource} ${ref.id} in this tenant` });
    }
    if (fields.length > 0) throw validationFailed(`the ${spec.name} is invalid`, fields);
  }

  private async checkNotReferenced(spec: ResourceSpec, doc: Doc): Promise<void> {
    const users = await Promise.all(
      (spec.referencedBy ?? []).map(async (b) => {
        const filter: Filter = { [b.path]: doc._id };
        if (spec.scope === 'tenant') filter.tenantId = doc.tenantId;
        const n = await this.store.collection<Doc>(b.collection).count(filter);
        return n > 0 ? `${n} ${b.resource}${n === 1 ? '' : 's'} (${b.path})` : null;
      }),
    );
    const inUse = users.filter((u): u is string => u !== null);
    if (inUse.length > 0) {
      throw new HotlineError(
        'conflict',
        `${spec.name} ${doc._id} is still referenced by ${inUse.join(', ')}`,
      );
    }
  }

  private async prepare(spec: ResourceSpec, change: Change): Promise<SideEffect> {
    return spec.sideEffect ? spec.sideEffect(change) : { rollback: async () => {}, commit: async () => {} };
  }

  private writeError(spec: ResourceSpec, err: unknown, ifMatch: number | null): unknown {
    if (err instanceof DuplicateKeyError) {
      const unique = spec.uniqueIndexes?.find((u) => u.spec.name === err.index);
      const field = unique?.field ?? 'id';
      const message = unique?.message ?? 'already taken';
      return new HotlineError('conflict', `a ${spec.name} with this ${field} already exists`, {
        cause: err,
        fields: [{ field, message }],
      });
    }
    if (err instanceof RevisionConflictError) {
      return ifMatch !== null
        ? new HotlineError('precondition_failed', `${spec.name} changed since revision ${ifMatch}`, {
            cause: err,
          })
        : new HotlineError('conflict', `${spec.name} changed while it was being written; read it again`, {
            cause: err,
            retryable: true,
          });
    }
    return err;
  }

  private async record(
    spec: ResourceSpec,
    ctx: CallContext,
    tenantId: string,
    action: string,
    doc: Doc,
    before: Fields | null,
    after: Fields | null,
  ): Promise<void> {
    await this.changes.record({
      tenantId,
      principal: ctx.principal,
      action,
      resource: spec.name,
      resourceId: doc._id,
      revision: action === 'deleted' ? doc._rev + 1 : doc._rev,
      eventAction: action === 'created' ? 'created' : action === 'deleted' ? 'deleted' : 'updated',
      before,
      after,
      requestId: ctx.requestId,
    });
  }
}

function checkPrecondition(doc: Doc, ifMatch: number | null): void {
  if (ifMatch !== null && ifMatch !== doc._rev) {
    throw new HotlineError('precondition_failed', `If-Match names revision ${ifMatch}; it is at ${doc._rev}`);
  }
}
