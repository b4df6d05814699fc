import { describe, expect, it } from 'vitest';
import { Harness, T, start } from '../../test/harness';
import { waitingScore } from '../domain/queue-order';
import { callbackCallId } from './callbacks';

const minute = 60_000;

/** One queue, one agent logged in but not ready, and the ACD's callback options. */
async function world(acd: ConstructorParameters<typeof Harness>[0] = {}) {
  const h = new Harness(acd);
  h.queue('q1', { ringTimeoutMs: 15_000 });
  h.agent('anna', ['q1']);
  await h.login('anna', false);
  return h;
}

const ready = (h: Harness, agentId = 'anna') =>
  h.acd.agentCommand(T, agentId, { kind: 'ready' }, 'agent', `ready-${h.clock}`);

const commandsFor = (h: Harness, callId: string) =>
  h.sink.ofType('call.command.requested').filter((c) => c.callId === callId);

describe('ACD callbacks: an entry at the caller’s place', () => {
  it('is offered before a call that joined later, and the reservation dials the caller instead of ringing the agent', async () => {
    const h = await world();
    // The caller queued five minutes ago, then asked to be called back; another call joined since.
    h.clock += 5 * minute;
    await h.join('later', 'q1');
    h.clock += minute;
    const cb = await h.requestCallback('cb1', 'q1', {
      placeSince: start,
      number: '+4930111222',
      callerId: '+4930999000',
    });
    expect(cb).toBe('cb1.call');
    h.sink.clear();
    await ready(h);
    expect(await h.agentOf(cb)).toBe('anna');
    expect((await h.call('later'))?.state).toBe('waiting');
    const [reserved] = h.sink.ofType('agent.reserved');
    // The offer on the agent's desk lasts the dial and the ring (30 s + the queue's 15 s).
    expect(reserved).toMatchObject({ agentId: 'anna', callId: cb, queueId: 'q1', ringTimeoutMs: 45_000 });
    expect(commandsFor(h, cb)).toEqual([
      {
        commandId: `dial-${reserved?.reservationId}`,
        callId: cb,
        requestedBy: 'acd-router',
        queue: { queueId: 'q1', priority: 0, skills: [] },
        command: {
          action: 'originate',
          number: '+4930111222',
          callerId: '+4930999000',
          ringTimeoutMs: 30_000,
        },
      },
    ]);
    // The agent is kept (reserved), not rung, while the caller is dialled.
    expect(await h.stateOf('anna')).toBe('reserved');
    const record = await h.call(cb);
    expect(record?.score).toBe(waitingScore(0, 5, start));
    expect(record?.spec.callback).toEqual({
      callbackId: 'cb1',
      number: '+4930111222',
      callerId: '+4930999000',
      originCallId: 'origin-cb1',
      attempt: 1,
      dialled: false,
    });
  });

  it('is not a caller on the line: no queue.joined, no position, no max wait, no size limit', async () => {
    const h = await world();
    h.queue('q1', { maxWaitMs: minute, maxSize: 1, positionEveryMs: 1000 });
    await h.join('c1', 'q1');
    h.sink.clear();
    const cb = await h.requestCallback('cb1', 'q1');
    expect((await h.call(cb))?.state).toBe('waiting');
    await h.advance(2 * minute);
    await h.advance(1000);
    expect((await h.call(cb))?.state).toBe('waiting');
    expect((await h.call('c1'))?.state).toBe('ended');
    const about = h.sink.events.filter((e) => (e.data as { callId?: string }).callId === cb);
    expect(about.map((e) => e.type)).not.toContain('queue.joined');
    expect(about.map((e) => e.type)).not.toContain('queue.left');
    expect(about.map((e) => e.type)).not.toContain('queue.position.changed');
    expect(about.map((e) => e.type)).not.toContain('queue.rejected');
  });

  it('a redelivered request creates nothing new', async () => {
    const h = await world();
    const cb = await h.requestCallback('cb1', 'q1', { placeSince: start - minute });
    const before = await h.call(cb);
    h.sink.clear();
    h.clock += 1000;
    await h.requestCallback('cb1', 'q1', { placeSince: start - minute });
    expect(h.sink.events).toEqual([]);
    expect(await h.call(cb)).toEqual(before);
    // ...also while the caller is being dialled.
    await ready(h);
    h.sink.clear();
    await h.requestCallback('cb1', 'q1');
    expect(h.sink.events).toEqual([]);
    expect((await h.call(cb))?.state).toBe('reserved');
  });

  it('a number the edge could not dial, or an unknown queue, ends the callback unreached at once', async () => {
    const h = await world();
    await ready(h);
    const bad = await h.requestCallback('cb1', 'q1', { number: '030 / 123 456' });
    const nowhere = await h.requestCallback('cb2', 'nowhere');
    expect(h.sink.ofType('callback.ended')).toEqual([
      { callId: bad, callbackId: 'cb1', queueId: 'q1', outcome: 'unreached', attempts: 0 },
      { callId: nowhere, callbackId: 'cb2', queueId: 'nowhere', outcome: 'unreached', attempts: 0 },
    ]);
    expect(await h.call(bad)).toBeNull();
    expect(await h.call(nowhere)).toBeNull();
    expect(await h.stateOf('anna')).toBe('ready');
  });

  it('a caller id the edge would refuse is left out of the dial, the callback goes on', async () => {
    const h = await world();
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1', { callerId: 'Hotline Support' });
    const [dial] = commandsFor(h, cb);
    expect(dial?.command).toEqual({ action: 'originate', number: '+4930123456', ringTimeoutMs: 30_000 });
  });

  it('a callback id too long for a call id still gets one stable call id', () => {
    const long = 'x'.repeat(128);
    expect(callbackCallId(long)).toMatch(/^cb-[0-9a-f]{40}\.call$/);
    expect(callbackCallId(long)).toBe(callbackCallId(long));
  });
});

