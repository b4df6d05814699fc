import { describe, expect, it } from 'vitest';
import { DeadlineHeap } from './deadline-heap';
import { MemoryDb } from './memory-db';

describe('DeadlineHeap', () => {
  it('pops only the entries that are due, soonest first', () => {
    const heap = new DeadlineHeap();
    const deadlines = [50, 10, 40, 30, 20, 60, 10];
    deadlines.forEach((d, i) => heap.push(d, `k${i}`));
    const due = [...heap.popDue(35)];
    expect(due.map(([d]) => d)).toEqual([10, 10, 20, 30]);
    expect(heap.size).toBe(3);
    expect([...heap.popDue(1000)].map(([d]) => d)).toEqual([40, 50, 60]);
  });

  it('rebuilds from the live deadlines', () => {
    const heap = new DeadlineHeap();
    heap.rebuild(
      new Map([
        ['a', 30],
        ['b', 10],
        ['c', 20],
      ]),
    );
    expect([...heap.popDue(25)]).toEqual([
      [10, 'b'],
      [20, 'c'],
    ]);
  });
});

describe('MemoryDb sweep with changing TTLs', () => {
  it('drops exactly the keys whose current deadline passed', () => {
    let now = 1_000;
    const db = new MemoryDb(() => now);
    for (let i = 0; i < 3_000; i++) db.set(`k${i}`, 'v', { ttlMs: 100 + (i % 300) });
    db.pexpire('k0', 10_000); // extended: its first deadline is stale
    db.set('k1', 'v'); // persisted: no deadline any more
    db.del('k2');
    now += 250;
    const dropped = db.sweep();
    // TTLs 100..249 have passed (strictly before now), except the extended and persisted keys.
    const expected = Array.from({ length: 3_000 }, (_, i) => i).filter(
      (i) => i > 2 && 100 + (i % 300) < 250,
    ).length;
    expect(dropped).toBe(expected);
    expect(db.exists('k0')).toBe(true);
    expect(db.exists('k1')).toBe(true);
    expect(db.exists('k3')).toBe(false);
    expect(db.exists('k299')).toBe(true);
    now += 10_000;
    db.sweep();
    expect(db.exists('k0')).toBe(false);
    expect(db.exists('k1')).toBe(true);
  });
});
