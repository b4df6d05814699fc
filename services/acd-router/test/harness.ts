// A small world for ACD tests: several router instances over one live state, a clock the test
// moves, provisioned queues and agents, and the edge's reports (answer, no answer, hang-up)
// played by hand. Nothing is mocked: the instances run the real scripts on the real adapter.

import type { EventData } from '@hotline/contracts';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { Acd, type AcdOptions, callbackCallId } from '../src/app/acd';
import { MemorySink } from '../src/app/event-sink';
import { createLiveAcdStore } from '../src/adapters/live-acd-store';
import { MemoryDecisionLog } from '../src/adapters/decision-store';
import { StaticConfig } from '../src/adapters/static-config';
import type { AcdStore } from '../src/domain/ports';
import type { AgentRecord, CallRecord } from '../src/domain/records';
import { type AgentProfile, type QueueConfig, defaultQueue } from '../src/domain/types';

export const T = 'tenant-1';
export const start = Date.UTC(2025, 5, 2, 8, 0, 0);

export interface HarnessOptions {
  instances?: number;
  /** One live state per instance (separate Redis connections); default one memory state for all. */
  lives?: LiveState[];
  acd?: Partial<AcdOptions>;
}

export class Harness {
  clock = start;
  readonly live: LiveState;
  readonly lives: LiveState[];
  readonly store: AcdStore;
  readonly config = new StaticConfig();
  readonly sink = new MemorySink();
  readonly decisions = new MemoryDecisionLog();
  readonly routers: Acd[];
  private ids = 0;

  constructor(options: HarnessOptions = {}) {
    this.lives = options.lives ?? [createMemoryLiveState({ now: () => this.clock })];
    this.live = this.lives[0] as LiveState;
    this.store = createLiveAcdStore(this.live);
    const stores = this.lives.map((live) => createLiveAcdStore(live));
    this.routers = Array.from(
      { length: options.instances ?? this.lives.length },
      (_, i) =>
        new Acd({
          store: stores[i % stores.length] as AcdStore,
          config: this.config,
          events: this.sink,
          decisions: this.decisions,
          instance: `router-${i}`,
          now: () => this.clock,
          newId: () => `id-${++this.ids}`,
          random: () => 0.5,
          ...options.acd,
        }),
    );
  }

  /** The first instance, for single-router stories. */
  get acd(): Acd {
    return this.routers[0] as Acd;
  }

  queue(queueId: string, over: Partial<QueueConfig> = {}): QueueConfig {
    const queue = { ...defaultQueue(T, queueId), ...over };
    this.config.setQueue(queue);
    return queue;
  }

  agent(
    agentId: string,
    queueIds: string[],
    skills: Record<string, number> = {},
    over: Partial<AgentProfile> = {},
  ): AgentProfile {
    const profile: AgentProfile = {
      tenantId: T,
      agentId,
      skills,
      attributes: { site: 'fra' },
      queueIds,
      capacity: { voice: 1 },
      active: true,
      ...over,
    };
    this.config.setAgent(profile);
    return profile;
  }

  async login(agentId: string, ready = true, router = this.acd) {
    return router.agentCommand(T, agentId, { kind: 'login', ready }, 'agent', `cmd-${++this.ids}`);
  }

  /** "agent|call" for each agent the edge bridged onto a call without an offer (transfer, conference). */
  readonly direct = new Set<string>();

  /** How many times each call joined a queue: a connected call joining again is a transfer. */
  readonly joins = new Map<string, number>();

  async join(
    callId: string,
    queueId: string,
    over: {
      priority?: number;
      skills?: { skill: string; minLevel: number }[];
      attached?: Record<string, string>;
    } = {},
    router = this.acd,
  ) {
    this.joins.set(callId, (this.joins.get(callId) ?? 0) + 1);
    await router.join(T, {
      callId,
      queueId,
      priority: over.priority ?? 0,
      skills: over.skills ?? [],
      position: 1,
      ...(over.attached ? { attached: over.attached } : {}),
    });
  }

  /**
   * The IVR asks for a callback (callback.requested); resolves to the callback's own call id.
   * `placeSince` is when the caller first queued (ms), by default now.
   */
  async requestCallback(
    callbackId: string,
    queueId: string,
    over: Partial<Omit<EventData<'callback.requested'>, 'placeSince'>> & { placeSince?: number } = {},
    router = this.acd,
  ): Promise<string> {
    const { placeSince, ...rest } = over;
    await router.callbackRequested(T, {
      callId: `origin-${callbackId}`,
      callbackId,
      queueId,
      number: '+4930123456',
      priority: 0,
      skills: [],
      placeSince: new Date(placeSince ?? this.clock).toISOString(),
      ...rest,
    });
    return callbackCallId(callbackId);
  }

  /**
   * The edge reports how the dial of a callback ended (call.command.completed, action originate),
   * for the dial under way unless `commandId` names another.
   */
  async dialEnded(
    callId: string,
    outcome: EventData<'call.command.completed'>['outcome'] = 'done',
    commandId?: string,
    router = this.acd,
  ) {
    const call = await this.call(callId);
    await router.dialCompleted(T, callId, commandId ?? `dial-${call?.reservationId ?? 'none'}`, outcome);
  }

  async call(callId: string): Promise<CallRecord | null> {
    return ((await this.store.readCalls(T, [callId]))[0] as CallRecord | null) ?? null;
  }

  async agentRecord(agentId: string): Promise<AgentRecord | null> {
    return ((await this.store.readAgents(T, [agentId]))[0] as AgentRecord | null) ?? null;
  }

  async stateOf(agentId: string): Promise<string> {
    return (await this.agentRecord(agentId))?.status.state ?? 'logged-out';
  }

  /** Who the call is reserved for or connected to. */
  async agentOf(callId: string): Promise<string | undefined> {
    return (await this.call(callId))?.agentId;
  }

  async answer(callId: string, router = this.acd) {
    const call = await this.call(callId);
    await router.answered(T, callId, call?.agentId);
  }

  async noAnswer(callId: string, outcome: 'no-answer' | 'rejected' = 'no-answer', router = this.acd) {
    const call = await this.call(callId);
    if (call?.reservationId) await router.ringEnded(T, callId, call.reservationId, outcome);
  }

  /** The edge bridges an agent onto the call (call.bridged naming the agent). */
  async bridged(callId: string, agentId: string, router = this.acd) {
    await router.answered(T, callId, agentId);
  }

  /** The edge reports a transfer (call.transferred) from an agent to another agent, a queue or a number. */
  async transferred(
    callId: string,
    fromAgentId: string,
    to: string | { queueId: string } | { number: string },
    kind: 'blind' | 'consultative' = 'blind',
    router = this.acd,
  ) {
    const target: EventData<'call.transferred'>['target'] =
      typeof to === 'string'
        ? { type: 'agent', agentId: to }
        : 'queueId' in to
          ? { type: 'queue', queueId: to.queueId }
          : { type: 'external', number: to.number };
    await router.transferred(T, { callId, kind, fromAgentId, target });
  }

  async hangup(callId: string, router = this.acd) {
    await router.ended(T, callId);
  }

  async close(): Promise<void> {
    await Promise.all(this.lives.map((l) => l.close()));
  }

  /** Moves the clock and lets every instance handle what came due. */
  async advance(ms: number): Promise<void> {
    this.clock += ms;
    for (let round = 0; round < 20; round++) {
      const handled = await Promise.all(this.routers.map((r) => r.tick()));
      if (handled.every((n) => n === 0)) return;
    }
  }
}
