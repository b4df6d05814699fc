// F-ACD-4 "one agent never gets two calls": agents who take a connected call without a
// reservation (transfer target, conference member, supervisor) are busy with it in the ACD.

import { describe, expect, it } from 'vitest';
import { Harness, T } from '../../test/harness';

type Order = 'transferred-first' | 'bridged-first';

/** anna has c1 from q1; bob (ready, q1) is free; wrap-up 10 s. */
async function connected(wrapUpMs = 10_000) {
  const h = new Harness();
  h.queue('q1', { wrapUpMs });
  h.agent('anna', ['q1']);
  h.agent('bob', ['q1']);
  h.agent('carl', ['q1']);
  await h.login('anna');
  await h.join('c1', 'q1');
  await h.answer('c1');
  h.clock += 1000;
  await h.login('bob');
  expect(await h.stateOf('anna')).toBe('on-call');
  expect(await h.stateOf('bob')).toBe('ready');
  return h;
}

/** The edge's two reports of a transfer to an agent, in either order. */
async function transfer(
  h: Harness,
  from: string,
  to: string,
  order: Order,
  kind: 'blind' | 'consultative' = 'blind',
) {
  if (order === 'bridged-first') await h.bridged('c1', to);
  await h.transferred('c1', from, to, kind);
  if (order === 'transferred-first') await h.bridged('c1', to);
}

async function liveState(h: Harness, agentIds: string[]) {
  const agents = await Promise.all(agentIds.map(async (a) => (await h.agentRecord(a))?.status));
  const call = await h.call('c1');
  const { version: _v, stored: _s, ...rest } = call ?? { version: '', stored: {} };
  return { agents, call: rest };
}

describe('ACD: blind transfer to an agent', () => {
  it.each(['transferred-first', 'bridged-first'] as const)(
    'the target is busy with the call and gets no queued call; the end frees them (%s)',
    async (order) => {
      const h = await connected();
      await transfer(h, 'anna', 'bob', order);
      expect(await h.stateOf('bob')).toBe('on-call');
      expect((await h.agentRecord('bob'))?.status.interactions).toEqual({ c1: 'voice' });
      expect(await h.stateOf('anna')).toBe('wrap-up');
      expect((await h.agentRecord('anna'))?.status.interactions).toEqual({});
      expect(await h.call('c1')).toMatchObject({ state: 'connected', agentId: 'bob', gone: ['anna'] });
      expect((await h.call('c1'))?.others).toBeUndefined();

      // A call queued while bob talks is not offered to him.
      await h.join('c2', 'q1');
      expect((await h.call('c2'))?.state).toBe('waiting');
      expect(h.sink.ofType('agent.reserved').filter((e) => e.callId === 'c2')).toEqual([]);

      // Holds go to bob now.
      await h.acd.holdChanged(T, 'c1', true);
      expect(await h.stateOf('bob')).toBe('on-hold');
      expect(await h.stateOf('anna')).toBe('wrap-up');
      await h.acd.holdChanged(T, 'c1', false);

      h.clock += 5000;
      await h.hangup('c1');
      expect(await h.stateOf('bob')).toBe('wrap-up');
      expect((await h.agentRecord('bob'))?.status.interactions).toEqual({});
      expect((await h.call('c2'))?.state).toBe('waiting');
      // anna's wrap-up (from the transfer) ends first: the queued call goes to her.
      await h.advance(5000);
      expect(await h.agentOf('c2')).toBe('anna');
      await h.advance(5000);
      expect(await h.stateOf('bob')).toBe('ready');
    },
  );

  it('either order of call.transferred and call.bridged ends in the same state', async () => {
    const states = [];
    for (const order of ['transferred-first', 'bridged-first'] as const) {
      const h = await connected();
      await transfer(h, 'anna', 'bob', order);
      states.push(await liveState(h, ['anna', 'bob']));
    }
    expect(states[0]).toEqual(states[1]);
  });

  it('the transfer target is freed by the end even if the edge never bridged them', async () => {
    const h = await connected(0);
    await h.transferred('c1', 'anna', 'bob');
    expect(await h.stateOf('bob')).toBe('on-call');
    expect(await h.stateOf('anna')).toBe('ready');
    await h.hangup('c1');
    expect(await h.stateOf('bob')).toBe('ready');
  });

  it('a target who is not logged in is not tracked; the from-agent is still released', async () => {
    const h = await connected(0);
    h.agent('dave', ['q1']);
    await h.transferred('c1', 'anna', 'dave');
    await h.bridged('c1', 'dave');
    expect(await h.stateOf('anna')).toBe('ready');
    expect(await h.agentRecord('dave')).toBeNull();
    expect((await h.call('c1'))?.others).toBeUndefined();
    await h.hangup('c1');
    expect((await h.call('c1'))?.state).toBe('ended');
  });
});

