import { HotlineError } from '@hotline/platform';
import type { Request } from 'express';

/** The revision If-Match names, or null when absent or `*` (any current revision). */
export function ifMatchRevision(req: Request): number | null {
  const header = req.get('if-match');
  if (header === undefined || header.trim() === '*') return null;
  const m = /^\s*(?:W\/)?"(\d{1,15})"\s*$/.exec(header);
  if (!m) {
    throw new HotlineError('bad_request', 'If-Match must be an ETag this API returned', {
      fields: [{ field: 'If-Match', message: 'expected an ETag such as "3"' }],
    });
  }
  return Number(m[1]);
}
