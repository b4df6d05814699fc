import { HotlineError, type FieldError } from '@hotline/platform';
import type { CdrQuery, IntervalQuery } from '../app/queries';

// Query strings of the report endpoints: every bad parameter is named in one 422.

const dayMs = 86_400_000;
const maxRangeMs = { '15m': 31 * dayMs, day: 366 * dayMs, cdrs: 93 * dayMs } as const;
const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

type Query = Record<string, unknown>;

class Fields {
  readonly errors: FieldError[] = [];

  string(q: Query, name: string): string | undefined {
    const v = q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      this.errors.push({ field: name, message: 'give it once, as text' });
      return undefined;
    }
    return v;
  }

  id(q: Query, name: string): string | undefined {
    const v = this.string(q, name);
    if (v !== undefined && !idPattern.test(v)) {
      this.errors.push({ field: name, message: 'letters, digits and . _ : - only (up to 128)' });
      return undefined;
    }
    return v;
  }

  instant(q: Query, name: string, fallback: number): number {
    const v = this.string(q, name);
    if (v === undefined) return fallback;
    const ms = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(v) ? Date.parse(v) : Number.NaN;
    if (Number.isNaN(ms)) {
      this.errors.push({
        field: name,
        message: 'an ISO-8601 date or date-time with offset, e.g. 2026-11-28T00:00:00Z',
      });
      return fallback;
    }
    return ms;
  }

  oneOf<T extends string>(q: Query, name: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.string(q, name);
    if (v === undefined) {
      if (fallback === undefined)
        this.errors.push({ field: name, message: `required: one of ${allowed.join(', ')}` });
      return fallback;
    }
    if (!(allowed as readonly string[]).includes(v)) {
      this.errors.push({ field: name, message: `one of ${allowed.join(', ')}` });
      return fallback;
    }
    return v as T;
  }

  range(from: number, to: number, maxMs: number): void {
    if (to <= from) this.errors.push({ field: 'to', message: 'must be after from' });
    else if (to - from > maxMs)
      this.errors.push({ field: 'to', message: `at most ${maxMs / dayMs} days after from` });
  }

  check(): void {
    if (this.errors.length > 0)
      throw new HotlineError(
        'validation_failed',
        `invalid query: ${this.errors.map((e) => e.field).join(', ')}`,
        {
          fields: this.errors,
        },
      );
  }
}

const startOfDay = (ms: number): number => Math.floor(ms / dayMs) * dayMs;

export type Format = 'json' | 'csv';

export function parseCdrQuery(q: Query, now: number): CdrQuery & { format: Format } {
  const f = new Fields();
  const from = f.instant(q, 'from', startOfDay(now));
  const to = f.instant(q, 'to', from + dayMs);
  f.range(from, to, maxRangeMs.cdrs);
  const limitText = f.string(q, 'limit');
  const limit = limitText === undefined ? 100 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    f.errors.push({ field: 'limit', message: 'an integer from 1 to 1000' });
  const cursor = f.string(q, 'cursor');
  if (cursor !== undefined && !/^\d{4}-\d{2}-\d{2}T[\d:.]+Z\|[A-Za-z0-9._:-]{1,128}$/.test(cursor))
    f.errors.push({ field: 'cursor', message: 'the nextCursor of a previous page' });
  const queueId = f.id(q, 'queueId');
  const agentId = f.id(q, 'agentId');
  const format = f.oneOf(q, 'format', ['json', 'csv'] as const, 'json') ?? 'json';
  f.check();
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    limit,
    format,
    ...(cursor !== undefined ? { cursor } : {}),
    ...(queueId !== undefined ? { queueId } : {}),
    ...(agentId !== undefined ? { agentId } : {}),
  };
}

export function parseIntervalQuery(q: Query, now: number): IntervalQuery & { format: Format } {
  const f = new Fields();
  const size = f.oneOf(q, 'size', ['15m', 'day'] as const);
  const from = f.instant(q, 'from', startOfDay(now));
  const to = f.instant(q, 'to', from + dayMs);
  if (size) f.range(from, to, maxRangeMs[size]);
  const queueId = f.id(q, 'queueId');
  const agentId = f.id(q, 'agentId');
  const format = f.oneOf(q, 'format', ['json', 'csv'] as const, 'json') ?? 'json';
  f.check();
  return {
    size: size ?? 'day',
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    format,
    ...(queueId !== undefined ? { queueId } : {}),
    ...(agentId !== undefined ? { agentId } : {}),
  };
}
