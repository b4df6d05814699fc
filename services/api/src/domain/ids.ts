import { randomBytes } from 'node:crypto';

/**
 * `<prefix>-<time><random>`: base-36 milliseconds padded to a fixed width, so ids sort by
 * creation time (lists page by `_id` and come back in creation order), then 64 random bits so
 * ids cannot be guessed or enumerated.
 */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}-${now.toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}
