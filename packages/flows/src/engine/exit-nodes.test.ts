import { describe, expect, it } from 'vitest';
import { flowOf, simulate, tts } from './test-support';

describe('enqueue node', () => {
  const flow = flowOf(
    [
      {
        id: 'queue',
        type: 'enqueue',
        queueId: 'support',
        priority: "tier == 'gold' && 50 || 10",
        skills: [{ skill: 'german', minLevel: 2 }],
        attach: { customer: 'name', ani: 'call.ani' },
        holdPromptId: 'moh-jazz',
      },
    ],
    { variables: { tier: 'gold', name: 'Ada' } },
  );

  it('announces the call to the queue with priority, skills and screen-pop data', async () => {
    const result = await simulate(flow);
    expect(result.status).toBe('queued');
    const joined = result.events.find((e) => e.type === 'queue.joined');
    expect(joined?.data).toEqual({
      callId: 'sim-call',
      queueId: 'support',
      priority: 50,
      skills: [{ skill: 'german', minLevel: 2 }],
      position: 1,
      attached: { customer: 'Ada', ani: '+4930111222' },
    });
  });

  it('starts music on hold with the queue attributes, and stops driving the call', async () => {
    const result = await simulate(flow);
    expect(result.commands.at(-1)).toMatchObject({
      command: { action: 'music-on-hold', on: true, promptId: 'moh-jazz' },
      queue: { queueId: 'support', priority: 50, skills: [{ skill: 'german', minLevel: 2 }] },
    });
    expect(result.state.waiting).toBeNull();
  });
});

describe('transfer-flow node', () => {
  const main = flowOf(
    [
      {
        id: 'ask',
        type: 'collect',
        prompts: [tts('Account?')],
        variable: 'account',
        maxDigits: 4,
        next: 'go',
        onInvalid: 'go',
      },
      { id: 'go', type: 'transfer-flow', flowId: 'billing' },
    ],
    { id: 'main' },
  );
  const billing = flowOf(
    [
      {
        id: 'greet',
        type: 'play',
        prompts: [tts('Billing for account {{ account }} in {{ currency }}.')],
        next: 'end',
      },
      { id: 'end', type: 'hangup' },
    ],
    { id: 'billing', version: 3, variables: { currency: 'EUR', account: 'none' } },
  );

  it('continues at the start of the other flow, keeping the variables collected so far', async () => {
    const result = await simulate(main, ['1234'], { flows: (id) => (id === 'billing' ? billing : null) });
    expect(result.path).toEqual(['ask', 'go', 'greet', 'end']);
    expect(result.prompts.at(-1)?.prompt).toBe('"Billing for account 1234 in EUR."');
    expect(result.state).toMatchObject({ flowId: 'billing', flowVersion: 3, status: 'ended' });
    const entered = result.events.filter((e) => e.type === 'ivr.node.entered').map((e) => e.data);
    expect(entered.at(-1)).toMatchObject({ flowId: 'billing', flowVersion: 3, nodeId: 'end' });
  });

  it('fails the flow when the target has no published version', async () => {
    const result = await simulate(main, ['1234'], { flows: () => null });
    expect(result.error).toEqual({ nodeId: 'go', message: 'flow "billing" has no published version' });
  });

  it('stops flows that transfer to each other in a circle', async () => {
    const pingPong = (id: string, to: string) =>
      flowOf([{ id: 'hop', type: 'transfer-flow', flowId: to }], { id });
    const flows: Record<string, ReturnType<typeof flowOf>> = { a: pingPong('a', 'b'), b: pingPong('b', 'a') };
    const result = await simulate(flows.a!, [], { flows: (id) => flows[id] ?? null });
    expect(result.status).toBe('failed');
    expect(result.error?.message).toMatch(/without waiting for the caller/);
  });
});

