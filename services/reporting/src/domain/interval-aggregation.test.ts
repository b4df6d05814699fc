import type { HotlineEvent } from '@hotline/contracts';
import { describe, expect, it } from 'vitest';
import { scriptedDay } from '../testing/call-script';
import { buildAgentDay } from './agent-timeline';
import { buildCdr } from './cdr-builder';
import { aggregateIntervals, bucketStart } from './interval-aggregation';
import { intervalFacts } from './interval-facts';

const start = Date.parse('2026-11-27T09:00:00.000Z');
const day = scriptedDay('t1', start);
const dataOf = (e: HotlineEvent) => e.data as { callId?: string; agentId?: string };
const cdrs = Object.values(day.callIds).map((id) =>
  buildCdr(
    't1',
    id,
    day.events.filter((e) => dataOf(e).callId === id),
  ),
);
const agentDays = ['a1', 'a2', 'a3'].map((a) =>
  buildAgentDay(
    't1',
    a,
    '2026-11-27',
    day.events.filter((e) => dataOf(e).agentId === a && e.type.startsWith('agent.')),
  ),
);
const facts = cdrs.flatMap(intervalFacts);
const quarter = (input: { queueId?: string; agentId?: string; sl?: number } = {}) =>
  aggregateIntervals({
    size: '15m',
    from: start,
    to: start + 3_600_000,
    facts,
    agentDays,
    slThresholdSec: () => input.sl ?? 20,
    now: start + 900_000,
    ...(input.queueId ? { queueId: input.queueId } : {}),
    ...(input.agentId ? { agentId: input.agentId } : {}),
  });

describe('interval figures', () => {
  it('puts an instant in its quarter hour and its UTC day', () => {
    expect(new Date(bucketStart(Date.parse('2026-11-27T09:29:59.999Z'), '15m')).toISOString()).toBe(
      '2026-11-27T09:15:00.000Z',
    );
    expect(new Date(bucketStart(Date.parse('2026-11-27T23:59:59Z'), 'day')).toISOString()).toBe(
      '2026-11-27T00:00:00.000Z',
    );
  });

  it('gives a queue its offered, answered, ASA, AHT, service level, transfers and survey score', () => {
    const [sales, ...rest] = quarter({ queueId: 'sales' });
    expect(rest).toEqual([]);
    expect(sales).toMatchObject({
      start: '2026-11-27T09:00:00.000Z',
      end: '2026-11-27T09:15:00.000Z',
      dimension: 'queue',
      queueId: 'sales',
      offered: 2,
      answered: 2,
      abandoned: 0,
      answeredInSl: 1,
      asaSec: 18.5,
      // (talk 120 + hold 30) + 60 + 90 over three agent parts
      ahtSec: 100,
      abandonRatePct: 0,
      serviceLevelPct: 50,
      slThresholdSec: 20,
      occupancyPct: null,
      transfers: 1,
      surveys: 1,
      avgSurveyScore: 4,
    });
  });

  it("measures service level against the queue's own threshold", () => {
    expect(quarter({ queueId: 'sales', sl: 30 })[0]).toMatchObject({ answeredInSl: 2, serviceLevelPct: 100 });
  });

  it('counts abandons against offered calls and in the service level', () => {
    expect(quarter({ queueId: 'support' })[0]).toMatchObject({
      offered: 2,
      answered: 0,
      abandoned: 1,
      abandonRatePct: 50,
      serviceLevelPct: 0,
      asaSec: null,
    });
  });

  it('gives an agent its calls, handle time with wrap-up, and occupancy from its states', () => {
    const [a2] = quarter({ agentId: 'a2' });
    expect(a2).toMatchObject({
      dimension: 'agent',
      agentId: 'a2',
      offered: 2,
      answered: 2,
      asaSec: 18.5,
      talkSec: 210,
      holdSec: 30,
      wrapSec: 50,
      ahtSec: 145,
      // busy 290 s of 900 s logged in (the rest ready, reserved or ringing)
      occupancyPct: 32.2,
      transfers: 1,
    });
  });

  it('gives both queues and agents when no filter is given, ordered by time, kind and id', () => {
    const rows = quarter();
    expect(rows.map((r) => `${r.dimension}:${r.queueId ?? r.agentId}`)).toEqual([
      'agent:a1',
      'agent:a2',
      'agent:a3',
      'queue:sales',
      'queue:support',
    ]);
  });

  it('sums a day the same as its quarter hours', () => {
    const days = aggregateIntervals({
      size: 'day',
      from: Date.parse('2026-11-27T00:00:00Z'),
      to: Date.parse('2026-11-28T00:00:00Z'),
      facts,
      agentDays,
      slThresholdSec: () => 20,
      now: start + 900_000,
      queueId: 'sales',
    });
    expect(days).toHaveLength(1);
    const { start: _s, end: _e, size: _z, ...dayFigures } = days[0]!;
    const { start: _s2, end: _e2, size: _z2, ...quarterFigures } = quarter({ queueId: 'sales' })[0]!;
    expect(dayFigures).toEqual(quarterFigures);
  });
});
