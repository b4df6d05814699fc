// Kafka's default partitioner hashes the key bytes with murmur2 (seed 0x9747b28c) and takes the
// positive 31 bits modulo the partition count. The in-process bus uses the same function so a key
// lands on the same partition number in both shapes, which keeps their behaviour comparable.

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

// Module-level, not a closure per call: under tsx (how `hotline up` runs) every named inner
// function costs a defineProperty per call to keep its name.
function byteAt(data: Uint8Array, i: number): number {
  return data[i] ?? 0;
}

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const whole = length & ~3;
  let h = SEED ^ length;
  for (let i = 0; i < whole; i += 4) {
    let k =
      byteAt(data, i) |
      (byteAt(data, i + 1) << 8) |
      (byteAt(data, i + 2) << 16) |
      (byteAt(data, i + 3) << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const rest = length & 3;
  if (rest === 3) h ^= byteAt(data, whole + 2) << 16;
  if (rest >= 2) h ^= byteAt(data, whole + 1) << 8;
  if (rest >= 1) {
    h ^= byteAt(data, whole);
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a keyed record. */
export function partitionForKey(key: string, partitions: number): number {
  return (murmur2(Buffer.from(key, 'utf8')) & 0x7fffffff) % partitions;
}