describe('ACD: consultative transfer', () => {
  it.each(['transferred-first', 'bridged-first'] as const)(
    'the from-agent is released at the transfer, not at the end of the call (%s)',
    async (order) => {
      const h = new Harness();
      h.queue('q1', { wrapUpMs: 0 });
      h.queue('billing', { wrapUpMs: 0 });
      h.agent('anna', ['q1']);
      h.agent('bob', ['billing']);
      await h.login('anna');
      await h.login('bob');
      await h.join('c1', 'q1');
      await h.answer('c1');
      // anna consults bob (on hold meanwhile), a second caller waits for anna's queue.
      await h.acd.holdChanged(T, 'c1', true);
      await h.join('c2', 'q1');
      expect((await h.call('c2'))?.state).toBe('waiting');
      await transfer(h, 'anna', 'bob', order, 'consultative');
      expect(await h.stateOf('bob')).toBe('on-call');
      // Released at once (no wrap-up in q1): anna is rung for the waiting call.
      expect(await h.agentOf('c2')).toBe('anna');
      expect(await h.stateOf('anna')).toBe('ringing');
      await h.answer('c2');
      await h.hangup('c1');
      expect(await h.stateOf('bob')).toBe('ready');
      expect(await h.stateOf('anna')).toBe('on-call');
    },
  );

  it('a chain of transfers hands the call on, each agent released in turn', async () => {
    const h = await connected(0);
    await h.login('carl');
    await transfer(h, 'anna', 'bob', 'transferred-first', 'consultative');
    await transfer(h, 'bob', 'carl', 'bridged-first', 'consultative');
    expect(await h.stateOf('anna')).toBe('ready');
    expect(await h.stateOf('bob')).toBe('ready');
    expect(await h.stateOf('carl')).toBe('on-call');
    expect(await h.call('c1')).toMatchObject({ agentId: 'carl', gone: ['anna', 'bob'] });
    // ...and back to anna, who takes the call again.
    await transfer(h, 'carl', 'anna', 'transferred-first');
    expect(await h.stateOf('anna')).toBe('on-call');
    expect(await h.stateOf('carl')).toBe('ready');
    expect(await h.call('c1')).toMatchObject({ agentId: 'anna', gone: ['bob', 'carl'] });
    await h.hangup('c1');
    expect(await h.stateOf('anna')).toBe('ready');
  });
});

describe('ACD: conference and take-over (no transfer)', () => {
  it('an agent bridged into a connected call is busy with it, and the end frees both', async () => {
    const h = await connected(10_000);
    await h.bridged('c1', 'bob');
    expect(await h.stateOf('anna')).toBe('on-call');
    expect(await h.stateOf('bob')).toBe('on-call');
    expect(await h.call('c1')).toMatchObject({ agentId: 'anna', others: ['bob'] });
    await h.join('c2', 'q1');
    expect((await h.call('c2'))?.state).toBe('waiting');
    // Holds stay with the call's agent.
    await h.acd.holdChanged(T, 'c1', true);
    expect(await h.stateOf('anna')).toBe('on-hold');
    expect(await h.stateOf('bob')).toBe('on-call');
    await h.hangup('c1');
    expect(await h.stateOf('anna')).toBe('wrap-up');
    expect(await h.stateOf('bob')).toBe('wrap-up');
    expect((await h.agentRecord('bob'))?.status.interactions).toEqual({});
    await h.advance(10_000);
    expect(['anna', 'bob']).toContain(await h.agentOf('c2'));
  });

  it('a supervisor taking over (call.answered by an agent) joins the same way', async () => {
    const h = await connected(0);
    await h.acd.answered(T, 'c1', 'bob');
    expect(await h.stateOf('bob')).toBe('on-call');
    await h.hangup('c1');
    expect(await h.stateOf('anna')).toBe('ready');
    expect(await h.stateOf('bob')).toBe('ready');
  });

  it('a conference member the call is then transferred to becomes its agent', async () => {
    const h = await connected(0);
    await h.bridged('c1', 'bob');
    await h.transferred('c1', 'anna', 'bob', 'consultative');
    expect(await h.call('c1')).toMatchObject({ agentId: 'bob', gone: ['anna'] });
    expect((await h.call('c1'))?.others).toBeUndefined();
    expect(await h.stateOf('anna')).toBe('ready');
    expect(await h.stateOf('bob')).toBe('on-call');
  });

  it('a member who leaves by transfer is released while the call goes on with its agent', async () => {
    const h = await connected(0);
    await h.bridged('c1', 'bob');
    await h.transferred('c1', 'bob', { number: '+4930111' });
    expect(await h.stateOf('bob')).toBe('ready');
    expect(await h.stateOf('anna')).toBe('on-call');
    expect(await h.call('c1')).toMatchObject({ agentId: 'anna', gone: ['bob'] });
  });
});