describe('ACD callbacks: the dial', () => {
  it('answered: music on hold, then the usual bridge to the kept agent; the answer connects it', async () => {
    const h = await world();
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    const reservationId = (await h.call(cb))?.reservationId as string;
    h.sink.clear();
    h.clock += 8000;
    await h.dialEnded(cb, 'done');
    expect(h.sink.ofType('callback.attempted')).toEqual([
      { callId: cb, callbackId: 'cb1', queueId: 'q1', attempt: 1, agentId: 'anna', result: 'answered' },
    ]);
    expect(commandsFor(h, cb)).toEqual([
      {
        commandId: `moh-${reservationId}`,
        callId: cb,
        requestedBy: 'acd-router',
        command: { action: 'music-on-hold', on: true },
      },
      {
        commandId: reservationId,
        callId: cb,
        requestedBy: 'acd-router',
        queue: { queueId: 'q1', priority: 0, skills: [] },
        command: { action: 'bridge', target: { type: 'agent', agentId: 'anna' }, ringTimeoutMs: 15_000 },
      },
    ]);
    expect(h.sink.ofType('agent.state.changed').map((e) => `${e.from}>${e.to}`)).toEqual([
      'reserved>ringing',
    ]);
    const record = await h.call(cb);
    expect(record?.spec.callback?.dialled).toBe(true);
    expect(record?.reservedAt).toBe(h.clock);
    // A redelivered completion changes nothing.
    h.sink.clear();
    await h.dialEnded(cb, 'done', `dial-${reservationId}`);
    expect(h.sink.events).toEqual([]);
    // The bridge completes: exactly what the consumer does with the bridge's "done".
    await h.acd.answered(T, cb, undefined, undefined, reservationId);
    expect(await h.stateOf('anna')).toBe('on-call');
    expect((await h.call(cb))?.state).toBe('connected');
    expect(h.sink.ofType('callback.ended')).toEqual([
      { callId: cb, callbackId: 'cb1', queueId: 'q1', outcome: 'connected', attempts: 1, agentId: 'anna' },
    ]);
    expect(h.sink.ofType('queue.left')).toEqual([]);
    // Hanging up after the talk is not an abandoned callback.
    await h.hangup(cb);
    expect(h.sink.ofType('callback.ended')).toHaveLength(1);
  });

  it('the agent cannot "answer" before the caller has', async () => {
    const h = await world();
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    await h.answer(cb);
    expect((await h.call(cb))?.state).toBe('reserved');
    expect(await h.stateOf('anna')).toBe('reserved');
  });

  it('unanswered: the agent is ready again without a miss, and the caller is dialled again after the retry delay', async () => {
    const h = await world({ acd: { callbackRetryMs: 5 * minute } });
    h.agent('ben', ['q1']);
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1', { placeSince: start - minute });
    const first = await h.call(cb);
    h.sink.clear();
    h.clock += 20_000;
    await h.dialEnded(cb, 'no-answer');
    expect(await h.stateOf('anna')).toBe('ready');
    expect((await h.agentRecord('anna'))?.status.misses).toBe(0);
    expect(h.sink.ofType('agent.state.changed').map((e) => `${e.from}>${e.to}`)).toEqual(['reserved>ready']);
    expect(h.sink.ofType('agent.reservation.ended')).toMatchObject([
      { agentId: 'anna', callId: cb, outcome: 'call-gone', misses: 0 },
    ]);
    expect(h.sink.ofType('callback.attempted')).toEqual([
      {
        callId: cb,
        callbackId: 'cb1',
        queueId: 'q1',
        attempt: 1,
        agentId: 'anna',
        result: 'no-answer',
        retryAt: new Date(h.clock + 5 * minute).toISOString(),
      },
    ]);
    const waiting = await h.call(cb);
    expect(waiting).toMatchObject({ state: 'waiting', score: first?.score, excluded: [] });
    expect(waiting?.spec.callback).toMatchObject({ attempt: 2, notBefore: h.clock + 5 * minute });
    // Not offered before the delay, from either side: the freed agent, a newly ready one, timers.
    await h.login('ben');
    await h.advance(5 * minute - 1000);
    expect(h.sink.ofType('callback.ended')).toEqual([]);
    expect(commandsFor(h, cb)).toEqual([]);
    expect((await h.call(cb))?.state).toBe('waiting');
    // A stray look at the entry (an old timer another instance claimed) does not dial it either.
    await expect(h.acd.routeCall(T, cb, 'timer')).resolves.toBe('waiting');
    expect(commandsFor(h, cb)).toEqual([]);
    // After it: dialled again, attempt 2, by whoever is kept for it now.
    await h.advance(1000);
    const again = await h.call(cb);
    expect(again?.state).toBe('reserved');
    expect(commandsFor(h, cb)).toEqual([
      expect.objectContaining({
        commandId: `dial-${again?.reservationId}`,
        command: expect.objectContaining({ action: 'originate' }),
      }),
    ]);
    await h.dialEnded(cb, 'busy');
    expect(h.sink.ofType('callback.attempted').map((e) => [e.attempt, e.result])).toEqual([
      [1, 'no-answer'],
      [2, 'busy'],
    ]);
  });

  it('the last unanswered attempt ends the callback unreached and its entry', async () => {
    const h = await world({ acd: { callbackMaxAttempts: 2, callbackRetryMs: minute } });
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    await h.dialEnded(cb, 'rejected');
    await h.advance(minute);
    expect((await h.call(cb))?.state).toBe('reserved');
    h.sink.clear();
    await h.dialEnded(cb, 'failed');
    expect(h.sink.ofType('callback.attempted')).toEqual([
      { callId: cb, callbackId: 'cb1', queueId: 'q1', attempt: 2, agentId: 'anna', result: 'failed' },
    ]);
    expect(h.sink.ofType('callback.ended')).toEqual([
      { callId: cb, callbackId: 'cb1', queueId: 'q1', outcome: 'unreached', attempts: 2 },
    ]);
    expect((await h.call(cb))?.state).toBe('ended');
    expect(await h.stateOf('anna')).toBe('ready');
    h.sink.clear();
    await h.advance(10 * minute);
    await h.requestCallback('cb1', 'q1');
    expect(h.sink.events).toEqual([]);
  });

  it('the freed agent takes the next waiting call at once', async () => {
    const h = await world();
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    await h.join('c1', 'q1');
    expect((await h.call('c1'))?.state).toBe('waiting');
    await h.dialEnded(cb, 'no-answer');
    expect(await h.agentOf('c1')).toBe('anna');
    expect(await h.stateOf('anna')).toBe('ringing');
  });

  it('a dial the edge never reports counts as a failed attempt once the dial could have rung out', async () => {
    const h = await world({ acd: { callbackRingTimeoutMs: 40_000, ringGraceMs: 5000 } });
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    h.sink.clear();
    // Past the queue's ring timeout (15 s + grace), but the dial may still ring.
    await h.advance(30_000);
    expect((await h.call(cb))?.state).toBe('reserved');
    expect(h.sink.ofType('callback.attempted')).toEqual([]);
    await h.advance(15_000);
    expect(h.sink.ofType('callback.attempted')).toMatchObject([{ attempt: 1, result: 'failed' }]);
    expect(h.sink.ofType('callback.attempted')[0]?.retryAt).toBeDefined();
    expect(await h.stateOf('anna')).toBe('ready');
    expect((await h.agentRecord('anna'))?.status.misses).toBe(0);
    expect((await h.call(cb))?.spec.callback?.attempt).toBe(2);
  });

  it('a late report of an earlier dial does not touch the dial under way', async () => {
    const h = await world({ acd: { callbackRetryMs: minute } });
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    const old = `dial-${(await h.call(cb))?.reservationId}`;
    await h.dialEnded(cb, 'no-answer');
    await h.advance(minute);
    const current = await h.call(cb);
    h.sink.clear();
    await h.dialEnded(cb, 'no-answer', old);
    expect(h.sink.events).toEqual([]);
    // The earlier dial's caller answered after all: nobody will bridge that call, so it is hung up.
    await h.dialEnded(cb, 'done', old);
    expect(h.sink.ofType('call.command.requested')).toEqual([
      {
        commandId: `hangup-${old}`,
        callId: cb,
        requestedBy: 'acd-router',
        command: { action: 'hangup', cause: 'normal' },
      },
    ]);
    expect(h.sink.events).toHaveLength(1);
    expect(await h.call(cb)).toEqual(current);
  });

  it('a late answer to a callback that has ended is hung up; one on the line for its attempt is left alone', async () => {
    const h = await world({ acd: { callbackMaxAttempts: 1 } });
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    const first = `dial-${(await h.call(cb))?.reservationId}`;
    await h.dialEnded(cb, 'failed');
    expect(h.sink.ofType('callback.ended')).toMatchObject([{ outcome: 'unreached' }]);
    h.sink.clear();
    await h.dialEnded(cb, 'done', first);
    expect(h.sink.ofType('call.command.requested')).toMatchObject([{ command: { action: 'hangup' } }]);

    const h2 = await world();
    await ready(h2);
    const cb2 = await h2.requestCallback('cb2', 'q1');
    const dial = `dial-${(await h2.call(cb2))?.reservationId}`;
    await h2.dialEnded(cb2, 'done');
    h2.sink.clear();
    // A redelivered "done" for the dial that put the caller through changes nothing.
    await h2.dialEnded(cb2, 'done', dial);
    expect(h2.sink.events).toEqual([]);
  });
});

