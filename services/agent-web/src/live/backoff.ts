/**
 * Exponential backoff with "full jitter" (a random delay up to the exponential bound), so many
 * browsers that lost the server at once do not all come back in the same second.
 */
export function retryDelayMs(
  attempt: number,
  opts: { baseMs?: number; maxMs?: number; random?: () => number } = {},
): number {
  const base = opts.baseMs ?? 1000;
  const max = opts.maxMs ?? 30_000;
  const bound = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt, 20)));
  const r = (opts.random ?? Math.random)();
  // Never less than half the bound: a retry loop with a near-zero delay helps nobody.
  return Math.round(bound / 2 + (r * bound) / 2);
}
