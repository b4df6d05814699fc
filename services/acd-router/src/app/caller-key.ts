import { createHash } from 'node:crypto';

/** A caller's number never reaches live state: only this digest does. */
export function callerKeyFor(tenantId: string, number: string): string {
  return createHash('sha256').update(`${tenantId}\u0000${number}`).digest('hex').slice(0, 32);
}
