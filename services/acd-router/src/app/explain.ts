// Building the explained record of a routing decision, and its event summary.

import type { EventData } from '@hotline/contracts';
import type { Verdict } from '../domain/candidate-selection';
import {
  type CandidateRecord,
  type DecisionTrigger,
  type RoutingDecision,
  candidateLimit,
} from '../domain/decision';
import type { CallRecord } from '../domain/records';
import type { Stage } from '../domain/routing-plan';
import type { OverflowRule, QueueConfig } from '../domain/types';

export function explainDecision(
  instance: string,
  call: CallRecord,
  queue: QueueConfig,
  stage: Stage,
  trigger: DecisionTrigger,
  now: number,
  decisionId: string,
  selection: { matchedTarget?: number; verdicts: Verdict[] },
  candidatesTotal: number,
  readyInQueue: number,
  attempts: Map<string, string>,
  result: Pick<RoutingDecision, 'outcome' | 'agentId' | 'reservationId'>,
): RoutingDecision {
  const joined = call.spec.queueJoinedAt;
  const targets =
    stage.kind === 'targets'
      ? stage.openedAt.map((openedAt, index) => {
          const target = queue.targets[index];
          return {
            index,
            expression: target?.expression ?? '',
            ordering: target?.ordering ?? 'longest-idle',
            openedAfterMs: openedAt - joined,
            matched: selection.verdicts.filter((v) => v.target === index).length,
          };
        })
      : [];
  const candidates: CandidateRecord[] = selection.verdicts.slice(0, candidateLimit).map((v) => {
    const attempt = attempts.get(v.agentId);
    return { ...v, ...(attempt ? { attempt } : {}) };
  });
  return {
    decisionId,
    tenantId: call.spec.tenantId,
    callId: call.spec.callId,
    queueId: queue.queueId,
    at: now,
    instance,
    trigger,
    waitMs: Math.max(0, now - joined),
    stage: stage.kind,
    ...(stage.kind === 'sticky' ? { stickyAgentId: stage.agentId } : {}),
    targets,
    relaxed: stage.kind === 'targets' && stage.widest > 0,
    ...(selection.matchedTarget !== undefined ? { matchedTarget: selection.matchedTarget } : {}),
    candidates,
    candidatesTotal,
    readyInQueue,
    ...result,
  };
}

export function decisionSummary(decision: RoutingDecision): EventData<'routing.decision.made'> {
  return {
    decisionId: decision.decisionId,
    callId: decision.callId,
    queueId: decision.queueId,
    trigger: decision.trigger,
    outcome: decision.outcome,
    ...(decision.agentId ? { agentId: decision.agentId } : {}),
    ...(decision.matchedTarget !== undefined ? { matchedTarget: decision.matchedTarget } : {}),
    relaxed: decision.relaxed,
    candidates: decision.candidatesTotal,
    waitMs: decision.waitMs,
  };
}

export const destinationId = (rule: OverflowRule) =>
  rule.to.kind === 'queue' ? rule.to.queueId : rule.to.siteId;

export function describeOverflow(rule: OverflowRule): string {
  const t = rule.trigger;
  const why =
    t.kind === 'wait'
      ? `after ${t.afterMs} ms`
      : t.kind === 'queue-size'
        ? `${t.atLeast} or more waiting`
        : 'no agents logged in';
  return `overflow to ${rule.to.kind} ${destinationId(rule)}: ${why}`;
}
