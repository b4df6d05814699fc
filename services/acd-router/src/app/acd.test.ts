import { describe, expect, it } from 'vitest';
import { Harness, T, start } from '../../test/harness';

describe('ACD: a call meets an agent', () => {
  it('a call joining a queue with a ready agent is reserved for that agent, and the agent rings', async () => {
    const h = new Harness();
    h.queue('q1', { ringTimeoutMs: 15_000 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    h.sink.clear();
    await h.join('c1', 'q1');
    expect(h.sink.ofType('agent.reserved')).toEqual([
      {
        agentId: 'anna',
        callId: 'c1',
        queueId: 'q1',
        reservationId: expect.any(String),
        decisionId: expect.any(String),
        ringTimeoutMs: 15_000,
      },
    ]);
    const [bridge] = h.sink.ofType('call.command.requested');
    expect(bridge).toMatchObject({
      callId: 'c1',
      requestedBy: 'acd-router',
      commandId: h.sink.ofType('agent.reserved')[0]?.reservationId,
      command: { action: 'bridge', target: { type: 'agent', agentId: 'anna' }, ringTimeoutMs: 15_000 },
    });
    expect(h.sink.ofType('agent.state.changed').map((e) => `${e.from}>${e.to}`)).toEqual([
      'ready>reserved',
      'reserved>ringing',
    ]);
    expect(await h.stateOf('anna')).toBe('ringing');
  });

  it('answering connects the call: agent on-call, queue.left with the wait', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    await h.join('c1', 'q1');
    h.clock += 7000;
    await h.login('anna');
    await h.answer('c1');
    expect(await h.stateOf('anna')).toBe('on-call');
    expect((await h.call('c1'))?.state).toBe('connected');
    expect(h.sink.ofType('queue.left')).toEqual([
      { callId: 'c1', queueId: 'q1', reason: 'reserved', waitMs: 7000 },
    ]);
    expect(h.sink.ofType('agent.reservation.ended')).toMatchObject([
      { agentId: 'anna', outcome: 'answered', misses: 0 },
    ]);
  });

  it('a call waits when nobody can take it, and goes to the first agent who becomes ready', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    await h.login('anna', false);
    await h.join('c1', 'q1');
    expect((await h.call('c1'))?.state).toBe('waiting');
    expect(h.decisions.forCall('c1')).toMatchObject([
      { outcome: 'no-agent', trigger: 'joined', readyInQueue: 0 },
    ]);
    await h.acd.agentCommand(T, 'anna', { kind: 'ready' }, 'agent', 'x');
    expect(await h.agentOf('c1')).toBe('anna');
    expect(h.decisions.forCall('c1')[1]).toMatchObject({
      outcome: 'reserved',
      trigger: 'agent-available',
      agentId: 'anna',
    });
  });

  it('the waiting caller learns their position and estimated wait at join', async () => {
    const h = new Harness();
    h.queue('q1', { defaultHandleMs: 120_000 });
    h.agent('anna', ['q1']);
    await h.login('anna', false);
    await h.join('c1', 'q1');
    await h.join('c2', 'q1');
    expect(h.sink.ofType('queue.position.changed')).toEqual([
      { callId: 'c1', queueId: 'q1', position: 1, estimatedWaitMs: 120_000 },
      { callId: 'c2', queueId: 'q1', position: 2, estimatedWaitMs: 240_000 },
    ]);
  });

  it('positions are recomputed as the queue moves', async () => {
    const h = new Harness();
    h.queue('q1', { positionEveryMs: 5000 });
    h.agent('anna', ['q1']);
    await h.login('anna', false);
    for (const id of ['c1', 'c2', 'c3']) await h.join(id, 'q1');
    await h.hangup('c1');
    h.sink.clear();
    await h.advance(10_000);
    expect(h.sink.ofType('queue.position.changed').map((e) => [e.callId, e.position])).toEqual([
      ['c2', 1],
      ['c3', 2],
    ]);
  });
});

