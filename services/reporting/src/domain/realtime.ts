import type {
  AgentRealtime as WireAgentRealtime,
  AgentState,
  QueueRealtime as WireQueueRealtime,
} from '@hotline/contracts';
import { emptyStateMs, stateMsWithin } from './agent-timeline';
import { utcDay } from './event-order';
import { aggregateIntervals, defaultSlThresholdSec } from './interval-aggregation';
import type { IntervalFact } from './interval-facts';
import { tallyFigures } from './queue-tally';
import type { AgentDay, AgentDaySummary } from './types';

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
 * Today's figures of one queue from its running sums (queue-tally.ts): the same numbers
 * `queueRealtime` gives over the day's facts, read in time independent of the day's calls.
 * `updatedAt` is the latest of the sums' event time and the waiting calls' joins.
 */
export function queueRealtimeFromSums(input: {
  queueId: string;
  sums: Readonly<Record<string, string>>;
  waitingJoinedAt: readonly string[];
  agentsByState: Record<AgentState, number>;
  slThresholdSec?: number;
  now: number;
}): QueueRealtime {
  const sl = input.slThresholdSec ?? defaultSlThresholdSec;
  const tally = tallyFigures(input.sums, sl);
  const joins = [...input.waitingJoinedAt].sort();
  const oldest = joins[0] ?? null;
  const updatedAt = [...(input.sums.updatedAt ? [input.sums.updatedAt] : []), ...joins].sort().at(-1);
  return {
    queueId: input.queueId,
    waiting: joins.length,
    longestWaitMs: oldest ? Math.max(0, input.now - Date.parse(oldest)) : 0,
    oldestJoinedAt: oldest,
    answered: tally.answered,
    abandoned: tally.abandoned,
    offered: tally.offered,
    serviceLevelPct: tally.serviceLevelPct,
    slThresholdSec: sl,
    agentsByState: input.agentsByState,
    updatedAt: updatedAt ?? new Date(0).toISOString(),
  };
}

/**
 * An agent's state now and today's totals. An agent whose latest day is before today has been in
 * its last state since midnight as far as today is concerned. From a summary, today's time per
 * state is the closed segments' (all inside the day) plus the current one up to now: the same
 * sums `stateMsWithin` makes over the segments.
 */
export function agentRealtime(day: AgentDay | AgentDaySummary, now: number): AgentRealtime | null {
  const current = day.current;
  if (!current) return null;
  const today = utcDay(now);
  const todayStart = Date.parse(`${today}T00:00:00.000Z`);
  let stateMs = emptyStateMs();
  let calls = 0;
  if (day.day === today) {
    const openUntil = Math.max(todayStart, now);
    if ('segments' in day)
      stateMs = stateMsWithin(day.segments, todayStart, todayStart + 86_400_000, openUntil);
    else {
      stateMs = { ...day.closedMs };
      const open = { state: current.state, from: current.since, to: null };
      const ms = stateMsWithin([open], todayStart, todayStart + 86_400_000, openUntil);
      stateMs[current.state] += ms[current.state];
    }
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
