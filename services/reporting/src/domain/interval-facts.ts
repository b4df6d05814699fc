import type { CallDetailRecord } from './types';

// What one call contributes to interval figures. A call counts in the interval it arrived in a
// queue (offered, answered, abandoned and their waits), its handling in the interval the agent
// answered, and transfers and survey answers when they happened.

export type IntervalFact =
  | { kind: 'offered'; at: string; queueId: string }
  | { kind: 'answered'; at: string; queueId: string; agentId: string | null; waitMs: number }
  | { kind: 'abandoned'; at: string; queueId: string; waitMs: number }
  | { kind: 'handled'; at: string; queueId: string | null; agentId: string; talkSec: number; holdSec: number }
  | { kind: 'agent-offer'; at: string; queueId: string | null; agentId: string; answered: boolean }
  | { kind: 'transfer'; at: string; queueId: string | null; agentId: string | null }
  | { kind: 'survey'; at: string; queueId: string | null; agentId: string | null; score: number };

export function intervalFacts(cdr: CallDetailRecord): IntervalFact[] {
  const facts: IntervalFact[] = [];
  for (const q of cdr.queues) {
    // A queue that refused the call (full, unknown, emptied) did not take it: the CDR shows it.
    if (q.outcome === 'rejected') continue;
    facts.push({ kind: 'offered', at: q.joinedAt, queueId: q.queueId });
    if (q.outcome === 'answered')
      facts.push({
        kind: 'answered',
        at: q.joinedAt,
        queueId: q.queueId,
        agentId: q.agentId ?? null,
        waitMs: q.waitMs,
      });
    if (q.outcome === 'abandoned')
      facts.push({ kind: 'abandoned', at: q.joinedAt, queueId: q.queueId, waitMs: q.waitMs });
  }
  for (const leg of cdr.agentLegs) {
    if (leg.endedAt === null) continue; // counted once the agent's part is over
    facts.push({
      kind: 'handled',
      at: leg.answeredAt,
      queueId: leg.queueId,
      agentId: leg.agentId,
      talkSec: leg.talkSec,
      holdSec: leg.holdSec,
    });
  }
  for (const o of cdr.offers)
    facts.push({
      kind: 'agent-offer',
      at: o.offeredAt,
      queueId: o.queueId,
      agentId: o.agentId,
      answered: o.outcome === 'answered',
    });
  for (const t of cdr.transfers) {
    const before = cdr.agentLegs.findLast((l) => l.answeredAt <= t.at);
    facts.push({
      kind: 'transfer',
      at: t.at,
      queueId: before?.queueId ?? cdr.queues.at(-1)?.queueId ?? null,
      agentId: t.fromAgentId,
    });
  }
  const lastLeg = cdr.agentLegs.at(-1);
  for (const s of cdr.surveys)
    facts.push({
      kind: 'survey',
      at: s.at,
      queueId: lastLeg?.queueId ?? cdr.queues.at(-1)?.queueId ?? null,
      agentId: lastLeg?.agentId ?? null,
      score: s.score,
    });
  return facts;
}
