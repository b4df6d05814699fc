import type { Principal } from '../auth/principal';
import type { FlowLifecycle } from '../domain/flow-lifecycle';
import type { CallContext, Provisioner } from '../domain/provisioner';
import type { Fields } from '../domain/resource-spec';
import type { Resources } from '../resources';

/**
 * Where a seed provisions: the API's own provisioner in-process (`hotline up`), or a running
 * API over HTTP with the platform admin key (`hotline seed-demo`). Either way every write goes
 * through the same validation, references, audit and config events.
 */
export interface SeedTarget {
  tenantExists(tenantId: string): Promise<boolean>;
  /** Creates under /v1/<plural>; `tenantId` null for tenants themselves. */
  create(plural: string, body: Fields, tenantId: string | null): Promise<{ _id: string; secret?: string }>;
  flowAction(flowId: string, action: 'validate' | 'publish', tenantId: string): Promise<void>;
}

export function inProcessTarget(
  provisioner: Provisioner,
  resources: Resources,
  flows: FlowLifecycle,
): SeedTarget {
  const system: Principal = { kind: 'system', id: 'demo-seed', tenantId: null, roles: ['tenant-admin'] };
  const ctx = (tenantId: string | null): CallContext => ({
    principal: { ...system, tenantId },
    tenantId,
    requestId: null,
  });
  const specOf = (plural: string) => {
    const spec = Object.values(resources).find((s) => s.plural === plural);
    if (!spec) throw new Error(`no resource ${plural}`);
    return spec;
  };
  return {
    tenantExists: async (tenantId) =>
      (await provisioner.collection(resources.tenants).get(tenantId)) !== null,
    create: async (plural, body, tenantId) => {
      const written = await provisioner.create(specOf(plural), body, ctx(tenantId));
      const secret = written.reveal.secret;
      return { _id: written.doc._id, ...(typeof secret === 'string' ? { secret } : {}) };
    },
    flowAction: async (flowId, action, tenantId) => {
      await flows[action](flowId, null, ctx(tenantId));
    },
  };
}

export class SeedHttpError extends Error {
  constructor(
    readonly status: number,
    readonly problem: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(problem)}`);
    this.name = 'SeedHttpError';
  }
}

export function httpTarget(baseUrl: string, adminKey: string): SeedTarget {
  const call = async (method: string, path: string, tenantId: string | null, body?: Fields) => {
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: {
        authorization: `Bearer ${adminKey}`,
        ...(tenantId ? { 'hotline-tenant': tenantId } : {}),
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  return {
    tenantExists: async (tenantId) => {
      const r = await call('GET', `/v1/tenants/${encodeURIComponent(tenantId)}`, null);
      if (r.status === 404) return false;
      if (r.status === 200) return true;
      throw new SeedHttpError(r.status, r.json, `reading tenant ${tenantId}`);
    },
    create: async (plural, body, tenantId) => {
      const r = await call('POST', `/v1/${plural}`, tenantId, body);
      if (r.status !== 201) throw new SeedHttpError(r.status, r.json, `creating ${plural}`);
      return r.json as { _id: string; secret?: string };
    },
    flowAction: async (flowId, action, tenantId) => {
      const r = await call('POST', `/v1/flows/${encodeURIComponent(flowId)}/${action}`, tenantId);
      if (r.status !== 200) throw new SeedHttpError(r.status, r.json, `${action} flow ${flowId}`);
    },
  };
}
