// Issue 8's inbound journey end to end, every service in one process on real Kafka, FerretDB and
// Redis, calls through the real Kamailio and rtpengine (run under `flock /tmp/hotline-sip.lock`):
// a caller dials the hotline, hears the greeting, presses 1 (RFC 4733) at the menu and waits in
// the sales queue; the ACD offers the call to Ann, whose SIPp desk phone rings unanswered, then to
// Ben, who answers; both talk (a tone each way), the caller hangs up, Ben wraps up. Then what the
// platform kept of it: the event trail, the call detail record, the stereo recording, the realtime
// counters, and one trace across every service. A second caller gives up while waiting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HotlineEvent } from '../../packages/contracts/src/index';
import { kamailio } from '../../services/sip-edge/test/support/agents';
import { GATEWAY_PORT, KAMAILIO, TRUNK_PHONE_PORT } from '../../services/sip-edge/test/support/media-plane';
import { sipp, type SippRun } from '../../services/sip-edge/test/support/sipp';
import { TestPhone, toneEnergy } from '../../services/sip-edge/test/support/test-phone';
import type {
  AgentRealtime,
  CallDetailRecord as Cdr,
  QueueRealtime,
} from '../../services/reporting/src/index';
import { SpanCollector, type FinishedSpan } from '../support/span-collector';
import { loudestTone, parseStereoWav } from '../support/stereo-wav';
import { startStack, type Stack } from '../support/stack';
import { agentCommand, provisionTenant, type ProvisionedTenant } from '../support/tenant';

const ANI = '+15550122';
const CALLER_TONE = 440;
const AGENT_TONE = 1300;
const ANN_PORT = 5492;
const BEN_PORT = 5493;

const spans = new SpanCollector();
let stack: Stack;
let tenant: ProvisionedTenant;
let annPhone: SippRun | undefined;
const phones: TestPhone[] = [];
/** The journey's call, filled by the first test and read by the ones after it. */
let callId = '';

const ann = () => tenant.agents[0]!;
const ben = () => tenant.agents[1]!;

/** Registers a SIP account from `port` through Kamailio (digest auth against the provisioned HA1). */
async function register(username: string, password: string, port: number, mediaPort: number): Promise<void> {
  const run = await sipp({
    scenario: 'agent_register.xml',
    remote: kamailio,
    localPort: port,
    mediaPort,
    service: username,
    extra: ['-key', 'realm', tenant.realm, '-au', username, '-ap', password],
    timeoutMs: 8000,
  }).done;
  if (run.code !== 0) throw new Error(`${username} did not register:\n${run.stdout.slice(-1500)}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Places a call from the trunk-side test phone; resolves with the edge's call id once the IVR answered. */
async function dial(caller: TestPhone): Promise<string> {
  const since = stack.events.length;
  const answered = caller.call(`sip:${tenant.number}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO, ANI);
  const offered = await stack.waitFor('call.offered', (e) => stack.events.indexOf(e) >= since);
  await answered;
  return offered.data.callId;
}

/** Waits for the menu and presses `key` there. */
async function choose(caller: TestPhone, id: string, key: string): Promise<void> {
  await stack.waitFor('ivr.node.entered', (e) => e.data.callId === id && e.data.nodeId === 'menu');
  await caller.sendDtmf(key);
}

/** Presses 1 at the menu and waits until the call is in the sales queue. */
async function pressOneForSales(caller: TestPhone, id: string): Promise<void> {
  await choose(caller, id, '1');
  await stack.waitFor('queue.joined', (e) => e.data.callId === id);
}

/**
 * The call's detail record once reporting has folded what the test waits for. Reporting reads
 * each topic on its own, so call.ended (calls topic) may be folded before an IVR outcome (ivr
 * topic) or an agent's offer (agents topic): wait for the outcome asked for.
 */
