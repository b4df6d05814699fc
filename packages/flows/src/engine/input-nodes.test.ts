import { describe, expect, it } from 'vitest';
import { initialState } from './call-state';
import { step } from './step';
import { caller, flowOf, simulate, spoken, tts } from './test-support';

const menu = (extra: Record<string, unknown> = {}) =>
  flowOf([
    {
      id: 'menu',
      type: 'menu',
      prompts: [tts('Press 1 for sales or 2 for support.')],
      options: { '1': 'sales', '2': 'support' },
      retries: 2,
      invalidPrompts: [tts('Not a valid choice.')],
      timeoutPrompts: [tts('We did not hear you.')],
      onFailure: 'operator',
      variable: 'choice',
      ...extra,
    },
    { id: 'sales', type: 'hangup' },
    { id: 'support', type: 'hangup' },
    { id: 'operator', type: 'hangup' },
  ]);

describe('menu node', () => {
  it('follows the option of the key pressed and keeps the key', async () => {
    const result = await simulate(menu(), ['2']);
    expect(result.path).toEqual(['menu', 'support']);
    expect(result.variables.choice).toBe('2');
  });

  it('asks for one key with the menu timeout, and no terminator so # can be an option', async () => {
    const result = await simulate(menu({ timeoutMs: 4000 }), ['1']);
    const collect = result.commands.find((c) => c.command.action === 'collect')!.command;
    expect(collect).toMatchObject({
      action: 'collect',
      bargeIn: true,
      digits: { minDigits: 1, maxDigits: 1, terminators: '', firstDigitTimeoutMs: 4000 },
    });
  });

  it('says why before asking again: invalid input, then silence', async () => {
    const result = await simulate(menu(), ['7', '', '1']);
    expect(result.path).toEqual(['menu', 'sales']);
    expect(spoken(result)).toEqual([
      '"Press 1 for sales or 2 for support."',
      '"Not a valid choice."',
      '"Press 1 for sales or 2 for support."',
      '"We did not hear you."',
      '"Press 1 for sales or 2 for support."',
    ]);
    const inputs = result.events.filter((e) => e.type === 'ivr.input.collected').map((e) => e.data);
    expect(inputs.map((i) => [i.outcome, i.attempt])).toEqual([
      ['no-match', 1],
      ['timeout', 2],
      ['match', 3],
    ]);
  });

  it('goes to the failure branch when every try is used up', async () => {
    const result = await simulate(menu({ retries: 1 }), ['7', '8', '1']);
    expect(result.path).toEqual(['menu', 'operator']);
    expect(result.variables.choice).toBeUndefined();
  });

  it('counts a failed collection (media trouble) as no input', async () => {
    const flow = menu({ retries: 0 });
    const env = { flow, now: new Date(), calendar: () => undefined, listContains: () => undefined };
    let state = initialState({
      call: { ...caller, callId: 'c1', tenantId: 't1' },
      flow,
      runId: 'r',
      now: env.now,
      answered: true,
    });
    const started = step(env, state, { type: 'start' });
    state = started.state;
    const commandId = started.commands[0]!.commandId;
    const after = step(env, state, {
      type: 'command-completed',
      commandId,
      outcome: 'failed',
      error: 'no DSP',
    });
    expect(after.state.nodeId).toBe('operator');
  });
});

const pin = (extra: Record<string, unknown> = {}) =>
  flowOf([
    {
      id: 'pin',
      type: 'collect',
      prompts: [tts('Enter your customer number, then hash.')],
      variable: 'customer_number',
      minDigits: 4,
      maxDigits: 6,
      terminators: '#',
      firstDigitTimeoutMs: 7000,
      interDigitTimeoutMs: 2500,
      retries: 1,
      invalidPrompts: [tts('That number is not valid.')],
      next: 'thanks',
      onInvalid: 'agent',
      ...extra,
    },
    { id: 'thanks', type: 'play', prompts: [tts('Thanks, {{ customer_number }}.')], next: 'bye' },
    { id: 'agent', type: 'hangup' },
    { id: 'bye', type: 'hangup' },
  ]);

describe('collect node', () => {
  it('keeps the digits without the terminator and speaks them back', async () => {
    const result = await simulate(pin(), ['4711#']);
    expect(result.variables.customer_number).toBe('4711');
    expect(result.path).toEqual(['pin', 'thanks', 'bye']);
    expect(spoken(result)).toContain('"Thanks, 4711."');
  });

  it('passes length, terminator and both timeouts to the SIP edge', async () => {
    const result = await simulate(pin(), ['4711#']);
    expect(result.commands.find((c) => c.command.action === 'collect')!.command).toMatchObject({
      digits: {
        minDigits: 4,
        maxDigits: 6,
        terminators: '#',
        firstDigitTimeoutMs: 7000,
        interDigitTimeoutMs: 2500,
      },
    });
  });

  it('rejects too few digits and retries, then takes the invalid branch', async () => {
    const result = await simulate(pin(), ['12#', '']);
    expect(result.path).toEqual(['pin', 'agent']);
    const outcomes = result.events.flatMap((e) => (e.type === 'ivr.input.collected' ? [e.data.outcome] : []));
    expect(outcomes).toEqual(['no-match', 'timeout']);
  });

  it('applies the extra validity check with the digits as input', async () => {
    const flow = pin({ valid: "startsWith(input, '4')" });
    expect((await simulate(flow, ['5711#', '4711'])).variables.customer_number).toBe('4711');
    expect((await simulate(flow, ['5711#', '5712#'])).path).toEqual(['pin', 'agent']);
  });
});

describe('survey node', () => {
  const survey = flowOf([
    {
      id: 'csat',
      type: 'survey',
      surveyId: 'csat-2026',
      prompts: [tts('How satisfied were you, from 1 to 5?')],
      retries: 1,
      variable: 'score',
      next: 'bye',
      onNoAnswer: 'no-answer',
    },
    { id: 'bye', type: 'hangup' },
    { id: 'no-answer', type: 'hangup' },
  ]);

  it('stores a score from 1 to 5 with the call and emits it', async () => {
    const result = await simulate(survey, ['4']);
    expect(result.variables.score).toBe(4);
    const answered = result.events.find((e) => e.type === 'survey.answered');
    expect(answered?.data).toEqual({
      callId: 'sim-call',
      flowId: 'f',
      nodeId: 'csat',
      surveyId: 'csat-2026',
      score: 4,
    });
    expect(result.stored).toMatchObject([
      { collection: 'ivr-surveys', document: { score: 4, tenantId: 'sim-tenant' } },
    ]);
  });

  it('asks again after a key outside 1–5 and gives up to its no-answer branch', async () => {
    const result = await simulate(survey, ['9', '0']);
    expect(result.path).toEqual(['csat', 'no-answer']);
    expect(result.events.some((e) => e.type === 'survey.answered')).toBe(false);
    expect(result.stored).toEqual([]);
  });
});
