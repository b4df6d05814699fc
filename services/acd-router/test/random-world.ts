// The random world of the property tests: arrivals, callbacks and their dials, hang-ups, answers,
// missed rings, agent state changes, and transfers and conferences (agents the edge bridges onto a
// connected call without a reservation), run by several router instances at once. Shared by the memory (unit) and Redis
// (integration) runs.

import fc from 'fast-check';
import { callbackCallId } from '../src/app/callbacks';
import { Harness, T, type HarnessOptions } from './harness';

export const agentIds = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5'];
export const queueIds = ['q1', 'q2'];
export const callIds = Array.from({ length: 24 }, (_, i) => `c${i}`);
export const callbackIds = Array.from({ length: 6 }, (_, i) => `cb${i}`);
/** Every entry the world may hold: the calls, then the callbacks' own calls. */
export const entryIds = [...callIds, ...callbackIds.map(callbackCallId)];

export type Op =
  | { kind: 'join'; call: number; queue: number; priority: number; router: number }
  | { kind: 'login' | 'ready' | 'not-ready' | 'logout' | 'break'; agent: number; router: number }
  | { kind: 'answer' | 'no-answer' | 'reject' | 'hangup'; call: number; router: number }
  | { kind: 'callback'; callback: number; queue: number; router: number }
  | {
      /** The edge transfers the call from its agent to another (call.transferred + call.bridged). */
      kind: 'transfer';
      call: number;
      agent: number;
      consultative: boolean;
      bridgedFirst: boolean;
      router: number;
    }
  /** The edge bridges another agent onto the call (conference, supervisor). */
  | { kind: 'conference'; call: number; agent: number; router: number }
  | {
      kind: 'dial';
      callback: number;
      /** "then-answer": the caller answers and so does the agent rung for them. */
      outcome: 'done' | 'then-answer' | 'no-answer' | 'busy' | 'failed';
      router: number;
    };

const router = fc.integer({ min: 0, max: 2 });
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      call: fc.integer({ min: 0, max: 23 }),
      queue: fc.integer({ min: 0, max: 1 }),
      priority: fc.constantFrom(0, 0, 10),
      router,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('login' as const),
      agent: fc.integer({ min: 0, max: 5 }),
      router,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('ready' as const, 'not-ready' as const, 'logout' as const, 'break' as const),
      agent: fc.integer({ min: 0, max: 5 }),
      router,
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom('answer' as const, 'no-answer' as const, 'reject' as const, 'hangup' as const),
      call: fc.integer({ min: 0, max: entryIds.length - 1 }),
      router,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('callback' as const),
      callback: fc.integer({ min: 0, max: callbackIds.length - 1 }),
      queue: fc.integer({ min: 0, max: 1 }),
      router,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      call: fc.integer({ min: 0, max: entryIds.length - 1 }),
      agent: fc.integer({ min: 0, max: 5 }),
      consultative: fc.boolean(),
      bridgedFirst: fc.boolean(),
      router,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('conference' as const),
      call: fc.integer({ min: 0, max: entryIds.length - 1 }),
      agent: fc.integer({ min: 0, max: 5 }),
      router,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('dial' as const),
      callback: fc.integer({ min: 0, max: callbackIds.length - 1 }),
      outcome: fc.constantFrom(
        'done' as const,
        'then-answer' as const,
        'no-answer' as const,
        'busy' as const,
        'failed' as const,
      ),
      router,
    }),
  },
);
export const step = fc.oneof(
  { weight: 5, arbitrary: fc.array(op, { minLength: 1, maxLength: 6 }).map((ops) => ({ ops, advance: 0 })) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1000, max: 40_000 }).map((advance) => ({ ops: [] as Op[], advance })),
  },
);

export function world(options: HarnessOptions = { instances: 3 }) {
  const h = new Harness({
    ...options,
    acd: { callbackRetryMs: 20_000, callbackMaxAttempts: 2, ...options.acd },
  });
  h.queue('q1', {
    targets: [
      { expression: 'skills.es >= 3', ordering: 'longest-idle', timeoutMs: 15_000 },
      { expression: 'true', ordering: 'fewest-calls' },
    ],
    maxMisses: 2,
    wrapUpMs: 5000,
  });
  h.queue('q2', {
    targets: [{ expression: 'true', ordering: 'round-robin' }],
    maxMisses: 1,
    sticky: { timeoutMs: 10_000 },
  });
  agentIds.forEach((a, i) =>
    h.agent(a, i % 3 === 0 ? ['q1'] : i % 3 === 1 ? ['q2'] : ['q1', 'q2'], { es: (i % 4) + 1 }),
  );
  return h;
}

export async function run(h: Harness, o: Op, joined: Set<string>): Promise<void> {
  const r = h.routers[o.router] ?? h.acd;
  if (o.kind === 'join') {
    const callId = callIds[o.call] as string;
    joined.add(callId);
    return h.join(
      callId,
      queueIds[o.queue] as string,
      { priority: o.priority, attached: { ani: `+3310000000${o.call % 3}` } },
      r,
    );
  }
  if (o.kind === 'callback') {
    const callbackId = callbackIds[o.callback] as string;
    joined.add(callbackCallId(callbackId));
    // The caller queued a while ago: the callback goes ahead of most calls.
    await h.requestCallback(callbackId, queueIds[o.queue] as string, { placeSince: h.clock - 60_000 }, r);
    return;
  }
  if (o.kind === 'dial') {
    const callId = callbackCallId(callbackIds[o.callback] as string);
    if (o.outcome !== 'then-answer') return h.dialEnded(callId, o.outcome, undefined, r);
    await h.dialEnded(callId, 'done', undefined, r);
    return h.answer(callId, r);
  }
  if (o.kind === 'transfer' || o.kind === 'conference') {
    // The edge transfers connected calls: the first connected one from the drawn place on, else
    // the first ringing one, answered first.
    const calls = await h.store.readCalls(T, entryIds);
    const places = [...entryIds.keys()].map((i) => (o.call + i) % entryIds.length);
    const connected = places.find((i) => calls[i]?.state === 'connected');
    const ringing = places.find((i) => calls[i]?.state === 'reserved');
    const callId = entryIds[connected ?? ringing ?? o.call] as string;
    if (connected === undefined && ringing !== undefined) await h.answer(callId, r);
    const agentId = agentIds[o.agent] as string;
    // The interactions the edge gave an agent without the ACD offering them (checkInvariants).
    h.direct.add(`${agentId}|${callId}`);
    if (o.kind === 'conference') return h.bridged(callId, agentId, r);
    const from = (await h.call(callId))?.agentId ?? agentIds[(o.agent + 1) % agentIds.length];
    const kind = o.consultative ? 'consultative' : 'blind';
    if (o.bridgedFirst) await h.bridged(callId, agentId, r);
    await h.transferred(callId, from as string, agentId, kind, r);
    if (!o.bridgedFirst) await h.bridged(callId, agentId, r);
    return;
  }
  if ('agent' in o) {
    const agentId = agentIds[o.agent] as string;
    if (o.kind === 'login') return void (await h.login(agentId, true, r));
    const command =
      o.kind === 'not-ready' ? { kind: 'not-ready' as const, reason: 'lunch' } : { kind: o.kind };
    return void (await r.agentCommand(T, agentId, command, 'agent', `cmd-${Math.random()}`));
  }
  const callId = entryIds[o.call] as string;
  if (o.kind === 'answer') return h.answer(callId, r);
  if (o.kind === 'hangup') return h.hangup(callId, r);
  return h.noAnswer(callId, o.kind === 'reject' ? 'rejected' : 'no-answer', r);
}
