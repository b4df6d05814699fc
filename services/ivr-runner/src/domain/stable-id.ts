import { createHash } from 'node:crypto';

/**
 * A UUID derived from a name (RFC 9562 version 5 layout over SHA-1). Events the IVR emits get
 * their id from the call visit and step that made them, so a step replayed after a crash
 * publishes the same ids and consumers' idempotency guards drop the copies.
 */
export function stableUuid(name: string): string {
  const hash = createHash('sha1').update('hotline-ivr:').update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