async function endedCdr(id: string, outcome: string): Promise<Cdr> {
  return until(`the ended call ${id} in reporting with outcome ${outcome}`, async () => {
    const r = await stack.api<Cdr>('GET', `/v1/reports/cdrs/${id}`, { tenantId: tenant.tenantId });
    return r.status === 200 && r.body.status === 'ended' && r.body.outcome === outcome ? r.body : undefined;
  });
}

/** A recording's WAV from the recordings library, as a supervisor's player fetches it. */
async function audioOf(recordingId: string): Promise<Buffer> {
  const res = await fetch(`${stack.baseUrl}/v1/recordings/${recordingId}/audio`, {
    headers: { authorization: `Bearer ${stack.adminKey}`, 'hotline-tenant': tenant.tenantId },
  });
  if (res.status !== 200) throw new Error(`recording ${recordingId}: HTTP ${res.status} ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The span's parent span id (the SDK 2 field, or the SDK 1 one). */
const parentOf = (span: FinishedSpan) =>
  (span as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ??
  (span as { parentSpanId?: string }).parentSpanId;

const traceIdOf = (event: HotlineEvent) => event.traceparent?.split('-')[1];

beforeAll(async () => {
  stack = await startStack({ spans });
  tenant = await provisionTenant(stack, { agents: ['ann', 'ben'] });
  await register(ann().username, ann().password, ANN_PORT, 46900);
  await register(ben().username, ben().password, BEN_PORT, 46910);
  // Ann's desk phone rings until the edge gives up on it (ring-no-answer); Ben's answers.
  annPhone = sipp({
    scenario: 'agent_ring_cancel.xml',
    localPort: ANN_PORT,
    mediaPort: 46900,
    timeoutMs: 40_000,
  });
  phones.push(await TestPhone.open(BEN_PORT));
  // Ann logs in first: with the queue's longest-idle order she is offered the call first.
  await agentCommand(stack, tenant.tenantId, ann().agentId, 'login', 'ready', { ready: true });
  await agentCommand(stack, tenant.tenantId, ben().agentId, 'login', 'ready', { ready: true });
});

afterAll(async () => {
  // JOURNEY_DUMP=1 prints what happened, for when a step did not.
  if (process.env.JOURNEY_DUMP)
    for (const e of stack?.events ?? [])
      console.log(e.occurredAt, e.source, e.type, JSON.stringify(e.data).slice(0, 300));
  if (process.env.JOURNEY_DUMP) console.log(`Ann's phone:\n${annPhone?.stdout.slice(-3000)}`);
  await Promise.all(phones.map((p) => p.close().catch(() => undefined)));
  annPhone?.kill();
  await stack?.close();
});

