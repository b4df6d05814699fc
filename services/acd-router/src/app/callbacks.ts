// Callbacks (F-IVR-6). The IVR asks for one with callback.requested; the ACD keeps it as an entry
// of the requested queue, at the place its caller had (its age counts from placeSince), under a
// call id of its own (callbackCallId). An entry is not a caller on the line: it is never refused
// for a full queue, never sent out by max wait, overflow or an emptied queue, and announces no
// position. When routing keeps an agent for it (the agent stays "reserved"), the ACD asks the SIP
// edge to dial the caller (call command "originate", commandId dial-<reservation>):
//   done          -> the caller is on the line: music on hold, then the usual bridge to the kept
//                    agent (commandId = the reservation id), so the ring, answer and no-answer
//                    handling of ordinary calls applies from there on
//   anything else -> the agent is freed without a miss (not their fault); the entry waits again at
//                    its place, kept from agents for callbackRetryMs, or ends "unreached" after
//                    callbackMaxAttempts dials
// If the edge never reports the dial, the reservation's deadline counts it as a failed attempt.
// callback.attempted and callback.ended tell the rest of the system how it went.

import { createHash } from 'node:crypto';
import { callerIdSchema, dialNumberSchema, type EventData } from '@hotline/contracts';
import { interactionEnded, ringing } from '../domain/agent-state-machine';
import type { DecisionTrigger } from '../domain/decision';
import type { AcdStore, ConfigSource } from '../domain/ports';
import type { AgentRecord, CallRecord } from '../domain/records';
import type { CallbackSpec, CallSpec } from '../domain/types';
import { Conflict, retrying } from './conflict';
import { agentWrite, queueOf, waitingRecord } from './store-changes';
import { type EventSink, Outbox } from './event-sink';
import { addTransitions, bridgeRequest } from './outgoing';

export type DialResult = 'no-answer' | 'busy' | 'rejected' | 'failed';
type DialOutcome = EventData<'call.command.completed'>['outcome'];

const maxIdLength = 128;

/** The callback's own call id: the call the edge places when it dials the caller back. */
export function callbackCallId(callbackId: string): string {
  const plain = `${callbackId}.call`;
  if (plain.length <= maxIdLength) return plain;
  // Too long for an id: a digest still gives one stable id per callback (redeliveries find it).
  return `cb-${createHash('sha256').update(callbackId).digest('hex').slice(0, 40)}.call`;
}

export const dialCommandId = (reservationId: string) => `dial-${reservationId}`;
export const isDialCommandId = (commandId: string) => commandId.startsWith('dial-');

/** A callback entry whose caller is not on the line yet: an agent kept for it waits for a dial. */
export function awaitingDial(call: CallRecord): boolean {
  return call.spec.callback !== undefined && !call.spec.callback.dialled;
}

/** Until when a callback entry is kept from agents after an unanswered dial, if it still is. */
export function notDueUntil(spec: CallSpec, now: number): number | undefined {
  const at = spec.callback?.notBefore;
  return at !== undefined && now < at ? at : undefined;
}

/** What the edge will accept, from the originate command's contract. */
const dialable = (number: string) => dialNumberSchema.safeParse(number).success;
const showable = (callerId: string) => callerIdSchema.safeParse(callerId).success;

function resultOf(outcome: DialOutcome): DialResult {
  if (outcome === 'no-answer' || outcome === 'timeout') return 'no-answer';
  if (outcome === 'busy' || outcome === 'rejected') return outcome;
  return 'failed';
}

function isDialling(call: CallRecord | null | undefined, reservationId: string): call is CallRecord {
  return (
    !!call &&
    call.state === 'reserved' &&
    call.reservationId === reservationId &&
    call.agentId !== undefined &&
    awaitingDial(call)
  );
}

/** The callback's call is on the line for the current attempt (being put through, or talking). */
function inUse(call: CallRecord | null | undefined): boolean {
  if (!call?.spec.callback?.dialled) return false;
  return call.state === 'reserved' || call.state === 'connected';
}

export function dialRequest(
  call: CallRecord,
  reservationId: string,
  ringTimeoutMs: number,
): EventData<'call.command.requested'> {
  const { spec } = call;
  const cb = spec.callback as CallbackSpec;
  return {
    commandId: dialCommandId(reservationId),
    callId: spec.callId,
    requestedBy: 'acd-router',
    queue: { queueId: spec.queueId, priority: spec.priority, skills: spec.requiredSkills },
    command: {
      action: 'originate',
      number: cb.number,
      ...(cb.callerId !== undefined ? { callerId: cb.callerId } : {}),
      ringTimeoutMs,
    },
  };
}

/** How the current dial of `call` (before any change to its record) ended. */
function callbackAttempted(
  call: CallRecord,
  agentId: string,
  result: EventData<'callback.attempted'>['result'],
  retryAt?: number,
): EventData<'callback.attempted'> {
  const cb = call.spec.callback as CallbackSpec;
  return {
    callId: call.spec.callId,
    callbackId: cb.callbackId,
    queueId: call.spec.queueId,
    attempt: cb.attempt,
    agentId,
    result,
    ...(retryAt !== undefined ? { retryAt: new Date(retryAt).toISOString() } : {}),
  };
}

