// Which ready agents may take a waiting call, in which order, and why the others may not (F-ACD-2).
// The input is a window of the queue's ready agents as the live state lists them (longest idle
// first) with their routing figures; the output is an ordered shortlist for the reservation step
// and a verdict per candidate for the decision record.

import { compileExpression } from './target-expression';
import type { Stage } from './routing-plan';
import type { AgentProfile, CallSpec, Ordering, QueueConfig } from './types';

export interface Candidate {
  agentId: string;
  /** When the agent became free (longest-idle). */
  idleSince: number;
  /** Calls answered since login (fewest-calls). */
  handled: number;
  /** When this queue last offered the agent a call, 0 if never (round-robin). */
  lastOffered: number;
  profile?: AgentProfile;
}

export type ExclusionReason =
  'no-profile' | 'not-matching' | 'missed-this-call' | 'not-sticky-agent' | 'wrong-tenant';

export interface Verdict {
  agentId: string;
  /** The first open target the agent matches. */
  target?: number;
  excluded?: ExclusionReason;
  /** The expression that failed, for the record. */
  detail?: string;
}

export interface Selection {
  /** Agents to try, best first: those of the first open target with any match. */
  shortlist: Candidate[];
  matchedTarget?: number;
  verdicts: Verdict[];
  /** How many candidates were examined (all, unless enough matched early). */
  examined: number;
}

export interface SelectionInput {
  call: CallSpec;
  queue: QueueConfig;
  stage: Stage;
  candidates: Candidate[];
  /** Agents who already missed this call: they are not offered it again. */
  excluded: ReadonlySet<string>;
  random?: () => number;
  /**
   * Candidates come longest idle first; when the first open target orders by longest idle, the
   * first `enough` agents matching it are the best there are, and the rest need not be examined.
   */
  enough?: number;
}

export function selectAgents(input: SelectionInput): Selection {
  const { call, queue, stage, candidates, excluded } = input;
  const verdicts: Verdict[] = [];
  const byTarget: Candidate[][] = [];
  const open = stage.kind === 'targets' ? queue.targets.slice(0, stage.widest + 1) : [];
  const compiled = open.map((t) => compileExpression(t.expression));
  const stopAt =
    stage.kind === 'targets' && open[0]?.ordering === 'longest-idle' ? (input.enough ?? Infinity) : Infinity;
  let examined = 0;
  for (const candidate of candidates) {
    if ((byTarget[0]?.length ?? 0) >= stopAt) break;
    examined++;
    const { agentId, profile } = candidate;
    if (!profile) {
      verdicts.push({ agentId, excluded: 'no-profile' });
      continue;
    }
    if (profile.tenantId !== call.tenantId) {
      verdicts.push({ agentId, excluded: 'wrong-tenant' });
      continue;
    }
    if (excluded.has(agentId)) {
      verdicts.push({ agentId, excluded: 'missed-this-call' });
      continue;
    }
    if (stage.kind === 'sticky') {
      if (agentId === stage.agentId) {
        verdicts.push({ agentId, target: -1 });
        (byTarget[0] ??= []).push(candidate);
      } else {
        verdicts.push({ agentId, excluded: 'not-sticky-agent' });
      }
      continue;
    }
    const ctx = { agent: profile, call };
    const index = compiled.findIndex((c) => c.matches(ctx));
    if (index < 0) {
      verdicts.push({ agentId, excluded: 'not-matching', detail: open.map((t) => t.expression).join(' | ') });
      continue;
    }
    verdicts.push({ agentId, target: index });
    (byTarget[index] ??= []).push(candidate);
  }
  const matchedTarget = byTarget.findIndex((list) => list !== undefined && list.length > 0);
  if (matchedTarget < 0) return { shortlist: [], verdicts, examined };
  const pool = byTarget[matchedTarget] as Candidate[];
  if (stage.kind === 'sticky') return { shortlist: pool, matchedTarget: -1, verdicts, examined };
  const target = queue.targets[matchedTarget];
  const ordering: Ordering = target?.ordering ?? 'longest-idle';
  const rankSkill = target?.rankSkill ?? compiled[matchedTarget]?.skills[0] ?? call.requiredSkills[0]?.skill;
  return {
    shortlist: order(pool, ordering, rankSkill, input.random ?? Math.random),
    matchedTarget,
    verdicts,
    examined,
  };
}

const byIdle = (a: Candidate, b: Candidate) => a.idleSince - b.idleSince || compareIds(a.agentId, b.agentId);
const compareIds = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Orders a target's matching agents; ties always fall back to longest idle. */
export function order(
  pool: Candidate[],
  ordering: Ordering,
  rankSkill: string | undefined,
  random: () => number,
): Candidate[] {
  const list = [...pool];
  switch (ordering) {
    case 'longest-idle':
      return list.sort(byIdle);
    case 'fewest-calls':
      return list.sort((a, b) => a.handled - b.handled || byIdle(a, b));
    case 'highest-proficiency': {
      const level = (c: Candidate) => (rankSkill ? (c.profile?.skills[rankSkill] ?? 0) : 0);
      return list.sort((a, b) => level(b) - level(a) || byIdle(a, b));
    }
    case 'round-robin':
      // Least recently offered by this queue first: with everyone free, the queue cycles through its agents.
      return list.sort((a, b) => a.lastOffered - b.lastOffered || compareIds(a.agentId, b.agentId));
    case 'random':
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [list[i], list[j]] = [list[j] as Candidate, list[i] as Candidate];
      }
      return list;
  }
}
