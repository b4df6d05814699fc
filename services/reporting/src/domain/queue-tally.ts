import { round1Pct } from './interval-aggregation';
import type { IntervalFact } from './interval-facts';

// A queue's figures of one day kept as running sums, so a real-time push reads a handful of
// counters instead of every call of the day. Each call contributes a small vector of counts to
// each queue-day it has facts in; a new fold of the call replaces its previous vector (the sums
// move by the difference), so a refold, a redelivery or a replay leaves the sums where the full
// aggregation over the calls' facts puts them.
//
// Service level needs "answered with wait <= T" for the threshold T provisioned at read time. T
// is a whole number of seconds (1..3600), and wait <= T s exactly when ceil(wait / 1 s) <= T, so
// answered calls are counted by their wait rounded up to the second (`w:<s>`); waits over
// `maxSlSec` share one counter, since no threshold reaches them.

/** The largest service-level threshold provisioning accepts (queue.serviceLevelSeconds). */
export const maxSlSec = 3600;

export type Contribution = Record<string, number>;

/** What one call's facts (of one queue and day) add to that queue-day's sums. */
export function contributionOf(facts: readonly IntervalFact[]): Contribution {
  const out: Contribution = {};
  const add = (field: string) => (out[field] = (out[field] ?? 0) + 1);
  for (const f of facts) {
    if (f.kind === 'offered') add('offered');
    else if (f.kind === 'abandoned') add('abandoned');
    else if (f.kind === 'answered') {
      add('answered');
      add(`w:${Math.min(Math.max(0, Math.ceil(f.waitMs / 1000)), maxSlSec + 1)}`);
    }
  }
  return out;
}

/** `field=n,...` in field order (equal vectors encode equally; the Lua twin parses it). */
export function encodeContribution(c: Contribution): string {
  return Object.keys(c)
    .sort()
    .map((f) => `${f}=${c[f] as number}`)
    .join(',');
}

export interface TallyFigures {
  offered: number;
  answered: number;
  abandoned: number;
  answeredInSl: number;
  serviceLevelPct: number | null;
  /** Latest event time behind the sums (epoch ms), or null when nothing was tallied. */
  updatedAtMs: number | null;
}

/** The day's figures from its sums (a hash as stored: field -> decimal count). */
export function tallyFigures(sums: Readonly<Record<string, string>>, slThresholdSec: number): TallyFigures {
  let answeredInSl = 0;
  for (const [field, value] of Object.entries(sums))
    if (field.startsWith('w:') && Number(field.slice(2)) <= slThresholdSec) answeredInSl += Number(value);
  const count = (field: string) => Number(sums[field] ?? 0);
  const answered = count('answered');
  const abandoned = count('abandoned');
  return {
    offered: count('offered'),
    answered,
    abandoned,
    answeredInSl,
    serviceLevelPct: round1Pct(answeredInSl, answered + abandoned),
    updatedAtMs: sums.updatedAtMs === undefined ? null : Number(sums.updatedAtMs),
  };
}
