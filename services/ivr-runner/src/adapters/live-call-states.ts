import { compareAndSet, type LiveState } from '@hotline/live-state';
import type { CallFlowState } from '@hotline/flows';
import type { CallStates, SavedState } from '../domain/ports';

export interface LiveCallStatesOptions {
  prefix?: string;
  /** How long the state of a call in the IVR outlives its last step (a stuck call is not kept forever). */
  runningTtlMs?: number;
  /** How long a finished call's state is kept, so late or repeated events for it are recognised. */
  finishedTtlMs?: number;
}

/**
 * Call states as JSON strings in live state. The stored string is its own version: a save is a
 * compare-and-set against the string that was loaded, so two instances that both stepped the
 * same call cannot both win.
 */
export function createLiveCallStates(live: LiveState, options: LiveCallStatesOptions = {}): CallStates {
  const prefix = options.prefix ?? 'ivr:call:';
  const runningTtlMs = options.runningTtlMs ?? 4 * 3600_000;
  const finishedTtlMs = options.finishedTtlMs ?? 3600_000;
  return {
    async load(callId): Promise<SavedState | null> {
      const raw = await live.get(prefix + callId);
      if (raw === null) return null;
      return { state: JSON.parse(raw) as CallFlowState, version: raw };
    },
    async save(state, version) {
      const key = prefix + state.call.callId;
      const next = JSON.stringify(state);
      const ttlMs = state.status === 'running' ? runningTtlMs : finishedTtlMs;
      if (version === null) return live.set(key, next, { ttlMs, ifAbsent: true });
      return live.run(compareAndSet, [key], [version, next, ttlMs]);
    },
  };
}
