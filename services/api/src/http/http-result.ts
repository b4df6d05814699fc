import type { Response } from 'express';

/** What a handler answers; written in one place so idempotent replays answer the same. */
export interface HttpResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function send(res: Response, result: HttpResult): void {
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, value);
  if (result.body === undefined) res.status(result.status).end();
  else res.status(result.status).json(result.body);
}

/** The ETag of a revision: revisions only grow and ids are never reused, so it is strong. */
export const etagOf = (rev: number) => `"${rev}"`;
