// The benchmark's contact center: 1,000 queues over 50 skills, 10,000 agents who each serve five
// queues and hold the skills those queues ask for (plus a few more), all generated from a seed so
// every run routes the same world.

import { StaticConfig } from '../../services/acd-router/src/adapters/static-config';
import {
  type AgentProfile,
  type Ordering,
  type QueueConfig,
  defaultQueue,
} from '../../services/acd-router/src/domain/types';

export const tenantId = 'bench';

export interface WorldSize {
  agents: number;
  queues: number;
  skills: number;
  queuesPerAgent: number;
}

/** mulberry32: small, fast, seedable. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const orderings: Ordering[] = [
  'longest-idle',
  'longest-idle',
  'fewest-calls',
  'highest-proficiency',
  'round-robin',
  'random',
];

export function buildWorld(size: WorldSize, seed = 42) {
  const random = seeded(seed);
  const pick = (n: number) => Math.floor(random() * n);
  const config = new StaticConfig();
  const queues: QueueConfig[] = [];
  for (let q = 0; q < size.queues; q++) {
    const skill = `s${q % size.skills}`;
    const ordering = orderings[q % orderings.length] as Ordering;
    const queue: QueueConfig = {
      ...defaultQueue(tenantId, `q${q}`),
      priority: 1 + (q % 10),
      // Skill relaxation: experts for 10 s, then anyone with the skill, then anyone in the queue.
      targets: [
        { expression: `skills.${skill} >= 3`, ordering, timeoutMs: 10_000 },
        { expression: `skills.${skill} >= 1`, ordering, timeoutMs: 20_000 },
        { expression: 'true', ordering: 'longest-idle' },
      ],
      maxMisses: 3,
      ringTimeoutMs: 20_000,
      maxWaitMs: 600_000,
    };
    queues.push(queue);
    config.setQueue(queue);
  }
  const agents: AgentProfile[] = [];
  for (let a = 0; a < size.agents; a++) {
    const queueIds = new Set<string>();
    while (queueIds.size < size.queuesPerAgent) queueIds.add(`q${pick(size.queues)}`);
    const skills: Record<string, number> = {};
    for (const queueId of queueIds) skills[`s${Number(queueId.slice(1)) % size.skills}`] = 1 + pick(5);
    for (let extra = 0; extra < 3; extra++) skills[`s${pick(size.skills)}`] ??= 1 + pick(5);
    const agent: AgentProfile = {
      tenantId,
      agentId: `agent-${a}`,
      skills,
      attributes: { site: a % 3 === 0 ? 'par' : 'fra' },
      queueIds: [...queueIds],
      capacity: { voice: 1 },
      active: true,
    };
    agents.push(agent);
    config.setAgent(agent);
  }
  return { config, queues, agents, random };
}
