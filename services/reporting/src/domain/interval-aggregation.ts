import { stateMsWithin } from './agent-timeline';
import type { IntervalFact } from './interval-facts';
import type { AgentDay, IntervalRow, IntervalSize } from './types';

export const bucketMs: Record<IntervalSize, number> = { '15m': 15 * 60_000, day: 86_400_000 };

/** The start of the bucket holding an instant (UTC; days start at midnight UTC). */
export function bucketStart(ms: number, size: IntervalSize): number {
  return Math.floor(ms / bucketMs[size]) * bucketMs[size];
}

/** The SL threshold when a queue has none provisioned (F-REP-2). */
export const defaultSlThresholdSec = 20;

export interface AggregateInput {
  size: IntervalSize;
  /** Epoch ms; rows whose bucket starts in [from, to). */
  from: number;
  to: number;
  facts: readonly IntervalFact[];
  agentDays: readonly AgentDay[];
  slThresholdSec: (queueId: string) => number;
  /** Where today's still-open agent states end. */
  now: number;
  queueId?: string;
  agentId?: string;
}

interface Acc {
  dimension: 'queue' | 'agent';
  id: string;
  start: number;
  offered: number;
  answered: number;
  abandoned: number;
  answeredInSl: number;
  waitMs: number;
  waited: number;
  handled: number;
  talkSec: number;
  holdSec: number;
  wrapMs: number;
  busyMs: number;
  availableMs: number;
  transfers: number;
  surveys: number;
  surveySum: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const pct = (part: number, whole: number): number | null => (whole > 0 ? round1((100 * part) / whole) : null);

/** part / whole in percent, one decimal; null for nothing (the interval rows' rounding). */
export const round1Pct = pct;

/**
 * Interval figures per queue and per agent (definitions in the service README):
 * ASA = mean queue wait of answered calls; AHT = (talk + hold [+ wrap for agents]) / handled
 * calls; abandonment rate = abandoned / offered; service level = answered within the queue's
 * threshold / (answered + abandoned); occupancy = (on-call + on-hold + wrap-up) / (those +
 * ready + reserved + ringing).
 */
export function aggregateIntervals(input: AggregateInput): IntervalRow[] {
  const { size } = input;
  const wantQueues = input.agentId === undefined || input.queueId !== undefined;
  const wantAgents = input.queueId === undefined || input.agentId !== undefined;
  const accs = new Map<string, Acc>();
  const acc = (dimension: 'queue' | 'agent', id: string, atMs: number): Acc | null => {
    const start = bucketStart(atMs, size);
    if (start < input.from || start >= input.to) return null;
    if (dimension === 'queue' && (!wantQueues || (input.queueId !== undefined && id !== input.queueId)))
      return null;
    if (dimension === 'agent' && (!wantAgents || (input.agentId !== undefined && id !== input.agentId)))
      return null;
    const key = `${dimension}|${id}|${start}`;
    let a = accs.get(key);
    if (!a) {
      a = {
        dimension,
        id,
        start,
        offered: 0,
        answered: 0,
        abandoned: 0,
        answeredInSl: 0,
        waitMs: 0,
        waited: 0,
        handled: 0,
        talkSec: 0,
        holdSec: 0,
        wrapMs: 0,
        busyMs: 0,
        availableMs: 0,
        transfers: 0,
        surveys: 0,
        surveySum: 0,
      };
      accs.set(key, a);
    }
    return a;
  };

  for (const f of input.facts) {
    const at = Date.parse(f.at);
    switch (f.kind) {
      case 'offered': {
        const q = acc('queue', f.queueId, at);
        if (q) q.offered++;
        break;
      }
      case 'answered': {
        const inSl = f.waitMs <= input.slThresholdSec(f.queueId) * 1000;
        const q = acc('queue', f.queueId, at);
        if (q) {
          q.answered++;
          q.waitMs += f.waitMs;
          q.waited++;
          if (inSl) q.answeredInSl++;
        }
        const a = f.agentId ? acc('agent', f.agentId, at) : null;
        if (a) {
          a.waitMs += f.waitMs;
          a.waited++;
        }
        break;
      }
      case 'abandoned': {
        const q = acc('queue', f.queueId, at);
        if (q) q.abandoned++;
        break;
      }
      case 'handled':
        for (const x of [f.queueId ? acc('queue', f.queueId, at) : null, acc('agent', f.agentId, at)]) {
          if (!x) continue;
          x.handled++;
          x.talkSec += f.talkSec;
          x.holdSec += f.holdSec;
          if (x.dimension === 'agent') x.answered++;
        }
        break;
      case 'agent-offer': {
        const a = acc('agent', f.agentId, at);
        if (a) a.offered++;
        break;
      }
      case 'transfer':
        for (const x of [
          f.queueId ? acc('queue', f.queueId, at) : null,
          f.agentId ? acc('agent', f.agentId, at) : null,
        ])
          if (x) x.transfers++;
        break;
      case 'survey':
        for (const x of [
          f.queueId ? acc('queue', f.queueId, at) : null,
          f.agentId ? acc('agent', f.agentId, at) : null,
        ]) {
          if (!x) continue;
          x.surveys++;
          x.surveySum += f.score;
        }
        break;
    }
  }

  if (wantAgents) {
    for (const day of input.agentDays) {
      if (input.agentId !== undefined && day.agentId !== input.agentId) continue;
      const dayStart = Date.parse(`${day.day}T00:00:00.000Z`);
      const dayEnd = dayStart + 86_400_000;
      const openUntil = Math.min(dayEnd, Math.max(dayStart, input.now));
      const step = bucketMs[size];
      for (let b = bucketStart(dayStart, size); b < dayEnd; b += step) {
        const ms = stateMsWithin(day.segments, Math.max(b, dayStart), Math.min(b + step, dayEnd), openUntil);
        const busy = ms['on-call'] + ms['on-hold'] + ms['wrap-up'];
        const available = ms.ready + ms.reserved + ms.ringing;
        if (busy + available === 0) continue;
        const a = acc('agent', day.agentId, b);
        if (!a) continue;
        a.busyMs += busy;
        a.availableMs += available;
        a.wrapMs += ms['wrap-up'];
      }
    }
  }

  return [...accs.values()]
    .sort((x, y) => x.start - y.start || x.dimension.localeCompare(y.dimension) || x.id.localeCompare(y.id))
    .map((a) => toRow(a, size, input.slThresholdSec));
}

function toRow(a: Acc, size: IntervalSize, slThresholdSec: (queueId: string) => number): IntervalRow {
  const isQueue = a.dimension === 'queue';
  const wrapSec = Math.round(a.wrapMs / 1000);
  const handleSec = a.talkSec + a.holdSec + (isQueue ? 0 : wrapSec);
  return {
    size,
    start: new Date(a.start).toISOString(),
    end: new Date(a.start + bucketMs[size]).toISOString(),
    dimension: a.dimension,
    queueId: isQueue ? a.id : null,
    agentId: isQueue ? null : a.id,
    offered: a.offered,
    answered: a.answered,
    abandoned: a.abandoned,
    answeredInSl: a.answeredInSl,
    asaSec: a.waited > 0 ? round1(a.waitMs / a.waited / 1000) : null,
    ahtSec: a.handled > 0 ? round1(handleSec / a.handled) : null,
    abandonRatePct: isQueue ? pct(a.abandoned, a.offered) : null,
    serviceLevelPct: isQueue ? pct(a.answeredInSl, a.answered + a.abandoned) : null,
    slThresholdSec: isQueue ? slThresholdSec(a.id) : null,
    occupancyPct: isQueue ? null : pct(a.busyMs, a.busyMs + a.availableMs),
    transfers: a.transfers,
    surveys: a.surveys,
    avgSurveyScore: a.surveys > 0 ? Math.round((a.surveySum / a.surveys) * 100) / 100 : null,
    talkSec: a.talkSec,
    holdSec: a.holdSec,
    wrapSec,
  };
}
