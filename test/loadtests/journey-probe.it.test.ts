// The probe the journey harness runs inside the system under test: it follows calls and agents on
// the process's bus and serves what it saw. Here on an in-process bus, fed the events a call makes.
import { makeEvent, Topics, type NewEvent, type EventType } from '../../packages/contracts/src/index';
import { createInProcessBus, publishEvents } from '../../packages/event-bus/src/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProbe, type Probe, type ProbeDetail } from '../../loadtests/journey/sut/probe';

const bus = createInProcessBus({});
let probe: Probe;
const port = 18790 + Math.floor(Math.random() * 1000);
const url = `http://127.0.0.1:${port}`;
const t0 = Date.parse('2026-11-28T03:00:00.000Z');

function at<T extends EventType>(ms: number, type: T, data: NewEvent<T>['data']) {
  return makeEvent({
    type,
    tenantId: 'journey-t',
    source: 'test',
    data,
    occurredAt: new Date(t0 + ms),
  } as NewEvent<T>);
}

async function detail(): Promise<ProbeDetail> {
  for (let i = 0; i < 50; i++) {
    const d = (await (await fetch(`${url}/detail`)).json()) as ProbeDetail;
    if (d.ended >= 1) return d;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('the probe never saw the call end');
}

beforeAll(async () => {
  await bus.ensureTopics(Object.values(Topics).map((name) => ({ name })));
  probe = await startProbe({ bus, port, serviceLevelMs: 20_000 });
});
afterAll(async () => {
  await probe.close();
  await bus.close();
});

describe('the journey probe', () => {
  it('times one call from queue join to agent answer and counts it within the service level', async () => {
    await publishEvents(bus, [
      at(0, 'call.offered', {
        callId: 'c1',
        legId: 'l1',
        direction: 'inbound',
        ani: '+15550111',
        dnis: '+4930555000',
        siteId: 'site-1',
      }),
      at(50, 'call.answered', { callId: 'c1', legId: 'l1', answeredBy: 'ivr' }),
      at(2000, 'queue.joined', { callId: 'c1', queueId: 'q1', priority: 0, skills: [], position: 1 }),
      at(2100, 'agent.reserved', {
        agentId: 'a1',
        callId: 'c1',
        queueId: 'q1',
        reservationId: 'r1',
        decisionId: 'd1',
        ringTimeoutMs: 15000,
      }),
      at(2100, 'agent.state.changed', { agentId: 'a1', from: 'ready', to: 'reserved', callId: 'c1' }),
      at(2500, 'call.bridged', { callId: 'c1', legIds: ['l1', 'l2'], agentId: 'a1', queueId: 'q1' }),
      at(2500, 'call.answered', { callId: 'c1', legId: 'l2', answeredBy: 'agent', agentId: 'a1' }),
      at(4500, 'call.ended', { callId: 'c1', cause: 'agent-hangup', by: 'agent', durationMs: 4500 }),
    ]);
    const d = await detail();
    expect(d).toMatchObject({
      offered: 1,
      ivrAnswered: 1,
      queued: 1,
      reserved: 1,
      agentAnswered: 1,
      ended: 1,
      waiting: 0,
      withinServiceLevel: 1,
    });
    expect(d.endedBy).toEqual({ 'agent-hangup': 1 });
    expect(d.queueToAnswer).toEqual([[t0 + 2000, 500]]);
    expect(d.ringToAnswer).toEqual([[t0 + 2100, 400]]);
    expect(d.agentsByState).toEqual({ reserved: 1 });
  });

  it('refuses an agent command it cannot read, with the reason', async () => {
    const res = await fetch(`${url}/agent-command`, { method: 'POST', body: '{ not json' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/JSON/);
  });
});