describe('the inbound journey through every service', () => {
  it('takes a caller from the IVR menu through a ring-no-answer to the agent who answers', async () => {
    const benPhone = phones[0]!;
    const caller = await TestPhone.open(TRUNK_PHONE_PORT);
    phones.push(caller);
    const benAnswers = benPhone.answerNext(300);

    callId = await dial(caller);
    await pressOneForSales(caller, callId);

    // Ann rings for the queue's 5 s and misses; the call goes back to its place and on to Ben.
    const missed = await stack.waitFor(
      'agent.reservation.ended',
      (e) => e.data.callId === callId && e.data.agentId === ann().agentId,
      20_000,
    );
    // The edge's ring timer cancelled Ann's phone (487) and said so; the ACD did not have to take
    // the offer back on its own ("timeout").
    const ring = await stack.waitFor(
      'call.command.completed',
      (e) => e.data.commandId === missed.data.reservationId,
    );
    expect(ring.data).toMatchObject({ action: 'bridge', outcome: 'no-answer' });
    expect(missed.data.outcome).toBe(ring.data.outcome);
    expect(missed.data.misses).toBe(1);
    await benAnswers;
    const answered = await stack.waitFor(
      'call.answered',
      (e) => e.data.callId === callId && e.data.answeredBy === 'agent',
    );
    expect(answered.data.agentId).toBe(ben().agentId);
    await stack.waitFor('call.bridged', (e) => e.data.callId === callId);

    // Talk: the caller sends one tone, Ben another; each hears the other's.
    const since = Date.now();
    caller.sendTone(CALLER_TONE);
    benPhone.sendTone(AGENT_TONE);
    await new Promise((r) => setTimeout(r, 2000));
    caller.stopTone();
    benPhone.stopTone();
    const callerHeard = caller.heard(since + 300);
    const benHeard = benPhone.heard(since + 300);
    expect(toneEnergy(callerHeard, AGENT_TONE)).toBeGreaterThan(50 * toneEnergy(callerHeard, CALLER_TONE));
    expect(toneEnergy(benHeard, CALLER_TONE)).toBeGreaterThan(50 * toneEnergy(benHeard, AGENT_TONE));

    // The caller hangs up; Ben goes to wrap-up and, after the queue's 2 s, is ready again.
    await caller.close();
    const ended = await stack.waitFor('call.ended', (e) => e.data.callId === callId);
    expect(ended.data).toMatchObject({ cause: 'caller-hangup', by: 'caller' });
    await stack.waitFor(
      'agent.state.changed',
      (e) => e.data.agentId === ben().agentId && e.data.from === 'wrap-up' && e.data.to === 'ready',
      10_000,
    );

    // The trail, in the order it happened (one clock: the services share a process).
    const trail = stack.events.filter(
      (e) => e.key === callId || (e.data as { callId?: string }).callId === callId,
    );
    const milestones = [
      ['call.offered', (e: HotlineEvent) => e.type === 'call.offered' && e.data.ani === ANI],
      ['IVR answers', (e: HotlineEvent) => e.type === 'call.answered' && e.data.answeredBy === 'ivr'],
      ['greeting', (e: HotlineEvent) => e.type === 'ivr.node.entered' && e.data.nodeId === 'greeting'],
      ['menu', (e: HotlineEvent) => e.type === 'ivr.node.entered' && e.data.nodeId === 'menu'],
      ['pressed 1', (e: HotlineEvent) => e.type === 'ivr.input.collected' && e.data.digits === '1'],
      [
        'queue.joined',
        (e: HotlineEvent) => e.type === 'queue.joined' && e.data.queueId === tenant.salesQueueId,
      ],
      ['Ann reserved', (e: HotlineEvent) => e.type === 'agent.reserved' && e.data.agentId === ann().agentId],
      [
        'Ann no-answer',
        (e: HotlineEvent) => e.type === 'agent.reservation.ended' && e.data.outcome === 'no-answer',
      ],
      ['Ben reserved', (e: HotlineEvent) => e.type === 'agent.reserved' && e.data.agentId === ben().agentId],
      ['Ben answers', (e: HotlineEvent) => e.type === 'call.answered' && e.data.answeredBy === 'agent'],
      ['bridged', (e: HotlineEvent) => e.type === 'call.bridged'],
      ['caller hangs up', (e: HotlineEvent) => e.type === 'call.ended'],
      [
        'Ben wraps up',
        (e: HotlineEvent) =>
          e.type === 'agent.state.changed' && e.data.agentId === ben().agentId && e.data.to === 'wrap-up',
      ],
    ] as const;
    const found = milestones.map(([name, match]) => [name, trail.find(match)] as const);
    expect(found.filter(([, e]) => !e).map(([name]) => name)).toEqual([]);
    // Each step no earlier than the one before (a service publishes some together, same ms).
    const outOfOrder = found.filter(([, e], i) => i > 0 && e!.occurredAt < found[i - 1]![1]!.occurredAt);
    expect(outOfOrder.map(([name]) => name)).toEqual([]);
  }, 45_000);

  it("keeps the call one trace: each of its events, and each service's work on it", async () => {
    const offered = stack.events.find((e) => e.type === 'call.offered' && e.data.callId === callId)!;
    const traceId = traceIdOf(offered);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const ofCall = stack.events.filter(
      (e) => e.key === callId || (e.data as { callId?: string }).callId === callId,
    );
    const strays = ofCall
      .filter((e) => traceIdOf(e) !== traceId)
      .map((e) => `${e.source} ${e.type} ${e.traceparent ?? '(none)'}`);
    expect(strays).toEqual([]);
    // Kafka carried the same trace in each record's headers.
    const headerStrays = ofCall.filter((e) => stack.recordTraceparent(e.id)?.split('-')[1] !== traceId);
    expect(headerStrays.map((e) => `${e.source} ${e.type}`)).toEqual([]);
    expect([...new Set(ofCall.map((e) => e.source))]).toEqual(
      expect.arrayContaining(['sip-edge', 'ivr-runner', 'acd-router']),
    );

    // Each consumer group's handling of the call's events is a span in the call's trace.
    const groups = new Set(
      spans
        .ofTrace(traceId!)
        .map((s) => String(s.attributes['messaging.consumer.group.name'] ?? ''))
        .map((g) => g.replace(`stack-${stack.run}.`, '').replace(/^sip-edge\..*/, 'sip-edge')),
    );
    for (const service of ['sip-edge', 'ivr-runner', 'acd-router', 'reporting', 'recorder'])
      expect(groups, `spans of ${service}`).toContain(service);

    // The edge's span of the whole call is the root; every other span hangs off one in the trace.
    const ofTrace = spans.ofTrace(traceId!);
    const roots = ofTrace.filter((s) => !parentOf(s));
    expect(roots.map((s) => [s.name, s.attributes['hotline.call.id']])).toEqual([['call', callId]]);
    expect(roots[0]!.spanContext().spanId).toBe(offered.traceparent!.split('-')[2]);
    const ids = new Set(ofTrace.map((s) => s.spanContext().spanId));
    expect(ofTrace.filter((s) => parentOf(s) && !ids.has(parentOf(s)!)).map((s) => s.name)).toEqual([]);
  });

  it('keeps the call detail record: who called whom, the wait, who answered, the talk, the end', async () => {
    const cdr = await endedCdr(callId, 'answered');
    const at = (type: string, match: (e: HotlineEvent) => boolean = () => true) =>
      Date.parse(stack.eventsOf(callId).find((e) => e.type === type && match(e))!.occurredAt);
    const joined = at('queue.joined');
    const agentAnswered = at(
      'call.answered',
      (e) => e.type === 'call.answered' && e.data.answeredBy === 'agent',
    );
    const ended = at('call.ended');

    expect(cdr).toMatchObject({
      callId,
      ani: ANI,
      dnis: tenant.number,
      hotlineId: tenant.hotlineId,
      outcome: 'answered',
      endCause: 'caller-hangup',
      endedBy: 'caller',
    });
    // Queue wait: joined until Ben answered, about 5 s of Ann ringing plus Ben's pick-up.
    expect(cdr.queues).toEqual([
      expect.objectContaining({ queueId: tenant.salesQueueId, outcome: 'answered', agentId: ben().agentId }),
    ]);
    expect(cdr.waitSec).toBe(Math.round((agentAnswered - joined) / 1000));
    expect(cdr.waitSec).toBeGreaterThanOrEqual(5);
    expect(cdr.offers.map((o) => [o.agentId, o.outcome])).toEqual([
      [ann().agentId, 'no-answer'],
      [ben().agentId, 'answered'],
    ]);
    expect(cdr.agentLegs.map((l) => l.agentId)).toEqual([ben().agentId]);
    // Talk time to the second: from Ben's answer to the caller's hang-up, with no hold.
    expect(cdr.talkSec).toBe(Math.round((ended - agentAnswered) / 1000));
    expect(cdr.talkSec).toBeGreaterThanOrEqual(2);
    expect(cdr.ivr.inputs).toEqual([expect.objectContaining({ nodeId: 'menu', digits: '1' })]);
  });

  it('records both parties in stereo: the caller on the left, the agent on the right', async () => {
    const recording = await until(
      'an available recording of the call',
      async () => {
        const r = await stack.api<{ items: { id: string; callId: string; status: string }[] }>(
          'GET',
          `/v1/recordings?callId=${encodeURIComponent(callId)}`,
          { tenantId: tenant.tenantId },
        );
        const found = r.body.items?.find((i) => i.callId === callId);
        if (found?.status === 'failed') throw new Error(`recording failed: ${JSON.stringify(found)}`);
        return found?.status === 'available' ? found : undefined;
      },
      20_000,
    );
    const wav = parseStereoWav(await audioOf(recording.id));
    expect(wav).toMatchObject({ channels: 2, sampleRate: 8000, bitsPerSample: 16 });
    const callerSide = loudestTone(wav.left, CALLER_TONE, AGENT_TONE);
    const agentSide = loudestTone(wav.right, AGENT_TONE, CALLER_TONE);
    expect(callerSide.energy).toBeGreaterThan(50 * callerSide.otherEnergy);
    expect(agentSide.energy).toBeGreaterThan(50 * agentSide.otherEnergy);
    // Each tone only on its own side: the other channel carries (almost) none of it.
    expect(loudestTone(wav.right, CALLER_TONE, AGENT_TONE).energy).toBeLessThan(callerSide.energy / 50);
    expect(loudestTone(wav.left, AGENT_TONE, CALLER_TONE).energy).toBeLessThan(agentSide.energy / 50);
  }, 30_000);

  it("shows the day so far in real time: one call answered, none waiting, each agent's state", async () => {
    // Real-time figures are at most reporting's fold interval (250 ms) behind the events: a
    // wallboard sees them on its next refresh, so the test waits for them the same way.
    const queue = await until('the sales queue with the answered call', async () => {
      const r = await stack.api<{ items: QueueRealtime[] }>('GET', '/v1/reports/realtime/queues', {
        tenantId: tenant.tenantId,
      });
      const q = r.body.items?.find((i) => i.queueId === tenant.salesQueueId);
      return q && q.answered === 1 && q.agentsByState.ready === 1 ? q : undefined;
    });
    expect(queue).toMatchObject({ offered: 1, answered: 1, abandoned: 0, waiting: 0 });
    expect(queue.agentsByState).toMatchObject({ ready: 1, 'not-ready': 1 });

    const byId = await until("both agents' day so far", async () => {
      const r = await stack.api<{ items: AgentRealtime[] }>('GET', '/v1/reports/realtime/agents', {
        tenantId: tenant.tenantId,
      });
      const agents = new Map((r.body.items ?? []).map((a) => [a.agentId, a]));
      return agents.get(ben().agentId)?.today.calls === 1 && agents.get(ben().agentId)?.state === 'ready'
        ? agents
        : undefined;
    });
    // Ann missed the offer and was made not-ready; Ben took the call and is ready again.
    expect(byId.get(ann().agentId)).toMatchObject({ state: 'not-ready', today: { calls: 0 } });
    expect(byId.get(ben().agentId)).toMatchObject({ state: 'ready', today: { calls: 1 } });
    expect(byId.get(ben().agentId)!.today.talkMs).toBeGreaterThanOrEqual(2000);
  });

  it('counts a caller who hangs up while waiting as abandoned', async () => {
    // Nobody is ready now: Ann was made not-ready, and Ben takes a break.
    await agentCommand(stack, tenant.tenantId, ben().agentId, 'not-ready', 'not-ready', { reason: 'lunch' });
    const caller = await TestPhone.open(TRUNK_PHONE_PORT);
    phones.push(caller);
    const abandonedId = await dial(caller);
    await pressOneForSales(caller, abandonedId);
    await new Promise((r) => setTimeout(r, 1000));
    await caller.close();
    const ended = await stack.waitFor('call.ended', (e) => e.data.callId === abandonedId);
    expect(ended.data.cause).toBe('caller-hangup');

    const cdr = await endedCdr(abandonedId, 'abandoned');
    expect(cdr).toMatchObject({ outcome: 'abandoned', agentLegs: [], offers: [] });
    expect(cdr.queues).toEqual([
      expect.objectContaining({ queueId: tenant.salesQueueId, outcome: 'abandoned' }),
    ]);
    expect(cdr.waitSec).toBeGreaterThanOrEqual(1);
    const queue = await until('the sales queue with the abandoned call', async () => {
      const r = await stack.api<{ items: QueueRealtime[] }>('GET', '/v1/reports/realtime/queues', {
        tenantId: tenant.tenantId,
      });
      const q = r.body.items?.find((i) => i.queueId === tenant.salesQueueId);
      return q && q.abandoned === 1 ? q : undefined;
    });
    expect(queue).toMatchObject({ offered: 2, answered: 1, abandoned: 1, waiting: 0 });

    // A call of its own is a trace of its own.
    const traces = new Set(stack.eventsOf(abandonedId).map(traceIdOf));
    expect(traces.size).toBe(1);
    expect(traces).not.toContain(traceIdOf(stack.eventsOf(callId)[0]!));
  }, 30_000);
});