describe('ACD: queue order and fairness', () => {
  it('a higher-priority call is served before an older one', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    await h.join('old', 'q1');
    h.clock += 1000;
    await h.join('urgent', 'q1', { priority: 50 });
    await h.login('anna');
    expect(await h.agentOf('urgent')).toBe('anna');
    expect((await h.call('old'))?.state).toBe('waiting');
  });

  it('an agent serving two queues gets the longest-waiting call of equal priority across them', async () => {
    const h = new Harness();
    h.queue('sales');
    h.queue('support');
    h.agent('anna', ['sales', 'support']);
    await h.join('s1', 'sales');
    h.clock -= 5000;
    await h.join('older', 'support');
    h.clock += 5000;
    await h.login('anna');
    expect(await h.agentOf('older')).toBe('anna');
  });

  it('a full queue refuses the call', async () => {
    const h = new Harness();
    h.queue('q1', { maxSize: 1 });
    await h.join('c1', 'q1');
    await h.join('c2', 'q1');
    expect(h.sink.ofType('queue.rejected')).toEqual([
      { callId: 'c2', queueId: 'q1', reason: 'queue-full', waitMs: 0 },
    ]);
    expect(await h.call('c2')).toBeNull();
  });

  it('a queue that refuses calls when empty does so, and says why', async () => {
    const h = new Harness();
    h.queue('q1', { joinWhenEmpty: 'no-agents-logged-in' });
    await h.join('c1', 'q1');
    expect(h.sink.ofType('queue.rejected')).toMatchObject([{ callId: 'c1', reason: 'no-agents' }]);
  });

  it('an unknown queue is refused, not lost', async () => {
    const h = new Harness();
    await h.join('c1', 'nowhere');
    expect(h.sink.ofType('queue.rejected')).toMatchObject([
      { callId: 'c1', queueId: 'nowhere', reason: 'unknown-queue' },
    ]);
  });
});

