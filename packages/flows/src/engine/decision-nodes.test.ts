import { describe, expect, it } from 'vitest';
import type { Calendar } from '../flow-schema';
import { flowOf, simulate, tts } from './test-support';

describe('set and condition nodes', () => {
  const flow = flowOf(
    [
      {
        id: 'vars',
        type: 'set',
        assign: [
          { variable: 'is_german', value: "startsWith(call.ani, '+49')" },
          { variable: 'tries', value: 'tries + 1' },
        ],
        next: 'route',
      },
      {
        id: 'route',
        type: 'condition',
        branches: [
          { when: 'is_german && tries > 1', next: 'de-repeat' },
          { when: 'is_german', next: 'de' },
        ],
        otherwise: 'intl',
      },
      { id: 'de-repeat', type: 'hangup' },
      { id: 'de', type: 'hangup' },
      { id: 'intl', type: 'hangup' },
    ],
    { variables: { tries: 0 } },
  );

  it('sets variables from call data in order and takes the first true branch', async () => {
    const result = await simulate(flow);
    expect(result.variables).toEqual({ tries: 1, is_german: true });
    expect(result.path).toEqual(['vars', 'route', 'de']);
  });

  it('takes otherwise when no branch holds', async () => {
    const result = await simulate(flow, [], { call: { ani: '+14155550100', dnis: '+4930999000' } });
    expect(result.path.at(-1)).toBe('intl');
  });

  it('fails the flow at the node whose expression cannot be evaluated, and hangs up', async () => {
    const bad = flowOf([
      { id: 'calc', type: 'set', assign: [{ variable: 'x', value: "'abc' * 2" }], next: 'end' },
      { id: 'end', type: 'hangup' },
    ]);
    const result = await simulate(bad);
    expect(result.status).toBe('failed');
    expect(result.error).toEqual({
      nodeId: 'calc',
      message: 'assign.0.value: "*" needs numbers, got "abc" at position 6',
    });
    expect(result.commands.at(-1)?.command).toEqual({ action: 'hangup', cause: 'failed' });
  });
});

describe('business-hours node', () => {
  const office: Calendar = {
    timeZone: 'America/New_York',
    weekly: [{ day: 'mon', open: '09:00', close: '17:00' }],
    holidays: [{ date: '2026-05-25', name: 'Memorial Day', hours: [] }],
  };
  const flow = flowOf([
    {
      id: 'hours',
      type: 'business-hours',
      calendar: { calendarId: 'office' },
      open: 'open',
      closed: 'closed',
      holiday: 'holiday',
    },
    { id: 'open', type: 'hangup' },
    { id: 'closed', type: 'hangup' },
    { id: 'holiday', type: 'hangup' },
  ]);
  const at = async (iso: string) =>
    (await simulate(flow, [], { now: new Date(iso), calendars: { office } })).path.at(-1);

  it('branches on the local time of the calendar zone', async () => {
    expect(await at('2026-03-02T14:30:00Z')).toBe('open'); // Monday 09:30 in New York
    expect(await at('2026-03-02T13:30:00Z')).toBe('closed'); // Monday 08:30 in New York
  });

  it('takes the holiday branch on a holiday', async () => {
    expect(await at('2026-05-25T15:00:00Z')).toBe('holiday');
  });

  it('fails clearly when the calendar is not configured', async () => {
    const result = await simulate(flow);
    expect(result.error).toEqual({ nodeId: 'hours', message: 'calendar "office" not found' });
  });
});

describe('caller-list node', () => {
  const flow = flowOf(
    [
      {
        id: 'lists',
        type: 'caller-list',
        branches: [
          { list: 'blocked', next: 'reject' },
          { list: 'vip', next: 'vip' },
        ],
        otherwise: 'normal',
      },
      { id: 'reject', type: 'hangup' },
      { id: 'vip', type: 'hangup' },
      { id: 'normal', type: 'hangup' },
    ],
    { lists: { vip: ['+49 30 111-222'] } },
  );

  it('finds the caller on a list written into the flow, ignoring formatting', async () => {
    expect((await simulate(flow)).path.at(-1)).toBe('vip');
  });

  it('tries lists in order, configured lists first', async () => {
    const result = await simulate(flow, [], { lists: { blocked: ['+4930111222'] } });
    expect(result.path.at(-1)).toBe('reject');
  });

  it('falls through when the caller is on no list', async () => {
    const result = await simulate(flow, [], { call: { ani: '+441234', dnis: '+4930999000' } });
    expect(result.path.at(-1)).toBe('normal');
  });
});

describe('play node', () => {
  it('plays recordings and TTS with variables filled in, then moves on', async () => {
    const flow = flowOf(
      [
        {
          id: 'hello',
          type: 'play',
          prompts: [
            { kind: 'prompt', promptId: 'jingle' },
            tts('Hello {{ name }}, you called {{ call.dnis }}.'),
          ],
          next: 'bye',
        },
        { id: 'bye', type: 'hangup' },
      ],
      { variables: { name: 'Ada' } },
    );
    const result = await simulate(flow);
    expect(result.prompts.map((p) => p.prompt)).toEqual(['[jingle]', '"Hello Ada, you called +4930999000."']);
    expect(result.path).toEqual(['hello', 'bye']);
  });
});
