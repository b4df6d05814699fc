import { createHash } from 'node:crypto';
import type { RecordingPolicy } from '@hotline/provisioning';

// F-REC-1: which calls are recorded. Policies come from three places: the hotline the call
// arrived on (its `recording` field, provisioned with the hotline), and the recorder's own
// `recording-policies` collection for the whole tenant and for single queues. A call is
// recorded when any policy that covers it says so: the strongest wins (all > percentage >
// on-demand > none), so a tenant-wide "all" cannot be undone by a hotline left at its default.

export type PolicySource = 'tenant' | 'queue' | 'hotline';

export interface ScopedPolicy {
  source: PolicySource;
  policy: RecordingPolicy;
}

export interface RecordingDecision {
  record: boolean;
  /** Which policy decided (null when none applies: not recorded). */
  source: PolicySource | null;
  mode: RecordingPolicy['mode'];
  /** May agents pause (PCI)? Only if every applying policy allows it. */
  allowPause: boolean;
}

const strength: Record<RecordingPolicy['mode'], number> = { none: 0, 'on-demand': 1, percentage: 2, all: 3 };

/**
 * Where a call falls in 0 ≤ bucket < 100, from its id alone: a replayed or redelivered event,
 * or another recorder instance, samples the same calls.
 */
export function sampleBucket(callId: string): number {
  return (createHash('sha256').update(callId).digest().readUInt32BE(0) % 10_000) / 100;
}

export function decideRecording(callId: string, policies: ScopedPolicy[]): RecordingDecision {
  const allowPause = policies.every((p) => p.policy.allowPause);
  let best: ScopedPolicy | undefined;
  for (const p of policies) {
    if (!best || strength[p.policy.mode] > strength[best.policy.mode]) best = p;
    else if (p.policy.mode === 'percentage' && best.policy.mode === 'percentage') {
      if ((p.policy.percentage ?? 0) > (best.policy.percentage ?? 0)) best = p;
    }
  }
  if (!best) return { record: false, source: null, mode: 'none', allowPause };
  const mode = best.policy.mode;
  const record =
    mode === 'all' || (mode === 'percentage' && sampleBucket(callId) < (best.policy.percentage ?? 0));
  return { record, source: best.source, mode, allowPause };
}
