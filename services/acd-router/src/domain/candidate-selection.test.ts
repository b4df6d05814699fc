import { describe, expect, it } from 'vitest';
import { type Candidate, selectAgents } from './candidate-selection';
import { stageAt } from './routing-plan';
import { callOf, profileOf, queueOf, t0 } from './test-fixtures';
import type { Ordering, QueueConfig } from './types';

function candidate(
  agentId: string,
  skills: Record<string, number>,
  over: Partial<Candidate> = {},
): Candidate {
  return { agentId, idleSince: t0, handled: 0, lastOffered: 0, profile: profileOf(agentId, skills), ...over };
}

const single = (ordering: Ordering, expression = 'true'): QueueConfig =>
  queueOf({ targets: [{ expression, ordering }] });

function shortlist(queue: QueueConfig, candidates: Candidate[], now = t0, call = callOf()) {
  const selection = selectAgents({
    call,
    queue,
    stage: stageAt(call, queue, now),
    candidates,
    excluded: new Set(),
    random: () => 0,
  });
  return selection.shortlist.map((c) => c.agentId);
}

describe('candidate selection: orderings', () => {
  const pool = [
    candidate('a', { es: 2 }, { idleSince: t0 - 10, handled: 5, lastOffered: 300 }),
    candidate('b', { es: 5 }, { idleSince: t0 - 30, handled: 9, lastOffered: 100 }),
    candidate('c', { es: 3 }, { idleSince: t0 - 20, handled: 1, lastOffered: 200 }),
  ];

  it('longest idle puts the agent free for longest first', () => {
    expect(shortlist(single('longest-idle'), pool)).toEqual(['b', 'c', 'a']);
  });

  it('fewest calls puts the agent who answered least first', () => {
    expect(shortlist(single('fewest-calls'), pool)).toEqual(['c', 'a', 'b']);
  });

  it('highest proficiency ranks by the skill the expression names', () => {
    expect(shortlist(single('highest-proficiency', 'skills.es >= 1'), pool)).toEqual(['b', 'c', 'a']);
  });

  it('highest proficiency breaks ties by longest idle', () => {
    const tied = [
      candidate('x', { es: 4 }, { idleSince: t0 - 1 }),
      candidate('y', { es: 4 }, { idleSince: t0 - 9 }),
    ];
    expect(shortlist(single('highest-proficiency', 'skills.es >= 1'), tied)).toEqual(['y', 'x']);
  });

  it('round robin offers the agent this queue offered least recently', () => {
    expect(shortlist(single('round-robin'), pool)).toEqual(['b', 'c', 'a']);
    const never = candidate('d', {}, { lastOffered: 0 });
    expect(shortlist(single('round-robin'), [...pool, never])[0]).toBe('d');
  });

  it('random shuffles with the injected source', () => {
    const queue = single('random');
    const call = callOf();
    const pick = (r: number) =>
      selectAgents({
        call,
        queue,
        stage: stageAt(call, queue, t0),
        candidates: pool,
        excluded: new Set(),
        random: () => r,
      }).shortlist.map((c) => c.agentId);
    expect(new Set(pick(0))).toEqual(new Set(['a', 'b', 'c']));
    expect(pick(0)).not.toEqual(pick(0.99));
  });
});

describe('candidate selection: targets, exclusions and explanations', () => {
  const relaxing = queueOf({
    targets: [
      { expression: 'skills.es >= 4', ordering: 'longest-idle', timeoutMs: 10_000 },
      { expression: 'skills.es >= 2', ordering: 'longest-idle' },
    ],
  });
  const pool = [
    candidate('novice', { es: 2 }, { idleSince: t0 - 100 }),
    candidate('expert', { es: 5 }, { idleSince: t0 - 1 }),
  ];

  it('before relaxation only the first target matches', () => {
    expect(shortlist(relaxing, [pool[0] as Candidate])).toEqual([]);
  });

  it('after relaxation the wider target matches too', () => {
    expect(shortlist(relaxing, [pool[0] as Candidate], t0 + 10_000)).toEqual(['novice']);
  });

  it('after relaxation an agent of the earlier target is still preferred', () => {
    expect(shortlist(relaxing, pool, t0 + 10_000)).toEqual(['expert']);
  });

  it('explains every candidate: the target matched, or why it was left out', () => {
    const call = callOf();
    const candidates = [
      ...pool,
      candidate('ghost', {}, { profile: undefined }),
      candidate('missed', { es: 5 }),
    ];
    const selection = selectAgents({
      call,
      queue: relaxing,
      stage: stageAt(call, relaxing, t0),
      candidates,
      excluded: new Set(['missed']),
    });
    expect(selection.matchedTarget).toBe(0);
    expect(selection.verdicts).toEqual([
      { agentId: 'novice', excluded: 'not-matching', detail: 'skills.es >= 4' },
      { agentId: 'expert', target: 0 },
      { agentId: 'ghost', excluded: 'no-profile' },
      { agentId: 'missed', excluded: 'missed-this-call' },
    ]);
  });

  it('in the sticky phase only the sticky agent is offered, whatever the targets say', () => {
    const call = callOf({ stickyAgentId: 'novice', stickyUntil: t0 + 5000 });
    const selection = selectAgents({
      call,
      queue: relaxing,
      stage: stageAt(call, relaxing, t0),
      candidates: pool,
      excluded: new Set(),
    });
    expect(selection.shortlist.map((c) => c.agentId)).toEqual(['novice']);
    expect(selection.verdicts[1]).toEqual({ agentId: 'expert', excluded: 'not-sticky-agent' });
  });
});
