// Where a waiting call stands in its queue's rules as time passes (F-ACD-1, F-ACD-3): which
// targets are open (skill relaxation widens them one by one), whether it still waits for its
// sticky agent, and what the queue does when the wait grows too long. Pure: callers pass the clock.

import type { CallSpec, OverflowRule, QueueConfig } from './types';

export type Stage =
  | { kind: 'sticky'; agentId: string; until: number }
  | {
      kind: 'targets';
      /** Targets 0..widest are open; earlier ones are still preferred. */
      widest: number;
      /** When each open target opened (ms since epoch). */
      openedAt: number[];
      /** When the next target opens, if one will. */
      nextAt?: number;
    };

/** When the targets' timeline starts: after the sticky wait, if there is one. */
export function targetsStart(call: CallSpec): number {
  return call.stickyUntil !== undefined && call.stickyAgentId ? call.stickyUntil : call.queueJoinedAt;
}

export function stageAt(call: CallSpec, queue: QueueConfig, now: number): Stage {
  if (call.stickyAgentId && call.stickyUntil !== undefined && now < call.stickyUntil) {
    return { kind: 'sticky', agentId: call.stickyAgentId, until: call.stickyUntil };
  }
  let opensAt = targetsStart(call);
  const openedAt: number[] = [];
  for (let i = 0; i < queue.targets.length; i++) {
    if (i > 0) {
      const timeout = queue.targets[i - 1]?.timeoutMs;
      if (timeout === undefined) break;
      opensAt += timeout;
      if (opensAt > now) return { kind: 'targets', widest: i - 1, openedAt, nextAt: opensAt };
    }
    openedAt.push(opensAt);
  }
  return { kind: 'targets', widest: openedAt.length - 1, openedAt };
}

export type WaitOutcome =
  { kind: 'overflow'; rule: OverflowRule } | { kind: 'max-wait' } | { kind: 'leave-empty' };

export interface QueueLoad {
  waiting: number;
  agentsLoggedIn: number;
  agentsReady: number;
}

function isEmpty(rule: QueueConfig['joinWhenEmpty'], load: QueueLoad): boolean {
  if (rule === 'no-agents-logged-in') return load.agentsLoggedIn === 0;
  if (rule === 'no-agents-ready') return load.agentsReady === 0;
  return false;
}

/**
 * Whether a call may join: an overflow rule on queue size or on no agents sends it elsewhere,
 * a full queue or an empty one (joinWhenEmpty) refuses it.
 */
export function admission(
  queue: QueueConfig,
  load: QueueLoad,
):
  | { kind: 'join' }
  | { kind: 'overflow'; rule: OverflowRule }
  | { kind: 'refuse'; reason: 'queue-full' | 'no-agents' } {
  for (const rule of queue.overflow) {
    const t = rule.trigger;
    if (t.kind === 'queue-size' && load.waiting >= t.atLeast) return { kind: 'overflow', rule };
    if (t.kind === 'no-agents' && load.agentsLoggedIn === 0) return { kind: 'overflow', rule };
  }
  if (queue.maxSize !== undefined && load.waiting >= queue.maxSize)
    return { kind: 'refuse', reason: 'queue-full' };
  if (isEmpty(queue.joinWhenEmpty, load)) return { kind: 'refuse', reason: 'no-agents' };
  return { kind: 'join' };
}

/** What the queue does with a call that has waited until `now`, if anything. */
export function waitOutcome(
  call: CallSpec,
  queue: QueueConfig,
  load: QueueLoad,
  now: number,
): WaitOutcome | null {
  const waited = now - call.queueJoinedAt;
  const due = queue.overflow
    .filter((r) => r.trigger.kind === 'wait' && waited >= r.trigger.afterMs)
    .sort((a, b) => afterOf(a) - afterOf(b));
  if (due[0]) return { kind: 'overflow', rule: due[0] };
  if (queue.maxWaitMs !== undefined && waited >= queue.maxWaitMs) return { kind: 'max-wait' };
  for (const rule of queue.overflow) {
    if (rule.trigger.kind === 'no-agents' && load.agentsLoggedIn === 0) return { kind: 'overflow', rule };
  }
  if (isEmpty(queue.leaveWhenEmpty, load)) return { kind: 'leave-empty' };
  return null;
}

const afterOf = (rule: OverflowRule) => (rule.trigger.kind === 'wait' ? rule.trigger.afterMs : Infinity);

/** The next moment something changes for this call by itself: a target opens, sticky or a wait limit ends. */
export function nextChangeAt(call: CallSpec, queue: QueueConfig, now: number): number | undefined {
  const times: number[] = [];
  const stage = stageAt(call, queue, now);
  if (stage.kind === 'sticky') times.push(stage.until);
  else if (stage.nextAt !== undefined) times.push(stage.nextAt);
  for (const rule of queue.overflow) {
    if (rule.trigger.kind === 'wait') times.push(call.queueJoinedAt + rule.trigger.afterMs);
  }
  if (queue.maxWaitMs !== undefined) times.push(call.queueJoinedAt + queue.maxWaitMs);
  const future = times.filter((t) => t > now);
  return future.length > 0 ? Math.min(...future) : undefined;
}
