// Property: several router instances over one live state, driven by random arrivals, callbacks
// and their dials, hang-ups, answers, missed rings, agent state changes, transfers and conferences
// interleaved at random, never double-book an agent, never serve a call twice and never lose one;
// and once things settle, no call waits while an agent who could take it is free.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInvariants, checkNoCallLost, snapshot } from '../../test/invariants';
import { agentIds, entryIds, queueIds, run, step, world } from '../../test/random-world';
import { isRoutable } from '../domain/agent-state-machine';
import { notDueUntil } from './callbacks';

describe('ACD under concurrent routers (property)', () => {
  it('never double-books an agent, never serves a call twice, never loses a call', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 30 }), async (steps) => {
        const h = world();
        const joined = new Set<string>();
        for (const { ops, advance } of steps) {
          // One batch runs concurrently across the instances: their reads and writes interleave.
          await Promise.all(ops.map((o) => run(h, o, joined)));
          if (advance > 0) await h.advance(advance);
          await checkInvariants(h, agentIds, entryIds, queueIds);
        }
        await checkNoCallLost(h, joined);
      }),
      { numRuns: 100 },
    );
  });

  it('once things settle, no call waits while an agent who may take it is free', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 5, maxLength: 25 }), async (steps) => {
        const h = world();
        const joined = new Set<string>();
        for (const { ops, advance } of steps) {
          await Promise.all(ops.map((o) => run(h, o, joined)));
          if (advance > 0) await h.advance(advance);
        }
        // Settle: every target open, every retry run.
        await h.advance(60_000);
        await h.advance(60_000);
        await checkInvariants(h, agentIds, entryIds, queueIds);
        const { agents, calls } = await snapshot(h, agentIds, entryIds);
        // A callback between two dials may wait while agents are free: it is not due yet.
        const now = h.clock;
        for (const call of calls.filter(
          (c) => c.state === 'waiting' && notDueUntil(c.spec, now) === undefined,
        )) {
          const free = agents.filter(
            (a) =>
              isRoutable(a.status, 'voice') &&
              a.queues.some((q) => q.queueId === call.spec.queueId) &&
              !call.excluded.includes(a.agentId),
          );
          expect(
            free.map((a) => a.agentId),
            `${call.spec.callId} waits in ${call.spec.queueId}`,
          ).toEqual([]);
        }
      }),
      { numRuns: 25 },
    );
  });
});
