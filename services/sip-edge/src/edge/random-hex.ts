import { randomBytes } from 'node:crypto';

// Call and leg ids are drawn several times per call on the main thread; one randomBytes call per
// id was a measurable slice of a busy event loop. Bytes come from a pool filled 4 KB at a time by
// the same CSPRNG, and each byte is handed out once, so ids are exactly as unpredictable.

const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let at = 0;

/** `bytes` fresh random bytes as hex (2 × bytes characters). */
export function randomHex(bytes: number): string {
  if (bytes > POOL_BYTES) return randomBytes(bytes).toString('hex');
  if (at + bytes > pool.length) {
    pool = randomBytes(POOL_BYTES);
    at = 0;
  }
  const hex = pool.toString('hex', at, at + bytes);
  at += bytes;
  return hex;
}
