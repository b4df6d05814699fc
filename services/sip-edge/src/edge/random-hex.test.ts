import { describe, expect, it } from 'vitest';
import { randomHex } from './random-hex';

describe('randomHex', () => {
  it('gives hex of the length asked, and never the same id twice across pool refills', () => {
    const ids = Array.from({ length: 2000 }, () => randomHex(8));
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(randomHex(5000)).toMatch(/^[0-9a-f]{10000}$/);
  });
});
