// Keys by expiry time, soonest first: lets the memory adapter's sweep visit only the keys that
// are due instead of every key with a TTL (idempotency keys alone reach hundreds of thousands under
// load). Entries are not removed when a key's TTL changes or the key goes; the sweep checks each
// popped entry against the key's current deadline and skips stale ones, and the heap is rebuilt
// from the live deadlines once stale entries outnumber them.

export class DeadlineHeap {
  private deadlines: number[] = [];
  private keys: string[] = [];

  get size(): number {
    return this.keys.length;
  }

  push(deadline: number, key: string): void {
    this.deadlines.push(deadline);
    this.keys.push(key);
    this.up(this.keys.length - 1);
  }

  /** Removes and returns every entry with a deadline before `now`, soonest first. */
  *popDue(now: number): Generator<[number, string]> {
    while (this.keys.length > 0 && now > this.deadlines[0]!) {
      const entry: [number, string] = [this.deadlines[0]!, this.keys[0]!];
      const lastDeadline = this.deadlines.pop()!;
      const lastKey = this.keys.pop()!;
      if (this.keys.length > 0) {
        this.deadlines[0] = lastDeadline;
        this.keys[0] = lastKey;
        this.down(0);
      }
      yield entry;
    }
  }

  /** Replaces the contents with exactly these entries. */
  rebuild(entries: Iterable<[string, number]>): void {
    this.deadlines = [];
    this.keys = [];
    for (const [key, deadline] of entries) {
      this.deadlines.push(deadline);
      this.keys.push(key);
    }
    for (let i = (this.keys.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.deadlines[parent]! <= this.deadlines[i]!) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < n && this.deadlines[l]! < this.deadlines[min]!) min = l;
      if (r < n && this.deadlines[r]! < this.deadlines[min]!) min = r;
      if (min === i) return;
      this.swap(i, min);
      i = min;
    }
  }

  private swap(a: number, b: number): void {
    [this.deadlines[a], this.deadlines[b]] = [this.deadlines[b]!, this.deadlines[a]!];
    [this.keys[a], this.keys[b]] = [this.keys[b]!, this.keys[a]!];
  }
}