describe('transfer-external node', () => {
  const flow = flowOf(
    [
      {
        id: 'dial',
        type: 'transfer-external',
        number: '{{ manager }}',
        ringTimeoutMs: 20_000,
        onFailure: 'sorry',
      },
      { id: 'sorry', type: 'play', prompts: [tts('Nobody is available.')], next: 'end' },
      { id: 'end', type: 'hangup' },
    ],
    { variables: { manager: '+4940123456' } },
  );

  it('bridges the caller to the number, and the IVR is done with the call', async () => {
    const result = await simulate(flow);
    expect(result.status).toBe('transferred');
    expect(result.commands.at(-1)?.command).toEqual({
      action: 'bridge',
      target: { type: 'external', number: '+4940123456' },
      ringTimeoutMs: 20_000,
    });
  });

  it('takes the failure branch when the far end is busy', async () => {
    const result = await simulate(flow, [], { transferOutcome: 'busy' });
    expect(result.path).toEqual(['dial', 'sorry', 'end']);
  });
});

describe('voicemail node', () => {
  const flow = flowOf([
    {
      id: 'vm',
      type: 'voicemail',
      mailbox: 'sales',
      prompts: [tts('Leave a message.')],
      maxSeconds: 60,
      next: 'bye',
    },
    { id: 'bye', type: 'hangup' },
  ]);

  it('plays the greeting and a beep, records until #, and keeps the recording', async () => {
    const result = await simulate(flow, ['#']);
    const actions = result.commands.map((c) =>
      'op' in c.command ? `record ${c.command.op}` : c.command.action,
    );
    expect(actions).toEqual(['answer', 'play', 'record start', 'collect', 'record stop', 'hangup']);
    expect(result.prompts.map((p) => p.prompt)).toEqual(['"Leave a message."', '[system-beep]']);
    const recorded = result.events.find((e) => e.type === 'voicemail.recorded')?.data;
    expect(recorded).toMatchObject({ mailbox: 'sales', endedBy: 'key', flowId: 'f' });
    expect(result.stored).toMatchObject([
      {
        collection: 'ivr-voicemails',
        id: recorded?.recordingId,
        document: { ani: '+4930111222', status: 'new' },
      },
    ]);
  });

  it('stops at the length limit', async () => {
    const result = await simulate(flow, ['']);
    const wait = result.commands.find((c) => c.command.action === 'collect')?.command;
    expect(wait).toMatchObject({
      digits: { firstDigitTimeoutMs: 60_000, minDigits: 1, maxDigits: 1, terminators: '' },
    });
    expect(result.events.find((e) => e.type === 'voicemail.recorded')?.data).toMatchObject({
      endedBy: 'max-length',
      durationMs: 60_000,
    });
  });

  it('keeps the message when the caller hangs up while recording', async () => {
    const result = await simulate(flow, [], { hangUpAfterDigits: 0 });
    expect(result.status).toBe('ended');
    expect(result.events.find((e) => e.type === 'voicemail.recorded')?.data).toMatchObject({
      endedBy: 'hangup',
    });
    expect(result.stored).toHaveLength(1);
  });
});

describe('callback node', () => {
  it('stores the request with the time the caller arrived, so the callback keeps their place', async () => {
    const flow = flowOf([
      {
        id: 'cb',
        type: 'callback',
        queueId: 'sales',
        priority: 30,
        skills: [{ skill: 'sales', minLevel: 1 }],
        next: 'ok',
      },
      { id: 'ok', type: 'play', prompts: [tts('We will call you back on {{ call.ani }}.')], next: 'end' },
      { id: 'end', type: 'hangup' },
    ]);
    const result = await simulate(flow);
    const requested = result.events.find((e) => e.type === 'callback.requested')?.data;
    expect(requested).toMatchObject({
      queueId: 'sales',
      number: '+4930111222',
      priority: 30,
      placeSince: '2026-03-02T10:00:00.000Z',
      callerId: '+4930999000',
    });
    expect(result.stored[0]).toMatchObject({
      collection: 'ivr-callbacks',
      id: requested?.callbackId,
      document: { status: 'pending' },
    });
    expect(result.variables.callback_id).toBe(requested?.callbackId);
  });
});

describe('hangup node', () => {
  it('hangs up normally and ends the flow', async () => {
    const result = await simulate(flowOf([{ id: 'end', type: 'hangup' }]));
    expect(result.status).toBe('ended');
    expect(result.commands.at(-1)?.command).toEqual({ action: 'hangup', cause: 'normal' });
  });
});
