import { describe, expect, it } from 'vitest';
import { ExpressionError } from './expression-error';
import { compileExpression, validateTargetExpression } from './target-expression';
import type { AgentProfile, CallSpec } from './types';

const agent = (over: Partial<AgentProfile> = {}): AgentProfile => ({
  tenantId: 't1',
  agentId: 'a1',
  skills: { spanish: 4, billing: 2, 'sales-fr': 3 },
  attributes: { site: 'fra', team: 'gold', languages: ['de', 'en'], vip_desk: true },
  queueIds: ['q1'],
  capacity: { voice: 1 },
  active: true,
  ...over,
});

const call = (over: Partial<CallSpec> = {}): CallSpec => ({
  tenantId: 't1',
  callId: 'c1',
  queueId: 'q1',
  priority: 10,
  requiredSkills: [{ skill: 'spanish', minLevel: 3 }],
  attached: { tier: '3', segment: 'retail' },
  enqueuedAt: 0,
  queueJoinedAt: 0,
  ...over,
});

const matches = (expression: string, a = agent(), c = call()) =>
  compileExpression(expression).matches({ agent: a, call: c });

describe('target expressions: evaluation', () => {
  it('compares skill proficiency and agent attributes', () => {
    expect(matches('skills.spanish >= 3 && site == "fra"')).toBe(true);
    expect(matches('skills.spanish >= 5 && site == "fra"')).toBe(false);
    expect(matches('skills.spanish >= 3 && site == "par"')).toBe(false);
  });

  it('treats a skill the agent lacks as proficiency 0', () => {
    expect(matches('skills.german >= 1')).toBe(false);
    expect(matches('skills.german == 0')).toBe(true);
    expect(matches('!has(skills.german) && has(skills.billing)')).toBe(true);
  });

  it('reads skill ids that are not plain names with brackets', () => {
    expect(matches('skills["sales-fr"] >= 3')).toBe(true);
    expect(matches("skills['sales-fr'] > 3")).toBe(false);
  });

  it('meets_required checks every skill the call requires, relaxed by n levels', () => {
    const needy = call({
      requiredSkills: [
        { skill: 'spanish', minLevel: 5 },
        { skill: 'billing', minLevel: 2 },
      ],
    });
    expect(matches('meets_required()', agent(), needy)).toBe(false);
    expect(matches('meets_required(1)', agent(), needy)).toBe(true);
    expect(matches('meets_required()', agent({ skills: {} }), call({ requiredSkills: [] }))).toBe(true);
  });

  it('relaxing a requirement down to zero drops it', () => {
    const needy = call({ requiredSkills: [{ skill: 'german', minLevel: 1 }] });
    expect(matches('meets_required()', agent(), needy)).toBe(false);
    expect(matches('meets_required(1)', agent(), needy)).toBe(true);
  });

  it('compares with the call: priority, required levels and attached data (text that spells a number)', () => {
    expect(matches('skills.spanish >= call.skills.spanish')).toBe(true);
    expect(matches('call.priority > 5 && call.tier == 3 && call.segment == "retail"')).toBe(true);
    expect(matches('call.tier >= 4')).toBe(false);
    expect(matches('call.missing == "x"')).toBe(false);
    expect(matches('call.missing != "x"')).toBe(true);
  });

  it('in and contains work on lists, precedence puts && before ||', () => {
    expect(matches('team in ["gold", "silver"]')).toBe(true);
    expect(matches('languages contains "de" && !(languages contains "fr")')).toBe(true);
    expect(matches('languages in ["fr", "en"]')).toBe(true);
    expect(matches('site == "par" || site == "fra" && team == "gold"')).toBe(true);
    expect(matches('(site == "par" || site == "fra") && team == "bronze"')).toBe(false);
  });

  it('a missing attribute never matches and a boolean attribute is a condition', () => {
    expect(matches('floor >= 2')).toBe(false);
    expect(matches('vip_desk && team == "gold"')).toBe(true);
    expect(matches('floor')).toBe(false);
  });
});

describe('target expressions: validation names the position of the fault', () => {
  const error = (text: string) => {
    const result = validateTargetExpression(text);
    if (result.ok) throw new Error(`expected "${text}" to be refused`);
    return result;
  };

  it('accepts a good expression and lists the skills it names', () => {
    expect(
      validateTargetExpression('skills.spanish >= 3 && skills.billing > 1 || meets_required(1)'),
    ).toEqual({
      ok: true,
      skills: ['spanish', 'billing'],
    });
  });

  it('points at an unclosed parenthesis', () => {
    expect(error('(skills.spanish >= 3 && site == "fra"')).toMatchObject({
      position: 37,
      message:
        'expected ")" to close the "(" at position 0 but found the end of the expression at position 37',
    });
  });

  it('points at a single "=" and suggests "=="', () => {
    expect(error('site = "fra"')).toMatchObject({
      position: 5,
      reason: 'unexpected "=" (did you mean "=="?)',
    });
  });

  it('refuses a missing operand, an unterminated string and unknown functions', () => {
    expect(error('skills.spanish >= ')).toMatchObject({ position: 18 });
    expect(error('site == "fra')).toMatchObject({ position: 8, reason: 'unterminated string' });
    expect(error('exec("rm")')).toMatchObject({
      position: 0,
      reason: expect.stringMatching(/unknown function "exec"/),
    });
  });

  it('refuses type mistakes before they reach routing', () => {
    expect(error('skills.spanish && site == "fra"')).toMatchObject({ position: 0 });
    expect(error('skills.spanish >= "high"').reason).toMatch(/needs numbers, not a string/);
    expect(error('skills.spanish').reason).toMatch(/not a condition/);
    expect(error('site in "fra"').reason).toMatch(/needs a list/);
    expect(error('skills >= 1').reason).toMatch(/skills needs exactly one skill id/);
    expect(error('site.city == "x"').reason).toMatch(/has no fields/);
  });

  it('refuses two conditions without && or || between them', () => {
    expect(error('site == "fra" team == "gold"')).toMatchObject({ position: 14 });
  });

  it('refuses empty, over-long and over-nested expressions', () => {
    expect(error('   ').reason).toBe('empty expression');
    expect(error(`site == "${'x'.repeat(2100)}"`).reason).toMatch(/longer than 2000/);
    expect(error(`${'('.repeat(40)}site == "x"${')'.repeat(40)}`).reason).toMatch(/nested too deeply/);
    expect(error(`${'!'.repeat(40)}vip_desk`).reason).toMatch(/nested too deeply/);
  });

  it('compileExpression throws an ExpressionError carrying the position', () => {
    expect(() => compileExpression('site ==')).toThrow(ExpressionError);
    try {
      compileExpression('site ==');
    } catch (e) {
      expect((e as ExpressionError).position).toBe(7);
    }
  });
});