export function callbackEnded(
  call: CallRecord,
  outcome: EventData<'callback.ended'>['outcome'],
  agentId?: string,
): EventData<'callback.ended'> {
  const cb = call.spec.callback as CallbackSpec;
  return {
    callId: call.spec.callId,
    callbackId: cb.callbackId,
    queueId: call.spec.queueId,
    outcome,
    attempts: cb.attempt,
    ...(agentId ? { agentId } : {}),
  };
}

/** What the callbacks need of the ACD. */
export interface CallbackHost {
  store: AcdStore;
  config: ConfigSource;
  events: EventSink;
  now: () => number;
  log: { warn(fields: object, message: string): void };
  /** Dials after the first wait this long. */
  retryMs: number;
  maxAttempts: number;
  /** The ACD's own retry for waiting entries. */
  waitRetryMs: number;
  callItem(tenantId: string, callId: string): string;
  routeCall(
    tenantId: string,
    callId: string,
    trigger: DecisionTrigger,
    known?: CallRecord,
    traceparent?: string,
  ): Promise<unknown>;
  routeAgent(tenantId: string, agentId: string, known?: AgentRecord, traceparent?: string): Promise<boolean>;
}

export class Callbacks {
  constructor(private readonly host: CallbackHost) {}

  /** callback.requested: a waiting entry at the caller's place, or callback.ended if it cannot be. */
  async requested(
    tenantId: string,
    data: EventData<'callback.requested'>,
    traceparent?: string,
  ): Promise<void> {
    const { store, config, events } = this.host;
    const now = this.host.now();
    const callId = callbackCallId(data.callbackId);
    const queue = await config.queue(tenantId, data.queueId);
    const refusal = !queue ? 'unknown queue' : !dialable(data.number) ? 'number not dialable' : undefined;
    if (!queue || refusal) {
      this.host.log.warn(
        { tenantId, callbackId: data.callbackId, queueId: data.queueId },
        `callback not kept: ${refusal}`,
      );
      const out = new Outbox(tenantId, now, traceparent);
      out.add('callback.ended', {
        callId,
        callbackId: data.callbackId,
        queueId: data.queueId,
        outcome: 'unreached',
        attempts: 0,
      });
      await events.publish(out.events);
      return;
    }
    let callerId = data.callerId;
    if (callerId !== undefined && !showable(callerId)) {
      this.host.log.warn(
        { tenantId, callbackId: data.callbackId },
        'callback caller id not usable: left out',
      );
      callerId = undefined;
    }
    const spec: CallSpec = {
      tenantId,
      callId,
      queueId: queue.queueId,
      priority: data.priority,
      requiredSkills: data.skills.map((s) => ({ skill: s.skill, minLevel: s.minLevel })),
      attached: {},
      // The caller's place: their age in the queue counts from when they first queued.
      enqueuedAt: Math.min(Date.parse(data.placeSince), now),
      queueJoinedAt: now,
      ...(traceparent ? { traceparent } : {}),
      callback: {
        callbackId: data.callbackId,
        number: data.number,
        ...(callerId !== undefined ? { callerId } : {}),
        originCallId: data.callId,
        attempt: 1,
        dialled: false,
      },
    };
    const record = waitingRecord(spec, queue);
    await store.schedule(this.host.callItem(tenantId, callId), now + this.host.waitRetryMs, 'min');
    // No size limit: the caller already had this place.
    const result = await store.enqueue(record);
    // "exists": a redelivered request, or one for a callback that already ended.
    if (result.result !== 'ok') return;
    await this.host.routeCall(tenantId, callId, 'joined', { ...record, version: '1' }, traceparent);
  }

  /** call.command.completed for an originate: how a dial of a callback ended. */
  async dialCompleted(
    tenantId: string,
    callId: string,
    commandId: string,
    outcome: DialOutcome,
    traceparent?: string,
  ): Promise<void> {
    const [call] = await this.host.store.readCalls(tenantId, [callId]);
    const reservationId = call?.reservationId;
    // A late report of an earlier attempt must not touch the one under way.
    if (!reservationId || !isDialling(call, reservationId) || commandId !== dialCommandId(reservationId)) {
      if (outcome === 'done' && !inUse(call))
        await this.hangUpStale(tenantId, callId, commandId, traceparent);
      return;
    }
    if (outcome === 'done') await this.dialAnswered(tenantId, callId, reservationId, traceparent);
    else await this.dialFailed(tenantId, callId, reservationId, resultOf(outcome), traceparent);
  }

  /**
   * The caller answered a dial the ACD had already given up on (its deadline passed, or the
   * callback ended): nobody will bridge that call, so it is hung up rather than left in silence.
   */
  private async hangUpStale(
    tenantId: string,
    callId: string,
    commandId: string,
    traceparent?: string,
  ): Promise<void> {
    this.host.log.warn({ tenantId, callId, commandId }, 'a callback dial answered too late: hanging up');
    const out = new Outbox(tenantId, this.host.now(), traceparent);
    out.add('call.command.requested', {
      commandId: `hangup-${commandId}`,
      callId,
      requestedBy: 'acd-router',
      command: { action: 'hangup', cause: 'normal' },
    });
    await this.host.events.publish(out.events);
  }