describe('ACD: orderings through the live indexes', () => {
  it('longest idle: the agent free for longest gets the call', async () => {
    const h = new Harness();
    h.queue('q1');
    for (const a of ['a', 'b', 'c']) h.agent(a, ['q1']);
    await h.login('b');
    h.clock += 10;
    await h.login('a');
    h.clock += 10;
    await h.login('c');
    await h.join('c1', 'q1');
    expect(await h.agentOf('c1')).toBe('b');
  });

  it('fewest calls: the agent who answered least gets the call', async () => {
    const h = new Harness();
    h.queue('q1', { targets: [{ expression: 'true', ordering: 'fewest-calls' }] });
    h.agent('busy', ['q1']);
    h.agent('fresh', ['q1']);
    await h.login('busy');
    await h.join('c1', 'q1');
    await h.answer('c1');
    await h.hangup('c1');
    await h.login('fresh');
    await h.join('c2', 'q1');
    expect(await h.agentOf('c2')).toBe('fresh');
  });

  it('highest proficiency: the most skilled matching agent gets the call', async () => {
    const h = new Harness();
    h.queue('q1', { targets: [{ expression: 'skills.es >= 2', ordering: 'highest-proficiency' }] });
    h.agent('good', ['q1'], { es: 3 });
    h.agent('best', ['q1'], { es: 5 });
    h.agent('none', ['q1'], {});
    await h.login('none');
    await h.login('good');
    await h.login('best');
    await h.join('c1', 'q1');
    expect(await h.agentOf('c1')).toBe('best');
  });

  it('round robin: the queue offers each agent in turn', async () => {
    const h = new Harness();
    h.queue('q1', { targets: [{ expression: 'true', ordering: 'round-robin' }] });
    for (const a of ['a', 'b', 'c']) {
      h.agent(a, ['q1']);
      await h.login(a);
    }
    const served: string[] = [];
    for (let i = 0; i < 6; i++) {
      h.clock += 1000;
      await h.join(`c${i}`, 'q1');
      const agent = (await h.agentOf(`c${i}`)) as string;
      served.push(agent);
      await h.answer(`c${i}`);
      await h.hangup(`c${i}`);
    }
    expect(served).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('random: the injected random source picks among the matching agents', async () => {
    const h = new Harness({ acd: { random: () => 0 } });
    h.queue('q1', { targets: [{ expression: 'true', ordering: 'random' }] });
    for (const a of ['a', 'b', 'c']) {
      h.agent(a, ['q1']);
      await h.login(a);
    }
    await h.join('c1', 'q1');
    // Fisher-Yates with random() = 0 moves the first agent to the end each step: a, b, c -> b, c, a.
    expect(await h.agentOf('c1')).toBe('b');
  });
});

describe('ACD: skill relaxation', () => {
  const relaxing = {
    targets: [
      { expression: 'skills.es >= 4', ordering: 'longest-idle' as const, timeoutMs: 20_000 },
      { expression: 'skills.es >= 2', ordering: 'longest-idle' as const, timeoutMs: 30_000 },
      { expression: 'true', ordering: 'longest-idle' as const },
    ],
  };

  it('a call waits for an expert, then after the timeout a less skilled agent gets it', async () => {
    const h = new Harness();
    h.queue('q1', relaxing);
    h.agent('novice', ['q1'], { es: 2 });
    await h.login('novice');
    await h.join('c1', 'q1');
    expect((await h.call('c1'))?.state).toBe('waiting');
    await h.advance(19_999);
    expect((await h.call('c1'))?.state).toBe('waiting');
    await h.advance(1);
    expect(await h.agentOf('c1')).toBe('novice');
    const decision = h.decisions.forCall('c1').at(-1);
    expect(decision).toMatchObject({
      outcome: 'reserved',
      relaxed: true,
      matchedTarget: 1,
      trigger: 'timer',
      waitMs: 20_000,
    });
    expect(decision?.targets.map((t) => [t.expression, t.openedAfterMs])).toEqual([
      ['skills.es >= 4', 0],
      ['skills.es >= 2', 20_000],
    ]);
  });

  it('each relaxation step widens the search further', async () => {
    const h = new Harness();
    h.queue('q1', relaxing);
    h.agent('anyone', ['q1'], {});
    await h.login('anyone');
    await h.join('c1', 'q1');
    await h.advance(20_000);
    expect((await h.call('c1'))?.state).toBe('waiting');
    await h.advance(30_000);
    expect(await h.agentOf('c1')).toBe('anyone');
    expect(h.decisions.forCall('c1').at(-1)).toMatchObject({ matchedTarget: 2 });
  });

  it('after relaxation an expert who is free is still preferred over a novice', async () => {
    const h = new Harness();
    h.queue('q1', relaxing);
    h.agent('novice', ['q1'], { es: 2 });
    h.agent('expert', ['q1'], { es: 5 });
    await h.login('novice');
    await h.join('c1', 'q1', { priority: 0 });
    await h.login('expert', false);
    await h.advance(20_000);
    expect(await h.agentOf('c1')).toBe('novice');
    // With both free, the widened call still takes the expert first.
    await h.join('c2', 'q1');
    await h.advance(20_000);
    await h.acd.agentCommand(T, 'expert', { kind: 'ready' }, 'agent', 'x');
    expect(await h.agentOf('c2')).toBe('expert');
  });

  it('the decision record lists who was left out and why', async () => {
    const h = new Harness();
    h.queue('q1', relaxing);
    h.agent('novice', ['q1'], { es: 2 });
    h.agent('expert', ['q1'], { es: 5 });
    await h.login('novice');
    await h.login('expert');
    await h.join('c1', 'q1');
    expect(h.decisions.forCall('c1')[0]).toMatchObject({
      outcome: 'reserved',
      agentId: 'expert',
      relaxed: false,
      matchedTarget: 0,
      readyInQueue: 2,
      candidates: [
        { agentId: 'expert', target: 0, attempt: 'ok' },
        { agentId: 'novice', excluded: 'not-matching', detail: 'skills.es >= 4' },
      ],
    });
  });
});

describe('ACD: overflow and limits', () => {
  it("overflows after a wait to another queue, keeping the call's age", async () => {
    const h = new Harness();
    h.queue('q1', {
      overflow: [{ trigger: { kind: 'wait', afterMs: 30_000 }, to: { kind: 'queue', queueId: 'q2' } }],
    });
    h.queue('q2');
    h.agent('backup', ['q2']);
    await h.login('backup', false);
    await h.join('c1', 'q1');
    await h.advance(30_000);
    const call = await h.call('c1');
    expect(call?.spec).toMatchObject({ queueId: 'q2', enqueuedAt: start, queueJoinedAt: start + 30_000 });
    expect(h.sink.ofType('queue.left')).toEqual([
      { callId: 'c1', queueId: 'q1', reason: 'overflow', waitMs: 30_000, overflowTo: 'q2' },
    ]);
    expect(h.sink.ofType('queue.joined')).toMatchObject([{ callId: 'c1', queueId: 'q2' }]);
    await h.acd.agentCommand(T, 'backup', { kind: 'ready' }, 'agent', 'x');
    expect(await h.agentOf('c1')).toBe('backup');
  });

  it('overflows at join when the queue holds as many as its threshold', async () => {
    const h = new Harness();
    h.queue('q1', {
      overflow: [{ trigger: { kind: 'queue-size', atLeast: 1 }, to: { kind: 'queue', queueId: 'q2' } }],
    });
    h.queue('q2');
    await h.join('c1', 'q1');
    await h.join('c2', 'q1');
    expect((await h.call('c1'))?.spec.queueId).toBe('q1');
    expect((await h.call('c2'))?.spec.queueId).toBe('q2');
    expect(h.decisions.forCall('c2')[0]).toMatchObject({
      outcome: 'overflow',
      note: expect.stringContaining('1 or more waiting'),
    });
  });

  it('overflow to another site hands the call back with the site named', async () => {
    const h = new Harness();
    h.queue('q1', {
      overflow: [{ trigger: { kind: 'wait', afterMs: 10_000 }, to: { kind: 'site', siteId: 'paris' } }],
    });
    await h.join('c1', 'q1');
    await h.advance(10_000);
    expect(h.sink.ofType('queue.left')).toEqual([
      { callId: 'c1', queueId: 'q1', reason: 'overflow', waitMs: 10_000, overflowTo: 'paris' },
    ]);
    expect((await h.call('c1'))?.state).toBe('ended');
  });

  it('max wait sends the call out of the queue', async () => {
    const h = new Harness();
    h.queue('q1', { maxWaitMs: 60_000 });
    await h.join('c1', 'q1');
    await h.advance(59_000);
    expect(h.sink.ofType('queue.left')).toEqual([]);
    await h.advance(1000);
    expect(h.sink.ofType('queue.left')).toEqual([
      { callId: 'c1', queueId: 'q1', reason: 'max-wait', waitMs: 60_000 },
    ]);
  });

  it('a queue that empties while calls wait sends them out when it says so', async () => {
    const h = new Harness();
    h.queue('q1', { leaveWhenEmpty: 'no-agents-logged-in' });
    h.agent('anna', ['q1']);
    await h.login('anna', false);
    await h.join('c1', 'q1');
    await h.acd.agentCommand(T, 'anna', { kind: 'logout' }, 'agent', 'x');
    await h.advance(10_000);
    expect(h.sink.ofType('queue.rejected')).toMatchObject([{ callId: 'c1', reason: 'left-empty' }]);
  });
});

describe('ACD: sticky agent', () => {
  async function servedBefore(h: Harness) {
    h.queue('q1', { sticky: { timeoutMs: 30_000 } });
    h.agent('anna', ['q1']);
    h.agent('bob', ['q1']);
    await h.login('anna');
    await h.join('first', 'q1', { attached: { ani: '+33100000001' } });
    await h.answer('first');
  }

  it('a returning caller waits for the agent who served them last, while another agent is free', async () => {
    const h = new Harness();
    await servedBefore(h);
    await h.login('bob');
    await h.join('second', 'q1', { attached: { ani: '+33100000001' } });
    expect((await h.call('second'))?.state).toBe('waiting');
    expect(h.decisions.forCall('second')[0]).toMatchObject({
      stage: 'sticky',
      stickyAgentId: 'anna',
      outcome: 'no-agent',
    });
    await h.hangup('first');
    expect(await h.agentOf('second')).toBe('anna');
  });

  it('after the sticky timeout any matching agent may take the call', async () => {
    const h = new Harness();
    await servedBefore(h);
    await h.login('bob');
    await h.join('second', 'q1', { attached: { ani: '+33100000001' } });
    await h.advance(30_000);
    expect(await h.agentOf('second')).toBe('bob');
  });

  it('a new caller is not held back by anybody', async () => {
    const h = new Harness();
    await servedBefore(h);
    await h.login('bob');
    await h.join('stranger', 'q1', { attached: { ani: '+33100000002' } });
    expect(await h.agentOf('stranger')).toBe('bob');
  });

  it('the caller number is learnt from call.offered and stored only as a digest', async () => {
    const h = new Harness();
    h.queue('q1', { sticky: { timeoutMs: 30_000 } });
    h.agent('anna', ['q1']);
    h.agent('bob', ['q1']);
    await h.login('anna');
    await h.acd.callOffered(T, 'first', '+33100000009');
    await h.join('first', 'q1');
    await h.answer('first');
    await h.login('bob');
    await h.acd.callOffered(T, 'second', '+33100000009');
    await h.join('second', 'q1');
    expect((await h.call('second'))?.spec.stickyAgentId).toBe('anna');
    expect((await h.call('second'))?.callerKey).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a preferred agent named by the IVR is waited for the same way (known agent)', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    h.agent('bob', ['q1']);
    await h.login('anna', false);
    await h.login('bob');
    await h.join('c1', 'q1', { attached: { preferredAgentId: 'anna' } });
    expect((await h.call('c1'))?.state).toBe('waiting');
    await h.acd.agentCommand(T, 'anna', { kind: 'ready' }, 'agent', 'x');
    expect(await h.agentOf('c1')).toBe('anna');
  });
});

describe('ACD: wrap-up', () => {
  it("after a call the agent wraps up for the queue's time and gets no call meanwhile", async () => {
    const h = new Harness();
    h.queue('q1', { wrapUpMs: 30_000 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.answer('c1');
    await h.hangup('c1');
    expect(await h.stateOf('anna')).toBe('wrap-up');
    await h.join('c2', 'q1');
    expect((await h.call('c2'))?.state).toBe('waiting');
    await h.advance(29_999);
    expect(await h.stateOf('anna')).toBe('wrap-up');
    await h.advance(1);
    expect(await h.agentOf('c2')).toBe('anna');
  });

  it('a blind transfer away frees the agent into wrap-up while the call goes on', async () => {
    const h = new Harness();
    h.queue('q1', { wrapUpMs: 30_000 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.answer('c1');
    expect(await h.stateOf('anna')).toBe('on-call');
    await h.transferred('c1', 'someone-else', { number: '+4930111' });
    expect(await h.stateOf('anna')).toBe('on-call');
    await h.transferred('c1', 'anna', { number: '+4930111' });
    expect(await h.stateOf('anna')).toBe('wrap-up');
    await h.hangup('c1');
    expect(await h.stateOf('anna')).toBe('wrap-up');
    await h.advance(30_000);
    expect(await h.stateOf('anna')).toBe('ready');
  });

  it('a transfer back to a queue frees the agent and offers the caller again, whichever event comes first', async () => {
    for (const order of ['transferred-first', 'joined-first'] as const) {
      const h = new Harness();
      h.queue('q1', { wrapUpMs: 30_000 });
      h.queue('q2');
      h.agent('anna', ['q1']);
      h.agent('bob', ['q2']);
      await h.login('anna');
      await h.join('c1', 'q1');
      await h.answer('c1');
      await h.login('bob');
      // The edge's transfer to a queue: call.transferred (calls topic) and queue.joined (queues
      // topic) carry no order between them.
      if (order === 'transferred-first') await h.transferred('c1', 'anna', { queueId: 'q2' });
      await h.join('c1', 'q2');
      if (order === 'joined-first') await h.transferred('c1', 'anna', { queueId: 'q2' });
      expect(await h.stateOf('anna'), order).toBe('wrap-up');
      expect(await h.agentOf('c1'), order).toBe('bob');
      expect(await h.stateOf('bob'), order).toBe('ringing');
    }
  });

  it('an extended wrap-up ends later', async () => {
    const h = new Harness();
    h.queue('q1', { wrapUpMs: 30_000, maxWrapUpExtensionMs: 60_000 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.answer('c1');
    await h.hangup('c1');
    expect(await h.acd.agentCommand(T, 'anna', { kind: 'extend-wrap-up', ms: 20_000 }, 'agent', 'x')).toEqual(
      { ok: true },
    );
    await h.advance(30_000);
    expect(await h.stateOf('anna')).toBe('wrap-up');
    await h.advance(20_000);
    expect(await h.stateOf('anna')).toBe('ready');
  });

  it('a not-ready asked for during the call is taken after wrap-up instead of ready', async () => {
    const h = new Harness();
    h.queue('q1', { wrapUpMs: 10_000 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.answer('c1');
    await h.acd.agentCommand(T, 'anna', { kind: 'not-ready', reason: 'lunch' }, 'agent', 'x');
    await h.hangup('c1');
    await h.advance(10_000);
    expect((await h.agentRecord('anna'))?.status).toMatchObject({ state: 'not-ready', reason: 'lunch' });
  });
});

describe('ACD: ring-no-answer and reject', () => {
  it('a call nobody answered goes back to its place and on to the next agent', async () => {
    const h = new Harness();
    h.queue('q1', { maxMisses: 3 });
    h.agent('anna', ['q1']);
    h.agent('bob', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    h.clock += 100;
    await h.join('c2', 'q1');
    h.clock += 100;
    await h.login('bob', false);
    await h.noAnswer('c1');
    // c1 is older than c2, so returning to its place puts it back at the head: anna (just missed
    // it) gets c2, and c1 waits for bob.
    expect(await h.agentOf('c2')).toBe('anna');
    expect((await h.call('c1'))?.excluded).toEqual(['anna']);
    await h.acd.agentCommand(T, 'bob', { kind: 'ready' }, 'agent', 'x');
    expect(await h.agentOf('c1')).toBe('bob');
    expect(h.sink.ofType('agent.reservation.ended')).toMatchObject([
      { agentId: 'anna', callId: 'c1', outcome: 'no-answer', misses: 1 },
    ]);
  });

  it('the returned call is offered to the next ready agent at once', async () => {
    const h = new Harness();
    h.queue('q1', { maxMisses: 3 });
    h.agent('anna', ['q1']);
    h.agent('bob', ['q1']);
    await h.login('anna');
    h.clock += 10;
    await h.login('bob');
    await h.join('c1', 'q1');
    expect(await h.agentOf('c1')).toBe('anna');
    await h.noAnswer('c1', 'rejected');
    expect(await h.agentOf('c1')).toBe('bob');
    expect(await h.stateOf('anna')).toBe('ready');
    expect(h.sink.ofType('agent.reservation.ended')).toMatchObject([
      { agentId: 'anna', outcome: 'rejected' },
    ]);
  });

  it('after N misses the agent goes not-ready with a system reason', async () => {
    const h = new Harness();
    h.queue('q1', { maxMisses: 2 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.noAnswer('c1');
    expect(await h.stateOf('anna')).toBe('ready');
    await h.join('c2', 'q1');
    expect(await h.agentOf('c2')).toBe('anna');
    await h.noAnswer('c2');
    expect((await h.agentRecord('anna'))?.status).toMatchObject({
      state: 'not-ready',
      reason: 'system:ring-no-answer',
    });
    expect(h.sink.ofType('agent.state.changed').at(-1)).toMatchObject({
      from: 'ringing',
      to: 'not-ready',
      reason: 'system:ring-no-answer',
    });
  });

  it('a ring the edge never reports is taken back after the ring timeout', async () => {
    const h = new Harness({ acd: { ringGraceMs: 5000 } });
    h.queue('q1', { ringTimeoutMs: 20_000, maxMisses: 1 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.advance(24_000);
    expect((await h.call('c1'))?.state).toBe('reserved');
    await h.advance(1000);
    expect((await h.call('c1'))?.state).toBe('waiting');
    expect(h.sink.ofType('agent.reservation.ended')).toMatchObject([{ outcome: 'timeout' }]);
    expect(await h.stateOf('anna')).toBe('not-ready');
  });

  it('a caller hanging up while the agent rings frees the agent without a miss', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.hangup('c1');
    expect((await h.agentRecord('anna'))?.status).toMatchObject({ state: 'ready', misses: 0 });
    expect(h.sink.ofType('agent.reservation.ended')).toMatchObject([{ outcome: 'call-gone' }]);
  });

  it('a late ring report for an older reservation changes nothing', async () => {
    const h = new Harness();
    h.queue('q1', { maxMisses: 3 });
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.answer('c1');
    await h.acd.ringEnded(T, 'c1', 'some-old-reservation', 'no-answer');
    expect((await h.call('c1'))?.state).toBe('connected');
  });
});

describe('ACD: a connected call queued again (transfer to a queue)', () => {
  it('frees the agent into wrap-up and waits again in the new queue', async () => {
    const h = new Harness();
    h.queue('q1', { wrapUpMs: 5000 });
    h.queue('q2');
    h.agent('anna', ['q1']);
    h.agent('bob', ['q2']);
    await h.login('anna');
    await h.join('c1', 'q1');
    await h.answer('c1');
    await h.login('bob', false);
    await h.join('c1', 'q2');
    expect(await h.stateOf('anna')).toBe('wrap-up');
    expect((await h.call('c1'))?.state).toBe('waiting');
    await h.acd.agentCommand(T, 'bob', { kind: 'ready' }, 'agent', 'x');
    expect(await h.agentOf('c1')).toBe('bob');
  });
});

describe('ACD: agent commands', () => {
  it('an illegal state change is rejected with a clear error event', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    const result = await h.acd.agentCommand(T, 'anna', { kind: 'ready' }, 'agent', 'cmd-9');
    expect(result.ok).toBe(false);
    expect(h.sink.ofType('agent.command.rejected')).toEqual([
      {
        commandId: 'cmd-9',
        agentId: 'anna',
        command: 'ready',
        code: 'not-logged-in',
        message: 'agent anna is logged out: log in first',
        state: 'logged-out',
      },
    ]);
  });

  it('an unprovisioned agent cannot log in', async () => {
    const h = new Harness();
    expect(await h.login('ghost')).toMatchObject({ ok: false, error: { code: 'unknown-agent' } });
  });

  it("a tenant's reason codes are enforced", async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    h.config.setReasonCodes(T, ['lunch']);
    await h.login('anna');
    expect(
      await h.acd.agentCommand(T, 'anna', { kind: 'not-ready', reason: 'nap' }, 'agent', 'x'),
    ).toMatchObject({
      ok: false,
      error: { code: 'unknown-reason' },
    });
    expect(await h.acd.agentCommand(T, 'anna', { kind: 'not-ready', reason: 'lunch' }, 'agent', 'x')).toEqual(
      { ok: true },
    );
  });

  it('a logged-out agent leaves every queue index', async () => {
    const h = new Harness();
    h.queue('q1');
    h.agent('anna', ['q1']);
    await h.login('anna');
    await h.acd.agentCommand(T, 'anna', { kind: 'logout' }, 'agent', 'x');
    expect(await h.store.queueCounts(T, 'q1')).toMatchObject({ agentsLoggedIn: 0, agentsReady: 0 });
  });
});
