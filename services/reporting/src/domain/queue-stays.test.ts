import { describe, expect, it } from 'vitest';
import { EventScript } from '../testing/call-script';
import { buildCdr } from './cdr-builder';
import { intervalFacts } from './interval-facts';

const start = Date.parse('2026-11-27T10:00:00.000Z');
const offered = {
  callId: 'c1',
  legId: 'c1-caller',
  direction: 'inbound',
  ani: '+491',
  dnis: '+492',
  siteId: 's1',
} as const;
const join = (queueId: string) => ({ callId: 'c1', queueId, priority: 5, skills: [], position: 1 });

describe('queue stays', () => {
  it('counts an overflowed call as offered in both queues, answered in the second', () => {
    const s = new EventScript('t1', start, 'overflow')
      .at(0, 'call.offered', offered)
      .at(0, 'queue.joined', join('q1'))
      .at(60, 'queue.left', {
        callId: 'c1',
        queueId: 'q1',
        reason: 'overflow',
        waitMs: 60_000,
        overflowTo: 'q2',
      })
      .at(60, 'queue.joined', join('q2'))
      .at(70, 'call.answered', { callId: 'c1', legId: 'c1-a', answeredBy: 'agent', agentId: 'a1' })
      .at(90, 'call.ended', { callId: 'c1', cause: 'normal', by: 'agent', durationMs: 90_000 });
    const cdr = buildCdr('t1', 'c1', s.events);
    expect(cdr.queues.map((q) => [q.queueId, q.outcome, q.waitSec, q.overflowTo ?? null])).toEqual([
      ['q1', 'overflow', 60, 'q2'],
      ['q2', 'answered', 10, null],
    ]);
    expect(cdr.agentLegs[0]?.queueId).toBe('q2');
    const offeredIn = intervalFacts(cdr).flatMap((f) => (f.kind === 'offered' ? [f.queueId] : []));
    expect(offeredIn).toEqual(['q1', 'q2']);
  });

  it('treats one stay announced twice (by the IVR and again) as one', () => {
    const s = new EventScript('t1', start, 'twice')
      .at(0, 'queue.joined', join('q1'))
      .at(1, 'queue.joined', join('q1'))
      .at(5, 'queue.abandoned', { callId: 'c1', queueId: 'q1', waitMs: 5_000 });
    expect(buildCdr('t1', 'c1', s.events).queues).toEqual([
      expect.objectContaining({ queueId: 'q1', outcome: 'abandoned', waitSec: 5 }),
    ]);
  });

  it('shows a refused stay in the CDR but does not count it as offered', () => {
    const s = new EventScript('t1', start, 'refused')
      .at(0, 'call.offered', offered)
      .at(0, 'queue.joined', join('q1'))
      .at(0.2, 'queue.rejected', { callId: 'c1', queueId: 'q1', reason: 'queue-full', waitMs: 0 })
      .at(1, 'call.ended', { callId: 'c1', cause: 'normal', by: 'system', durationMs: 1000 });
    const cdr = buildCdr('t1', 'c1', s.events);
    expect(cdr.outcome).toBe('rejected');
    expect(cdr.queues).toEqual([expect.objectContaining({ outcome: 'rejected' })]);
    expect(intervalFacts(cdr)).toEqual([]);
  });

  it('withdraws an offer still ringing when the caller hangs up', () => {
    const s = new EventScript('t1', start, 'gone')
      .at(0, 'queue.joined', join('q1'))
      .at(2, 'agent.reserved', {
        agentId: 'a1',
        callId: 'c1',
        queueId: 'q1',
        reservationId: 'r1',
        decisionId: 'd1',
        ringTimeoutMs: 20_000,
      })
      .at(6, 'call.ended', { callId: 'c1', cause: 'caller-hangup', by: 'caller', durationMs: 6000 });
    const cdr = buildCdr('t1', 'c1', s.events);
    expect(cdr.offers).toEqual([expect.objectContaining({ outcome: 'call-gone', ringSec: 4 })]);
    expect(cdr.outcome).toBe('abandoned');
  });
});
