import { agentDocument, queueDocument } from '@hotline/provisioning';
import { describe, expect, it } from 'vitest';
import { validateTargetExpression } from '../domain/target-expression';
import { agentProfileOf, queueConfigOf, skillRef } from './provisioning-mapping';

const meta = {
  tenantId: 'acme',
  _rev: 3,
  createdAt: '2025-06-01T00:00:00Z',
  updatedAt: '2025-06-01T00:00:00Z',
};

describe("provisioned documents in the ACD's terms", () => {
  const queue = queueDocument.parse({
    ...meta,
    _id: 'support',
    name: 'Support',
    strategy: 'fewest-interactions',
    stickyAgent: true,
    targets: [
      { afterSeconds: 0, requirements: [{ skillId: 'es', minProficiency: 4 }], siteIds: ['fra'] },
      { afterSeconds: 30, requirements: [{ skillId: 'sales-fr', minProficiency: 2 }] },
      { afterSeconds: 90 },
    ],
    maxWaitSeconds: 300,
    maxSize: 40,
    overflow: {
      triggers: ['max-wait', 'queue-full', 'no-agents', 'closed'],
      target: { kind: 'queue', queueId: 'general' },
    },
    wrapUpSeconds: 15,
    ringTimeoutSeconds: 12,
    ringNoAnswerMaxMisses: 2,
    announcements: { positionEverySeconds: 45 },
  });

  it("turns targets into expressions with timeouts up to the next target, relaxing the call's own skills too", () => {
    const config = queueConfigOf(queue);
    expect(config.targets).toEqual([
      {
        expression: 'skills.es >= 4 && site in ["fra"] && meets_required()',
        ordering: 'fewest-calls',
        timeoutMs: 30_000,
        rankSkill: 'es',
      },
      {
        expression: 'skills["sales-fr"] >= 2 && meets_required(1)',
        ordering: 'fewest-calls',
        timeoutMs: 60_000,
        rankSkill: 'sales-fr',
      },
      { expression: 'meets_required(2)', ordering: 'fewest-calls' },
    ]);
    for (const t of config.targets) expect(validateTargetExpression(t.expression).ok).toBe(true);
  });

  it('maps limits, overflow triggers, wrap-up, ringing and announcements', () => {
    const config = queueConfigOf(queue);
    expect(config).toMatchObject({
      tenantId: 'acme',
      queueId: 'support',
      sticky: { timeoutMs: 20_000 },
      maxWaitMs: 300_000,
      maxSize: 40,
      wrapUpMs: 15_000,
      ringTimeoutMs: 12_000,
      maxMisses: 2,
      positionEveryMs: 45_000,
    });
    expect(config.overflow).toEqual([
      { trigger: { kind: 'wait', afterMs: 300_000 }, to: { kind: 'queue', queueId: 'general' } },
      { trigger: { kind: 'queue-size', atLeast: 40 }, to: { kind: 'queue', queueId: 'general' } },
      { trigger: { kind: 'no-agents' }, to: { kind: 'queue', queueId: 'general' } },
    ]);
  });

  it('quotes skill ids that are not plain names', () => {
    expect(skillRef('spanish')).toBe('skills.spanish');
    expect(skillRef('sales.fr:2')).toBe('skills["sales.fr:2"]');
  });

  it('maps an agent: skills by id, site as an attribute, one voice call and its chat capacity', () => {
    const agent = agentDocument.parse({
      ...meta,
      _id: 'anna',
      displayName: 'Anna',
      extension: '201',
      skills: [
        { skillId: 'es', proficiency: 4 },
        { skillId: 'billing', proficiency: 2 },
      ],
      siteId: 'fra',
      maxConcurrentInteractions: 3,
      queueIds: ['support', 'general'],
      active: true,
      sip: { username: 'anna', realm: 'acme.example', ha1: '0'.repeat(32) },
    });
    expect(agentProfileOf(agent)).toEqual({
      tenantId: 'acme',
      agentId: 'anna',
      skills: { es: 4, billing: 2 },
      attributes: { site: 'fra', extension: '201' },
      queueIds: ['support', 'general'],
      capacity: { voice: 1, chat: 3 },
      active: true,
    });
  });
});
