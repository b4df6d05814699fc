import { HotlineError } from '@hotline/platform';

// A list cursor is the last id of the previous page, opaque to clients (base64url JSON).
// Lists sort by `_id`, which grows with creation time, so a page never repeats or skips an
// item that existed when the first page was read.

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && 'after' in parsed && typeof parsed.after === 'string') {
      if (parsed.after.length > 0 && parsed.after.length <= 128) return parsed.after;
    }
  } catch {
    // fall through to the error below
  }
  throw new HotlineError('bad_request', 'cursor is not one this API returned', {
    fields: [{ field: 'cursor', message: 'not a cursor from a previous page' }],
  });
}
