import type {
  AgentRealtime as WireAgentRealtime,
  AgentState,
  QueueRealtime as WireQueueRealtime,
} from '@hotline/contracts';
import { emptyStateMs, stateMsWithin } from './agent-timeline';
import { utcDay } from './event-order';
import { aggregateIntervals, defaultSlThresholdSec } from './interval-aggregation';
import type { IntervalFact } from './interval-facts';
import type { AgentDay } from './types';

/** The wire view (contracts), with every state counted: reporting always fills each one. */
export interface QueueRealtime extends WireQueueRealtime {
  agentsByState: Record<AgentState, number>;
}

export interface AgentRealtime extends WireAgentRealtime {
  today: WireAgentRealtime['today'] & { stateMs: Record<AgentState, number> };
}

export type { WaitingCall } from '@hotline/contracts';

/** Today's figures of one queue, from the same facts and fold as the day interval. */
export function queueRealtime(input: {
  queueId: string;
  todayFacts: readonly IntervalFact[];
  waitingJoinedAt: readonly string[];
  agentsByState: Record<AgentState, number>;
  slThresholdSec?: number;
  updatedAt: string;
  now: number;
}): QueueRealtime {
  const sl = input.slThresholdSec ?? defaultSlThresholdSec;
  const dayStart = Date.parse(`${utcDay(input.now)}T00:00:00.000Z`);
  const [row] = aggregateIntervals({
    size: 'day',
    from: dayStart,
    to: dayStart + 86_400_000,
    facts: input.todayFacts,
    agentDays: [],
    slThresholdSec: () => sl,
    now: input.now,
    queueId: input.queueId,
  });
  const oldest = [...input.waitingJoinedAt].sort()[0] ?? null;
  return {
    queueId: input.queueId,
    waiting: input.waitingJoinedAt.length,
    longestWaitMs: oldest ? Math.max(0, input.now - Date.parse(oldest)) : 0,
    oldestJoinedAt: oldest,
    answered: row?.answered ?? 0,
    abandoned: row?.abandoned ?? 0,
    offered: row?.offered ?? 0,
    serviceLevelPct: row?.serviceLevelPct ?? null,
    slThresholdSec: sl,
    agentsByState: input.agentsByState,
    updatedAt: input.updatedAt,
  };
}

/**
 * An agent's state now and today's totals. An agent whose latest day is before today has been in
 * its last state since midnight as far as today is concerned.
 */
export function agentRealtime(day: AgentDay, now: number): AgentRealtime | null {
  const current = day.current;
  if (!current) return null;
  const today = utcDay(now);
  const todayStart = Date.parse(`${today}T00:00:00.000Z`);
  let stateMs = emptyStateMs();
  let calls = 0;
  if (day.day === today) {
    stateMs = stateMsWithin(day.segments, todayStart, todayStart + 86_400_000, Math.max(todayStart, now));
    calls = day.calls;
  } else if (day.day < today) {
    stateMs[current.state] = Math.max(0, now - todayStart);
  }
  return {
    agentId: day.agentId,
    state: current.state,
    ...(current.reason ? { reason: current.reason } : {}),
    since: current.since,
    ...(current.callId ? { callId: current.callId } : {}),
    ...(current.queueId ? { queueId: current.queueId } : {}),
    today: {
      calls,
      talkMs: stateMs['on-call'],
      holdMs: stateMs['on-hold'],
      wrapMs: stateMs['wrap-up'],
      stateMs,
    },
  };
}

export function countByState(agents: readonly AgentRealtime[]): Record<AgentState, number> {
  const out = emptyStateMs();
  for (const a of agents) out[a.state]++;
  return out;
}