  /** The caller answered: ring the kept agent, exactly as for a caller who queued. */
  private async dialAnswered(
    tenantId: string,
    callId: string,
    reservationId: string,
    traceparent?: string,
  ): Promise<void> {
    const { store, config } = this.host;
    await retrying(async () => {
      const [first] = await store.readCalls(tenantId, [callId]);
      if (!isDialling(first, reservationId)) return;
      const agentId = first.agentId as string;
      const [agent, call] = await store.readAgentAndCall(tenantId, agentId, callId);
      if (!isDialling(call, reservationId) || call.agentId !== agentId) return;
      const queue = await queueOf(config, tenantId, call.spec.queueId);
      const now = this.host.now();
      const cb = { ...(call.spec.callback as CallbackSpec), dialled: true };
      delete cb.notBefore;
      // The ring deadline counts from the bridge now, not from the reservation.
      const after: Omit<CallRecord, 'version'> = {
        ...call,
        spec: { ...call.spec, callback: cb },
        reservedAt: now,
      };
      const result =
        agent && Object.hasOwn(agent.status.interactions, callId) ? ringing(agent.status, callId, now) : null;
      const ok = await store.commit(tenantId, {
        agents:
          agent && result && result.transitions.length > 0
            ? [{ before: agent, after: { ...agent, status: result.status } }]
            : [],
        calls: [{ before: call, after }],
      });
      if (!ok) throw new Conflict();
      const out = new Outbox(tenantId, now, call.spec.traceparent ?? traceparent);
      addTransitions(out, agentId, result);
      out.add('callback.attempted', callbackAttempted(call, agentId, 'answered'));
      out.add('call.command.requested', {
        commandId: `moh-${reservationId}`,
        callId,
        requestedBy: 'acd-router',
        command: { action: 'music-on-hold', on: true },
      });
      out.add('call.command.requested', bridgeRequest(call, queue, agentId, reservationId));
      await this.host.events.publish(out.events);
    });
  }

  /**
   * A dial that did not reach the caller (or that the edge never reported): the kept agent is
   * freed without a miss, and the entry waits to be dialled again, or ends.
   */
  async dialFailed(
    tenantId: string,
    callId: string,
    reservationId: string,
    result: DialResult,
    traceparent?: string,
  ): Promise<void> {
    const { store } = this.host;
    let freed: AgentRecord | undefined;
    await retrying(async () => {
      freed = undefined;
      const [first] = await store.readCalls(tenantId, [callId]);
      if (!isDialling(first, reservationId)) return;
      const agentId = first.agentId as string;
      const [agent, call] = await store.readAgentAndCall(tenantId, agentId, callId);
      if (!isDialling(call, reservationId) || call.agentId !== agentId) return;
      const now = this.host.now();
      const cb = call.spec.callback as CallbackSpec;
      // As for an offer withdrawn because the caller hung up: back to ready, no miss, no wrap-up.
      const transition =
        agent && Object.hasOwn(agent.status.interactions, callId)
          ? interactionEnded(agent.status, callId, false, 0, now)
          : null;
      const retryAt = cb.attempt < this.host.maxAttempts ? now + this.host.retryMs : undefined;
      let after: Omit<CallRecord, 'version'> | 'ended' = 'ended';
      if (retryAt !== undefined) {
        // Same score: the entry keeps its place for the next attempt.
        const back: Omit<CallRecord, 'version'> = {
          ...call,
          state: 'waiting',
          spec: { ...call.spec, callback: { ...cb, attempt: cb.attempt + 1, notBefore: retryAt } },
        };
        delete back.agentId;
        delete back.reservationId;
        delete back.reservedAt;
        after = back;
      }
      const ok = await store.commit(tenantId, {
        agents: agentWrite(agent, transition),
        calls: [{ before: call, after }],
      });
      if (!ok) throw new Conflict();
      const out = new Outbox(tenantId, now, call.spec.traceparent ?? traceparent);
      addTransitions(out, agentId, transition);
      out.add('agent.reservation.ended', {
        agentId,
        callId,
        reservationId,
        outcome: 'call-gone',
        misses: agent?.status.misses ?? 0,
      });
      out.add('callback.attempted', callbackAttempted(call, agentId, result, retryAt));
      if (retryAt === undefined) out.add('callback.ended', callbackEnded(call, 'unreached'));
      await this.host.events.publish(out.events);
      const item = this.host.callItem(tenantId, callId);
      if (retryAt !== undefined) await store.schedule(item, retryAt, 'set');
      else await store.unschedule(item);
      if (agent && transition)
        freed = { ...agent, status: transition.status, version: String(Number(agent.version) + 1) };
    });
    if (freed) await this.host.routeAgent(tenantId, freed.agentId, freed, traceparent);
  }
}
