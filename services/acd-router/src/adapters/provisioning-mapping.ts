// Provisioned queues and agents (packages/provisioning) in the ACD's own terms. The provisioning
// model states targets as skill requirements and sites from some second of waiting on; the ACD
// runs target expressions with timeouts, so each provisioned target becomes an expression:
//
//   requirements [{es, 3}], siteIds [fra, par], target i  ->  skills.es >= 3 && site in ["fra", "par"] && meets_required(i)
//
// `meets_required(i)` adds the skills the IVR asked for on the call (queue.joined skills), relaxed
// by one level per step, so relaxation widens the call's own requirements as well as the queue's.

import type { Agent, Queue } from '@hotline/provisioning';
import type { AgentProfile, Ordering, OverflowRule, QueueConfig, RoutingTarget } from '../domain/types';

const orderingOf: Record<Queue['strategy'], Ordering> = {
  'longest-idle': 'longest-idle',
  'most-skilled': 'highest-proficiency',
  'fewest-interactions': 'fewest-calls',
  'round-robin': 'round-robin',
};

/** How long a call waits for its caller's last agent when the queue is sticky. */
export const stickyWaitMs = 20_000;
/** Handle time assumed for wait estimates until the queue has served calls. */
export const defaultHandleMs = 180_000;

const plainName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A skill reference an expression can hold, whatever characters the id has. */
export function skillRef(skillId: string): string {
  return plainName.test(skillId) ? `skills.${skillId}` : `skills[${JSON.stringify(skillId)}]`;
}

export function targetExpression(target: Queue['targets'][number], step: number): string {
  const parts = target.requirements.map((r) => `${skillRef(r.skillId)} >= ${r.minProficiency}`);
  if (target.siteIds.length > 0)
    parts.push(`site in [${target.siteIds.map((s) => JSON.stringify(s)).join(', ')}]`);
  parts.push(step === 0 ? 'meets_required()' : `meets_required(${step})`);
  return parts.join(' && ');
}

export function queueConfigOf(doc: Queue): QueueConfig {
  const sorted = [...doc.targets].sort((a, b) => a.afterSeconds - b.afterSeconds);
  const targets: RoutingTarget[] = sorted.map((t, i) => {
    const next = sorted[i + 1];
    const rank = t.requirements[0]?.skillId;
    return {
      expression: targetExpression(t, i),
      ordering: orderingOf[doc.strategy],
      ...(next ? { timeoutMs: (next.afterSeconds - t.afterSeconds) * 1000 } : {}),
      ...(rank ? { rankSkill: rank } : {}),
    };
  });
  const maxWaitMs = doc.maxWaitSeconds * 1000;
  const overflow: OverflowRule[] = [];
  if (doc.overflow) {
    const to =
      doc.overflow.target.kind === 'queue'
        ? { kind: 'queue' as const, queueId: doc.overflow.target.queueId }
        : { kind: 'site' as const, siteId: doc.overflow.target.siteId };
    for (const trigger of doc.overflow.triggers) {
      if (trigger === 'max-wait') overflow.push({ trigger: { kind: 'wait', afterMs: maxWaitMs }, to });
      if (trigger === 'queue-full')
        overflow.push({ trigger: { kind: 'queue-size', atLeast: doc.maxSize }, to });
      if (trigger === 'no-agents') overflow.push({ trigger: { kind: 'no-agents' }, to });
      // 'closed' depends on the queue's calendar, which the IVR checks before it queues a call.
    }
  }
  return {
    tenantId: doc.tenantId,
    queueId: doc._id,
    channel: 'voice',
    priority: doc.priority,
    targets:
      targets.length > 0 ? targets : [{ expression: 'meets_required()', ordering: orderingOf[doc.strategy] }],
    ...(doc.stickyAgent ? { sticky: { timeoutMs: stickyWaitMs } } : {}),
    maxWaitMs,
    maxSize: doc.maxSize,
    joinWhenEmpty: 'never',
    leaveWhenEmpty: 'never',
    overflow,
    wrapUpMs: doc.wrapUpSeconds * 1000,
    maxWrapUpExtensionMs: 300_000,
    ringTimeoutMs: doc.ringTimeoutSeconds * 1000,
    maxMisses: doc.ringNoAnswerMaxMisses,
    defaultHandleMs,
    positionEveryMs: doc.announcements.positionEverySeconds * 1000,
  };
}

export function agentProfileOf(doc: Agent): AgentProfile {
  return {
    tenantId: doc.tenantId,
    agentId: doc._id,
    skills: Object.fromEntries(doc.skills.map((s) => [s.skillId, s.proficiency])),
    attributes: { site: doc.siteId, ...(doc.extension ? { extension: doc.extension } : {}) },
    queueIds: doc.queueIds,
    // Voice is one call at a time; other channels (chat) may hold several.
    capacity: { voice: 1, chat: doc.maxConcurrentInteractions },
    active: doc.active,
  };
}
