import type { HotlineEvent } from '@hotline/contracts';
import { describe, expect, it } from 'vitest';
import { scriptedDay, shuffled } from '../testing/call-script';
import { buildCdr } from './cdr-builder';

const tenant = 't1';
const start = Date.parse('2026-11-27T09:00:00.000Z');
const day = scriptedDay(tenant, start);
const ofCall = (callId: string, events: readonly HotlineEvent[] = day.events) =>
  events.filter((e) => (e.data as { callId?: string }).callId === callId);
const at = (second: number) => new Date(start + second * 1000).toISOString();

describe('a call detail record', () => {
  const cdr = buildCdr(tenant, day.callIds.full, ofCall(day.callIds.full));

  it('names the caller, the number dialled and the hotline', () => {
    expect(cdr).toMatchObject({
      ani: '+4915100001',
      dnis: '+4930999000',
      hotlineId: 'hl-main',
      direction: 'inbound',
    });
  });

  it('times the call to the second from the events, answered in the IVR then by an agent', () => {
    expect(cdr).toMatchObject({
      startedAt: at(10),
      answeredAt: at(11),
      agentAnsweredAt: at(45),
      endedAt: at(260),
      durationSec: 250,
      ivrSec: 7,
      waitSec: 27,
      ringSec: 25,
      talkSec: 120 + 60,
      holdSec: 30,
      status: 'ended',
      outcome: 'answered',
      endCause: 'caller-hangup',
      endedBy: 'caller',
    });
  });

  it('keeps the IVR path, the digits pressed and what the IVR attached', () => {
    expect(cdr.ivr.path.map((s) => s.nodeId)).toEqual(['welcome', 'menu', 'sales']);
    expect(cdr.ivr.inputs).toEqual([
      { at: at(18), nodeId: 'menu', digits: '1', outcome: 'match', attempt: 1 },
    ]);
    expect(cdr.attached).toEqual({ crm: 'vip', note: '=HYPERLINK("x")' });
  });

  it('records the queue stay answered by the second agent after the first rang without answer', () => {
    expect(cdr.queues).toEqual([
      expect.objectContaining({
        queueId: 'sales',
        joinedAt: at(18),
        leftAt: at(45),
        waitSec: 27,
        outcome: 'answered',
        agentId: 'a2',
      }),
    ]);
    expect(cdr.offers.map((o) => [o.agentId, o.outcome, o.ringSec])).toEqual([
      ['a1', 'no-answer', 20],
      ['a2', 'answered', 5],
    ]);
  });

  it('splits the agents’ parts at the transfer, with hold counted apart from talk', () => {
    expect(cdr.agentLegs).toEqual([
      {
        agentId: 'a2',
        queueId: 'sales',
        answeredAt: at(45),
        endedAt: at(195),
        talkSec: 120,
        holdSec: 30,
        holds: 1,
        endedBy: 'transfer',
      },
      {
        agentId: 'a3',
        queueId: 'sales',
        answeredAt: at(200),
        endedAt: at(260),
        talkSec: 60,
        holdSec: 0,
        holds: 0,
        endedBy: 'hangup',
      },
    ]);
    expect(cdr.transfers).toEqual([
      { at: at(195), kind: 'blind', fromAgentId: 'a2', targetType: 'agent', target: 'a3' },
    ]);
    expect(cdr.agentIds).toEqual(['a1', 'a2', 'a3']);
  });

  it('lists recordings and survey scores', () => {
    expect(cdr.recordings).toEqual([
      { recordingId: 'rec-1', trigger: 'policy', startedAt: at(45), stoppedAt: at(260), durationSec: 215 },
    ]);
    expect(cdr.surveys).toEqual([{ at: at(255), surveyId: 'csat', score: 4 }]);
  });

  it('is the same whatever order and however many times the events arrive', () => {
    const events = ofCall(day.callIds.full);
    const messy = shuffled([...events, ...events.slice(0, 7), ...events.slice(20)], 42);
    expect(buildCdr(tenant, day.callIds.full, messy)).toEqual(cdr);
  });

  it('ignores events of another tenant with the same call id', () => {
    const foreign = ofCall(day.callIds.full, scriptedDay('t2', start).events);
    expect(buildCdr(tenant, day.callIds.full, [...ofCall(day.callIds.full), ...foreign])).toEqual(cdr);
  });
});

describe('calls that no agent answered', () => {
  it('counts a caller hanging up in the queue as abandoned, with the wait until the hang-up', () => {
    const cdr = buildCdr(tenant, day.callIds.abandoned, ofCall(day.callIds.abandoned));
    expect(cdr.outcome).toBe('abandoned');
    expect(cdr.queues).toEqual([
      expect.objectContaining({ queueId: 'support', outcome: 'abandoned', waitSec: 45 }),
    ]);
    expect(cdr.ivrSec).toBe(2);
  });

  it('keeps a callback request and ends the queue stay as a callback', () => {
    const cdr = buildCdr(tenant, day.callIds.callback, ofCall(day.callIds.callback));
    expect(cdr.outcome).toBe('callback');
    expect(cdr.callback).toEqual({ callbackId: 'cb-1', queueId: 'support' });
    expect(cdr.queues).toEqual([expect.objectContaining({ outcome: 'callback', waitSec: 18 })]);
  });

  it('keeps a voicemail with its recording and length', () => {
    const cdr = buildCdr(tenant, day.callIds.voicemail, ofCall(day.callIds.voicemail));
    expect(cdr.outcome).toBe('voicemail');
    expect(cdr.voicemail).toEqual({ recordingId: 'vm-1', mailbox: 'sales', durationSec: 25 });
  });

  it('shows a call still waiting as active, its queue stay open', () => {
    const events = ofCall(day.callIds.abandoned).filter((e) => e.type !== 'call.ended');
    const cdr = buildCdr(tenant, day.callIds.abandoned, events);
    expect(cdr.status).toBe('active');
    expect(cdr.outcome).toBe('active');
    expect(cdr.queues).toEqual([expect.objectContaining({ outcome: 'waiting', leftAt: null })]);
  });

  it('builds a partial record from events that arrived before call.offered', () => {
    const events = ofCall(day.callIds.full).filter((e) => e.type === 'agent.reserved');
    const cdr = buildCdr(tenant, day.callIds.full, events);
    expect(cdr.ani).toBeNull();
    expect(cdr.offers.map((o) => o.outcome)).toEqual(['ringing', 'ringing']);
  });
});
