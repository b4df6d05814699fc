import { randomUUID } from 'node:crypto';
import { eventTypes, Topics, type EventType, type HotlineEvent } from '@hotline/contracts';
import { consumeEvents, type EventBus, type Subscription } from '@hotline/event-bus';
import type { LiveState, Unsubscribe } from '@hotline/live-state';
import type { Logger } from '@hotline/platform';
import type { CallTracker } from '../call-tracker';
import { realtimeChannel, type DeskReadModel, type RealtimePush } from '../desk-read-model';
import type { LiveHub } from './live-hub';

// Feeds the live channel of this API process from two sources:
// - the bus (agents, queues, calls topics) through ONE consumer per process in a group of its
//   own, so every API replica sees every event (broadcast), never a share of them. It starts
//   at the newest events: a desk that connects later resyncs from its snapshot, not from history.
// - reporting's realtime pushes on live-state pub/sub `hotline:rt:<tenantId>` (queue and agent
//   views, coalesced by reporting), subscribed only while the tenant has a desk connected here.
// Each event updates the call tracker and goes to the clients the hub indexes for it.

export interface LiveFeedOptions {
  bus: EventBus;
  live: LiveState;
  hub: LiveHub;
  tracker: CallTracker;
  readModel: DeskReadModel;
  log: Logger;
  /** Consumer group; unique per process unless a test fixes it. */
  group?: string;
}

/** The offer as a desk receives it: enough to ring, plus the screen pop. */
export interface OfferView {
  reservationId: string;
  callId: string;
  queueId: string;
  ringTimeoutMs: number;
  context: unknown;
}

const CONTEXT_TIMEOUT_MS = 500;

/** The screen pop, but never holding up the ring for long: the desk can fetch it again. */
export async function contextFor(
  readModel: DeskReadModel,
  tenantId: string,
  callId: string,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), CONTEXT_TIMEOUT_MS);
  });
  try {
    return await Promise.race([readModel.callContext(tenantId, callId).catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The event types the live channel pushes or tracks calls by: every call event (pushed to the
 * agents on the call), agent offers, states and refusals, and who joins and leaves a queue. The
 * feed's group is handed only these; a test checks the others change nothing.
 */
export const liveFeedEventTypes: readonly EventType[] = [
  ...eventTypes.filter((type) => type.startsWith('call.')),
  'agent.reserved',
  'agent.reservation.ended',
  'agent.command.rejected',
  'agent.state.changed',
  'queue.joined',
  'queue.left',
  'queue.abandoned',
];

export class LiveFeed {
  private subscription: Subscription | null = null;
  private readonly channels = new Map<string, Promise<Unsubscribe | null>>();

  constructor(private readonly options: LiveFeedOptions) {}

  async start(): Promise<void> {
    const { bus, log } = this.options;
    this.subscription = await consumeEvents({
      bus,
      group: this.options.group ?? `api-live-${randomUUID()}`,
      topics: [Topics.agents, Topics.queues, Topics.calls],
      fromBeginning: false,
      types: liveFeedEventTypes,
      // Fan-out is best effort: a failure here must never retry or dead-letter a shared event.
      maxAttempts: 1,
      handle: async (event) => {
        try {
          await this.onEvent(event);
        } catch (err) {
          log.warn({ err, type: event.type }, 'live event not delivered');
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.subscription?.close();
    this.subscription = null;
    const pending = [...this.channels.values()];
    this.channels.clear();
    for (const p of pending) await (await p)?.().catch(() => {});
  }

  /** The tenant got its first desk here: listen to its realtime channel. */
  tenantActive(tenantId: string): void {
    if (this.channels.has(tenantId)) return;
    const { live, log } = this.options;
    const subscribed = live
      .subscribe(realtimeChannel(tenantId), (message) => this.onRealtime(tenantId, message))
      .catch((err: unknown) => {
        log.warn({ err, tenantId }, 'realtime channel not subscribed');
        return null;
      });
    this.channels.set(tenantId, subscribed);
  }

  /** Its last desk left. */
  tenantIdle(tenantId: string): void {
    const subscribed = this.channels.get(tenantId);
    if (!subscribed) return;
    this.channels.delete(tenantId);
    void subscribed.then((unsubscribe) => unsubscribe?.()).catch(() => {});
  }

  /** Resolves once the tenant's realtime channel is subscribed (tests, snapshot ordering). */
  async ready(tenantId: string): Promise<void> {
    await this.channels.get(tenantId);
  }

  private onRealtime(tenantId: string, message: string): void {
    let push: RealtimePush;
    try {
      push = JSON.parse(message) as RealtimePush;
    } catch {
      this.options.log.warn({ tenantId }, 'realtime push is not JSON; dropped');
      return;
    }
    const { hub } = this.options;
    if (push.kind === 'agent' && typeof push.agent?.agentId === 'string') {
      hub.agent(tenantId, push.agent.agentId, 'agent', push.agent);
    } else if (push.kind === 'queue' && typeof push.queue?.queueId === 'string') {
      hub.queue(tenantId, push.queue.queueId, 'queue', push.queue);
    }
  }

  private async onEvent(event: HotlineEvent): Promise<void> {
    const { hub, tracker, readModel } = this.options;
    const t = event.tenantId;
    const touched = tracker.apply(event);
    if (!hub.hasTenant(t)) return;
    switch (event.type) {
      case 'agent.reserved': {
        const d = event.data;
        if (!hub.watchesAgent(t, d.agentId)) return;
        const offer: OfferView = {
          reservationId: d.reservationId,
          callId: d.callId,
          queueId: d.queueId,
          ringTimeoutMs: d.ringTimeoutMs,
          context: await contextFor(readModel, t, d.callId),
        };
        hub.agentOnly(t, d.agentId, 'offer', offer);
        return;
      }
      case 'agent.reservation.ended':
        hub.agentOnly(t, event.data.agentId, 'offer-ended', event.data);
        return;
      case 'agent.command.rejected':
        hub.agent(t, event.data.agentId, 'agent-command-rejected', event.data);
        return;
      case 'agent.state.changed':
        hub.agent(t, event.data.agentId, 'agent-state', { ...event.data, at: event.occurredAt });
        return;
      case 'queue.joined':
      case 'queue.left':
      case 'queue.abandoned':
        // Who joins and leaves a queue, for the waiting list of its members and the supervisors.
        hub.queue(t, event.data.queueId, 'call', { type: event.type, at: event.occurredAt, ...event.data });
        return;
      default:
        if (event.type.startsWith('call.') && touched.callId) {
          hub.call(t, touched.agents, 'call', { type: event.type, at: event.occurredAt, ...event.data });
        }
    }
  }
}
