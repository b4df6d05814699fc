import { DuplicateKeyError, type Collection, type DocumentStore } from '@hotline/document-store';
import { HotlineError } from '@hotline/platform';
import { Collections } from '@hotline/provisioning';
import type { Request } from 'express';
import { sha256Hex } from '../auth/api-key-token';
import type { CallContext } from '../domain/provisioner';
import { canonicalJson } from '../resources/flows';
import type { HttpResult } from './http-result';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEEP_MS = 24 * 3600 * 1000;
/** A pending record this old belongs to a request that died; a retry may take it over. */
const ABANDONED_MS = 60_000;

interface IdempotencyRecord {
  _id: string;
  _rev: number;
  tenantId: string;
  state: 'pending' | 'done';
  fingerprint: string;
  startedAt: string;
  expiresAt: string;
  response: HttpResult | null;
}

/**
 * POST with an `Idempotency-Key` (IETF httpapi idempotency-key draft): the first request runs
 * and its response is kept for 24 h; a retry with the same key and the same request gets the
 * same response (`Idempotent-Replayed: true`) without running again; the same key with another
 * request is refused. A failed request keeps nothing, so the client may fix it and retry.
 * Fields named `secret` (a new API key's token) are never kept: a replay omits them.
 */
export class Idempotency {
  private readonly records: Collection<IdempotencyRecord>;

  constructor(store: DocumentStore) {
    this.records = store.collection<IdempotencyRecord>(Collections.idempotencyKeys);
  }

  async run(req: Request, ctx: CallContext, work: () => Promise<HttpResult>): Promise<HttpResult> {
    const key = req.get(IDEMPOTENCY_HEADER);
    if (key === undefined) return work();
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new HotlineError('bad_request', `${IDEMPOTENCY_HEADER} must be 1–255 visible ASCII characters`, {
        fields: [{ field: IDEMPOTENCY_HEADER, message: 'malformed' }],
      });
    }
    const tenantId = ctx.tenantId ?? 'platform';
    const id = sha256Hex(`${tenantId}\n${ctx.principal.kind}:${ctx.principal.id}\n${key}`);
    const fingerprint = sha256Hex(`${req.method} ${req.path}\n${canonicalJson(req.body ?? null)}`);
    const claimed = await this.claim(id, tenantId, fingerprint);
    if (claimed !== null) return claimed;
    let result: HttpResult;
    try {
      result = await work();
    } catch (err) {
      await this.records.delete(id).catch(() => false);
      throw err;
    }
    const current = await this.records.get(id);
    if (current) {
      await this.records
        .replace(
          { ...current, state: 'done', response: { ...result, body: withoutSecrets(result.body) } },
          current._rev,
        )
        .catch(() => undefined);
    }
    return result;
  }

  /** Null when this request owns the key now; otherwise the answer to give instead. */
  private async claim(id: string, tenantId: string, fingerprint: string): Promise<HttpResult | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const now = Date.now();
      try {
        await this.records.insert({
          _id: id,
          tenantId,
          state: 'pending',
          fingerprint,
          startedAt: new Date(now).toISOString(),
          expiresAt: new Date(now + KEEP_MS).toISOString(),
          response: null,
        });
        return null;
      } catch (err) {
        if (!(err instanceof DuplicateKeyError)) throw err;
      }
      const existing = await this.records.get(id);
      if (!existing) continue;
      const expired = Date.parse(existing.expiresAt) <= now;
      const abandoned = existing.state === 'pending' && now - Date.parse(existing.startedAt) > ABANDONED_MS;
      if (expired || abandoned) {
        await this.records.delete(id, existing._rev).catch(() => false);
        continue;
      }
      if (existing.fingerprint !== fingerprint) {
        throw new HotlineError(
          'validation_failed',
          `this ${IDEMPOTENCY_HEADER} was used for another request`,
          {
            fields: [{ field: IDEMPOTENCY_HEADER, message: 'reused with a different request' }],
          },
        );
      }
      if (existing.state === 'pending' || !existing.response) {
        throw new HotlineError('conflict', 'a request with this idempotency key is still running', {
          retryable: true,
        });
      }
      return {
        ...existing.response,
        headers: { ...existing.response.headers, 'Idempotent-Replayed': 'true' },
      };
    }
    throw new HotlineError('conflict', 'idempotency key contended; retry', { retryable: true });
  }
}

function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('secret' in body)) return body;
  const { secret, ...rest } = body as Record<string, unknown>;
  void secret;
  return rest;
}
