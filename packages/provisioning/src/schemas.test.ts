import { describe, expect, it } from 'vitest';
import { agentInput } from './agent';
import { calendarInput } from './calendar';
import { hotlineInput } from './hotline';
import { promptInput } from './prompt';
import { queueInput } from './queue';
import { sipHa1 } from './sip-digest';

const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  r.error?.issues.map((i) => i.path.join('.')) ?? [];

describe('provisioning schemas', () => {
  it('computes the digest HA1 of RFC 2617’s example', () => {
    expect(sipHa1('Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe('939e7578ed9e3c518a452acee763bce9');
  });

  it('fills a queue’s defaults from a name and one target', () => {
    const q = queueInput.parse({ name: 'Billing', targets: [{ afterSeconds: 0 }] });
    expect(q).toMatchObject({ strategy: 'longest-idle', serviceLevelSeconds: 20, overflow: null });
  });

  it('refuses relaxation targets out of order', () => {
    const r = queueInput.safeParse({ name: 'q', targets: [{ afterSeconds: 0 }, { afterSeconds: 0 }] });
    expect(paths(r)).toEqual(['targets']);
  });

  it('refuses a DNIS mapping to a number the hotline does not own', () => {
    const r = hotlineInput.safeParse({
      name: 'Support',
      numbers: ['+33100000001'],
      trunk: { id: 'carrier-a' },
      defaultFlowId: 'f1',
      flowMappings: [{ dnis: '+33100000002', flowId: 'f2' }],
    });
    expect(paths(r)).toEqual(['flowMappings.0.dnis']);
  });

  it('refuses numbers that are not E.164 and unknown fields', () => {
    const r = hotlineInput.safeParse({
      name: 'Support',
      numbers: ['0100000001'],
      trunk: { id: 'carrier-a' },
      defaultFlowId: 'f1',
      colour: 'red',
    });
    expect(paths(r).sort()).toEqual(['', 'numbers.0']);
  });

  it('refuses a proficiency above 5, and a skill listed twice', () => {
    const agent = (skills: unknown) => ({
      displayName: 'Ada',
      siteId: 's1',
      sip: { username: 'ada', password: 'correct horse battery' },
      skills,
    });
    expect(paths(agentInput.safeParse(agent([{ skillId: 'en', proficiency: 6 }])))).toEqual([
      'skills.0.proficiency',
    ]);
    const twice = [
      { skillId: 'en', proficiency: 3 },
      { skillId: 'en', proficiency: 2 },
    ];
    expect(paths(agentInput.safeParse(agent(twice)))).toEqual(['skills']);
  });

  it('accepts IANA zones and refuses made-up ones', () => {
    expect(calendarInput.safeParse({ name: 'c', timeZone: 'Europe/Paris' }).success).toBe(true);
    expect(paths(calendarInput.safeParse({ name: 'c', timeZone: 'Mars/Olympus' }))).toEqual(['timeZone']);
  });

  it('requires text exactly for text-to-speech prompts', () => {
    expect(paths(promptInput.safeParse({ name: 'p', source: 'tts' }))).toEqual(['text']);
    expect(paths(promptInput.safeParse({ name: 'p', source: 'upload', text: 'hi' }))).toEqual(['text']);
  });
});