describe('what else the menu offers', () => {
  it('takes a voicemail: the caller speaks after the beep and ends the message with #', async () => {
    const caller = await TestPhone.open(TRUNK_PHONE_PORT);
    phones.push(caller);
    const id = await dial(caller);
    await choose(caller, id, '2');
    await stack.waitFor(
      'call.command.completed',
      (e) => e.data.callId === id && e.data.action === 'record' && e.data.outcome === 'done',
    );
    caller.sendTone(CALLER_TONE);
    await new Promise((r) => setTimeout(r, 1500));
    caller.stopTone();
    await caller.sendDtmf('#');

    const kept = await stack.waitFor('voicemail.recorded', (e) => e.data.callId === id);
    expect(kept.data).toMatchObject({ mailbox: 'sales', flowId: tenant.flowId, endedBy: 'key' });
    expect(kept.data.durationMs).toBeGreaterThanOrEqual(1000);
    // The flow says goodbye by hanging up.
    await stack.waitFor('call.ended', (e) => e.data.callId === id);
    const cdr = await endedCdr(id, 'voicemail');
    expect(cdr).toMatchObject({
      outcome: 'voicemail',
      voicemail: { recordingId: kept.data.recordingId, mailbox: 'sales' },
      queues: [],
    });
    // The message is playable from the recordings library: the caller's tone on the caller's side.
    const message = await until(
      'the voicemail in the recordings library',
      async () => {
        const r = await stack.api<{ status: string }>('GET', `/v1/recordings/${kept.data.recordingId}`, {
          tenantId: tenant.tenantId,
        });
        return r.status === 200 && r.body.status === 'available' ? r.body : undefined;
      },
      20_000,
    );
    expect(message).toMatchObject({ callId: id });
    const wav = parseStereoWav(await audioOf(kept.data.recordingId));
    const heard = loudestTone(wav.left, CALLER_TONE, AGENT_TONE);
    expect(heard.energy).toBeGreaterThan(50 * heard.otherEnergy);
    await caller.close();
  }, 30_000);

  it("takes a callback request, keeps the caller's place, and calls back with an agent kept for it", async () => {
    const benPhone = phones[0]!;
    const caller = await TestPhone.open(TRUNK_PHONE_PORT);
    phones.push(caller);
    const id = await dial(caller);
    await choose(caller, id, '3');
    const requested = await stack.waitFor('callback.requested', (e) => e.data.callId === id);
    expect(requested.data).toMatchObject({
      number: ANI,
      queueId: tenant.salesQueueId,
      callerId: tenant.number,
    });
    await stack.waitFor('call.ended', (e) => e.data.callId === id);
    const cdr = await endedCdr(id, 'callback');
    expect(cdr).toMatchObject({
      outcome: 'callback',
      callback: { callbackId: requested.data.callbackId, queueId: tenant.salesQueueId },
    });
    await caller.close();

    // The caller's phone, reached through the carrier gateway, answers the callback; Ben is kept
    // for it and rings once the caller is on the line.
    const pstn = await TestPhone.open(GATEWAY_PORT);
    phones.push(pstn);
    const callerAnswers = pstn.answerNext(300);
    const benAnswers = benPhone.answerNext(300);
    // The request waits in the queue while nobody is free; Ben back from his break takes it.
    await new Promise((r) => setTimeout(r, 500));
    expect(
      stack.events.some((e) => e.type === 'call.command.requested' && e.data.command.action === 'originate'),
    ).toBe(false);
    await agentCommand(stack, tenant.tenantId, ben().agentId, 'ready', 'ready');
    const dialling = await stack.waitFor(
      'call.command.requested',
      (e) => e.data.command.action === 'originate' && e.data.requestedBy === 'acd-router',
      20_000,
    );
    expect(dialling.data.command).toMatchObject({
      action: 'originate',
      number: ANI,
      callerId: tenant.number,
    });
    const cbCall = dialling.data.callId;
    const kept = await stack.waitFor('agent.reserved', (e) => e.data.callId === cbCall);
    expect(kept.data.agentId).toBe(ben().agentId);
    await callerAnswers;
    const attempted = await stack.waitFor('callback.attempted', (e) => e.data.callId === cbCall);
    expect(attempted.data).toMatchObject({ attempt: 1, result: 'answered', agentId: ben().agentId });
    await benAnswers;
    await stack.waitFor('call.bridged', (e) => e.data.callId === cbCall && e.data.agentId === ben().agentId);
    const over = await stack.waitFor('callback.ended', (e) => e.data.callId === cbCall);
    expect(over.data).toMatchObject({ outcome: 'connected', attempts: 1, agentId: ben().agentId });

    // They talk: each hears the other's tone.
    const since = Date.now();
    pstn.sendTone(CALLER_TONE);
    benPhone.sendTone(AGENT_TONE);
    await new Promise((r) => setTimeout(r, 2000));
    pstn.stopTone();
    benPhone.stopTone();
    const callerHeard = pstn.heard(since + 300);
    const benHeard = benPhone.heard(since + 300);
    expect(toneEnergy(callerHeard, AGENT_TONE)).toBeGreaterThan(50 * toneEnergy(callerHeard, CALLER_TONE));
    expect(toneEnergy(benHeard, CALLER_TONE)).toBeGreaterThan(50 * toneEnergy(benHeard, AGENT_TONE));
    await pstn.close();
    await stack.waitFor('call.ended', (e) => e.data.callId === cbCall);

    // The callback's own record: an outbound call from the hotline's number, answered by Ben.
    const callback = await endedCdr(cbCall, 'answered');
    expect(callback).toMatchObject({ direction: 'outbound', ani: tenant.number, dnis: ANI });
    expect(callback.agentIds).toEqual([ben().agentId]);
    // The request says how it went.
    const request = await until('the callback request marked connected', async () => {
      const doc = await stack.process.adapters.store
        .collection<{
          _id: string;
          _rev: number;
          status: string;
          attempts?: number;
          callbackCallId?: string;
        }>('ivr-callbacks')
        .get(requested.data.callbackId);
      return doc?.status === 'connected' ? doc : undefined;
    });
    expect(request).toMatchObject({ attempts: 1, callbackCallId: cbCall });
  }, 60_000);
});