describe('ACD: agents who take a transferred call from another state', () => {
  it('a not-ready agent goes back to not-ready with the same reason after the call and wrap-up', async () => {
    const h = await connected(10_000);
    await h.acd.agentCommand(T, 'bob', { kind: 'not-ready', reason: 'lunch' }, 'agent', 'x');
    await transfer(h, 'anna', 'bob', 'transferred-first');
    expect(await h.stateOf('bob')).toBe('on-call');
    await h.hangup('c1');
    expect(await h.stateOf('bob')).toBe('wrap-up');
    await h.advance(10_000);
    expect((await h.agentRecord('bob'))?.status).toMatchObject({ state: 'not-ready', reason: 'lunch' });
    expect((await h.agentRecord('bob'))?.status.pending).toBeUndefined();
  });

  it('an agent in wrap-up is taken out of it, and wraps up again after the call', async () => {
    const h = await connected(10_000);
    await h.login('carl');
    await h.join('c0', 'q1');
    await h.answer('c0');
    expect(await h.agentOf('c0')).toBe('bob');
    await h.hangup('c0');
    expect(await h.stateOf('bob')).toBe('wrap-up');
    await transfer(h, 'anna', 'bob', 'bridged-first');
    expect(await h.stateOf('bob')).toBe('on-call');
    // The old wrap-up timer coming due changes nothing.
    await h.advance(10_000);
    expect(await h.stateOf('bob')).toBe('on-call');
    await h.hangup('c1');
    expect(await h.stateOf('bob')).toBe('wrap-up');
  });
});

describe('ACD: redelivered transfer events', () => {
  it.each(['transferred-first', 'bridged-first'] as const)(
    'change nothing more, and a late bridge of the first agent does not bring them back (%s)',
    async (order) => {
      const h = await connected(10_000);
      await transfer(h, 'anna', 'bob', order);
      const before = await liveState(h, ['anna', 'bob']);
      const version = (await h.call('c1'))?.version;
      const published = h.sink.events.length;
      await h.bridged('c1', 'bob');
      await h.transferred('c1', 'anna', 'bob');
      await h.bridged('c1', 'anna');
      await h.acd.answered(T, 'c1', 'anna');
      await transfer(h, 'anna', 'bob', order);
      expect(h.sink.events.length).toBe(published);
      expect(await liveState(h, ['anna', 'bob'])).toEqual(before);
      expect((await h.call('c1'))?.version).toBe(version);
    },
  );

  it('a redelivered conference bridge changes nothing more', async () => {
    const h = await connected(0);
    await h.bridged('c1', 'bob');
    const before = await liveState(h, ['anna', 'bob']);
    const published = h.sink.events.length;
    await h.bridged('c1', 'bob');
    await h.bridged('c1', 'anna');
    expect(h.sink.events.length).toBe(published);
    expect(await liveState(h, ['anna', 'bob'])).toEqual(before);
  });

  it('events after the call ended change nothing', async () => {
    const h = await connected(0);
    await h.hangup('c1');
    await h.bridged('c1', 'bob');
    await h.transferred('c1', 'anna', 'bob');
    expect(await h.stateOf('bob')).toBe('ready');
    expect(await h.stateOf('anna')).toBe('ready');
  });
});

describe('ACD: a blind transfer recalled', () => {
  it('nobody took it: the edge transfers the caller back, the first agent has the call again and the target is free', async () => {
    const h = await connected();
    await h.transferred('c1', 'anna', 'bob', 'blind');
    expect(await h.stateOf('bob')).toBe('on-call');
    // bob's phone never answered; the edge rings anna again (call.transferred bob -> anna), and she answers.
    await h.transferred('c1', 'bob', 'anna', 'blind');
    await h.bridged('c1', 'anna');
    expect(await h.stateOf('anna')).toBe('on-call');
    expect((await h.agentRecord('anna'))?.status.interactions).toEqual({ c1: 'voice' });
    expect((await h.agentRecord('bob'))?.status.interactions).toEqual({});
    expect(await h.call('c1')).toMatchObject({ state: 'connected', agentId: 'anna' });
    await h.hangup('c1');
    expect(await h.stateOf('anna')).toBe('wrap-up');
    expect((await h.agentRecord('anna'))?.status.interactions).toEqual({});
  });
});
