// A Redis-ordered sorted set: ascending by score, ties broken by member compared as bytes.
// Entries live in sorted arrays ("buckets") of at most a few hundred entries, found by binary search
// on each bucket's last entry, plus a member -> score map. One flat sorted array would make every
// insert and removal move half the set (~50 µs at 10,000 members, ~200 µs at 50,000); bounded
// buckets keep that to a few hundred entries, whatever the size of the set.

interface Entry {
  readonly score: number;
  readonly member: string;
}

const DEFAULT_BUCKET_MAX = 512;

/**
 * Redis compares members with memcmp over UTF-8 bytes, which orders by code point. JavaScript's
 * `<` compares UTF-16 units, which puts astral characters (surrogates) before U+E000-U+FFFF.
 * Shifting the two ranges past each other turns unit order into code point order.
 */
export function compareMembers(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

function compare(entry: Entry, score: number, member: string): number {
  if (entry.score !== score) return entry.score < score ? -1 : 1;
  return compareMembers(entry.member, member);
}

/** First index in `items` for which `before` is false (`before` must hold for a prefix). */
function partition<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid] as T)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const lastOf = (bucket: Entry[]) => bucket[bucket.length - 1] as Entry;

export class SortedSet {
  /** Non-empty, each sorted, every entry of one bucket before every entry of the next. */
  private readonly buckets: Entry[][] = [];
  private readonly scores = new Map<string, number>();

  /** bucketMax is only worth changing in tests, to exercise bucket splits with few members. */
  constructor(private readonly bucketMax = DEFAULT_BUCKET_MAX) {}

  get size(): number {
    return this.scores.size;
  }

  /** Returns true when the member is new. */
  add(score: number, member: string): boolean {
    const previous = this.scores.get(member);
    if (previous === score) return false;
    if (previous !== undefined) this.unlink(previous, member);
    this.link({ score, member });
    this.scores.set(member, score);
    return previous === undefined;
  }

  remove(member: string): boolean {
    const score = this.scores.get(member);
    if (score === undefined) return false;
    this.unlink(score, member);
    this.scores.delete(member);
    return true;
  }

  score(member: string): number | null {
    return this.scores.get(member) ?? null;
  }

  rank(member: string): number | null {
    const score = this.scores.get(member);
    if (score === undefined) return null;
    const b = this.bucketOf(score, member);
    let rank = 0;
    for (let i = 0; i < b; i++) rank += (this.buckets[i] as Entry[]).length;
    return rank + partition(this.buckets[b] as Entry[], (e) => compare(e, score, member) < 0);
  }

  /** Members at ranks start..stop inclusive, both already resolved to 0 <= start <= stop. */
  slice(start: number, stop: number): string[] {
    const out: string[] = [];
    let skip = start;
    let take = stop - start + 1;
    for (const bucket of this.buckets) {
      if (take <= 0) break;
      if (skip >= bucket.length) {
        skip -= bucket.length;
        continue;
      }
      for (let i = skip; i < bucket.length && take > 0; i++, take--) out.push((bucket[i] as Entry).member);
      skip = 0;
    }
    return out;
  }

  /** Members with min <= score <= max, skipping `offset`, at most `count` (negative: all). */
  byScore(min: number, max: number, offset: number, count: number): string[] {
    const out: string[] = [];
    if (min > max || offset < 0 || count === 0) return out;
    let skip = offset;
    let b = partition(this.buckets, (bucket) => lastOf(bucket).score < min);
    let i = b < this.buckets.length ? partition(this.buckets[b] as Entry[], (e) => e.score < min) : 0;
    for (; b < this.buckets.length; b++, i = 0) {
      const bucket = this.buckets[b] as Entry[];
      for (; i < bucket.length; i++) {
        const entry = bucket[i] as Entry;
        if (entry.score > max) return out;
        if (skip > 0) skip--;
        else if (out.push(entry.member) === count) return out;
      }
    }
    return out;
  }

  /** The bucket holding (score, member), or where it belongs: the first whose last entry is not before it. */
  private bucketOf(score: number, member: string): number {
    return partition(this.buckets, (bucket) => compare(lastOf(bucket), score, member) < 0);
  }

  private link(entry: Entry): void {
    if (this.buckets.length === 0) {
      this.buckets.push([entry]);
      return;
    }
    const b = Math.min(this.bucketOf(entry.score, entry.member), this.buckets.length - 1);
    const bucket = this.buckets[b] as Entry[];
    bucket.splice(
      partition(bucket, (e) => compare(e, entry.score, entry.member) < 0),
      0,
      entry,
    );
    if (bucket.length > this.bucketMax) this.buckets.splice(b + 1, 0, bucket.splice(this.bucketMax >>> 1));
  }

  private unlink(score: number, member: string): void {
    const b = this.bucketOf(score, member);
    const bucket = this.buckets[b] as Entry[];
    bucket.splice(
      partition(bucket, (e) => compare(e, score, member) < 0),
      1,
    );
    if (bucket.length === 0) this.buckets.splice(b, 1);
  }
}