describe('ACD callbacks: after the caller answered', () => {
  it('an agent who does not answer passes the caller on like any call: the next agent is bridged, not dialled', async () => {
    const h = await world();
    h.agent('ben', ['q1']);
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    await h.dialEnded(cb, 'done');
    await h.login('ben');
    h.sink.clear();
    await h.noAnswer(cb);
    expect(await h.agentOf(cb)).toBe('ben');
    const reservationId = (await h.call(cb))?.reservationId;
    expect(commandsFor(h, cb)).toEqual([
      expect.objectContaining({
        commandId: reservationId,
        command: expect.objectContaining({ action: 'bridge', target: { type: 'agent', agentId: 'ben' } }),
      }),
    ]);
    expect(await h.stateOf('ben')).toBe('ringing');
    expect((await h.agentRecord('anna'))?.status.misses).toBe(1);
  });

  it('the caller hanging up before an agent answered ends the callback abandoned', async () => {
    const h = await world();
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    await h.dialEnded(cb, 'done');
    h.sink.clear();
    await h.hangup(cb);
    expect(h.sink.ofType('callback.ended')).toEqual([
      { callId: cb, callbackId: 'cb1', queueId: 'q1', outcome: 'abandoned', attempts: 1 },
    ]);
    expect(await h.stateOf('anna')).toBe('ready');
    expect((await h.call(cb))?.state).toBe('ended');
  });

  it('an end reported for the callback’s call before any dial answered leaves the callback alone', async () => {
    const h = await world();
    await ready(h);
    const cb = await h.requestCallback('cb1', 'q1');
    h.sink.clear();
    await h.hangup(cb);
    expect(h.sink.events).toEqual([]);
    expect((await h.call(cb))?.state).toBe('reserved');
  });
});
