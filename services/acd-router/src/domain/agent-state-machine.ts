// The agent state machine (F-AG-1). One agent has one state; its interactions are counted per
// channel against a capacity (voice 1, chat several), so a multi-channel agent stays "on-call"
// while any interaction is open and goes to wrap-up when the last one ends.
//
//   logged-out ─login→ ready | not-ready
//   ready ⇄ not-ready(reason) ⇄ break(lock) ⇄ ready          (agent or supervisor)
//   ready ─reserve→ reserved ─ring→ ringing ─answer→ on-call ⇄ on-hold
//   reserved|ringing ─miss→ ready | not-ready("system:ring-no-answer" after N misses)
//   on-call|on-hold ─end→ wrap-up (timer from the queue, extendable) ─→ ready
//
// A not-ready, break or logout asked for while the agent is busy is kept as pending and taken
// when the work ends (instead of ready). A break with a lock cannot be left by the agent before
// the lock runs out (a rest the tenant imposes); a supervisor can end it. Every function here is
// pure: it returns the next status and the transitions to publish, or throws AgentTransitionError.

import { AgentTransitionError } from './agent-errors';
import type { AgentState } from './types';

export const busyStates: readonly AgentState[] = ['reserved', 'ringing', 'on-call', 'on-hold'];
export const systemReasons = {
  login: 'system:login',
  ringNoAnswer: 'system:ring-no-answer',
} as const;

export interface PendingState {
  state: 'not-ready' | 'break' | 'logged-out';
  reason?: string;
  lockMs?: number;
}

/** An agent's live status as kept in live state (the adapter maps it to a hash). */
export interface AgentStatus {
  agentId: string;
  state: AgentState;
  reason?: string;
  /** When the state last changed. */
  since: number;
  /** When the agent last became free for work: the longest-idle order. */
  idleSince: number;
  /** A locked break cannot be left by the agent before this time. */
  lockedUntil?: number;
  /** Open interactions (reserved, ringing or connected) by call id, with their channel. */
  interactions: Record<string, string>;
  capacity: Record<string, number>;
  /** Consecutive offers the agent missed (no answer, reject). */
  misses: number;
  /** Calls answered since login: the fewest-calls order. */
  handled: number;
  pending?: PendingState;
  wrapUpUntil?: number;
  wrapUpExtendedMs: number;
}

export type Actor = 'agent' | 'supervisor' | 'system';

export type AgentCommand =
  | { kind: 'login'; ready?: boolean }
  | { kind: 'logout' }
  | { kind: 'ready' }
  | { kind: 'not-ready'; reason: string }
  | { kind: 'break'; reason?: string; lockMs?: number }
  | { kind: 'extend-wrap-up'; ms: number };

export interface Transition {
  from: AgentState;
  to: AgentState;
  reason?: string;
  callId?: string;
}

export interface TransitionResult {
  status: AgentStatus;
  transitions: Transition[];
}

export interface CommandRules {
  /** The tenant's not-ready reason codes; empty accepts any code. */
  reasonCodes: readonly string[];
  maxWrapUpExtensionMs: number;
}

export function loggedOut(agentId: string, capacity: Record<string, number>, now: number): AgentStatus {
  return {
    agentId,
    state: 'logged-out',
    since: now,
    idleSince: now,
    interactions: {},
    capacity,
    misses: 0,
    handled: 0,
    wrapUpExtendedMs: 0,
  };
}

export function loadOf(status: AgentStatus, channel: string): number {
  let load = 0;
  for (const c of Object.values(status.interactions)) if (c === channel) load++;
  return load;
}

const totalLoad = (status: AgentStatus) => Object.keys(status.interactions).length;

/**
 * Whether the agent may be offered another interaction on this channel: ready, or busy on a
 * channel that allows several at once, with capacity left.
 */
export function isRoutable(status: AgentStatus, channel: string): boolean {
  const capacity = status.capacity[channel] ?? 0;
  if (loadOf(status, channel) >= capacity) return false;
  if (status.state === 'ready') return true;
  return busyStates.includes(status.state) && capacity > 1;
}

function move(
  status: AgentStatus,
  to: AgentState,
  now: number,
  extra: Partial<AgentStatus> & { callId?: string } = {},
): TransitionResult {
  const { callId, ...fields } = extra;
  const next: AgentStatus = { ...status, ...fields, state: to, since: now };
  if (!('reason' in extra)) delete next.reason;
  if (to !== 'break') delete next.lockedUntil;
  if (to !== 'wrap-up') {
    delete next.wrapUpUntil;
    next.wrapUpExtendedMs = 0;
  }
  if (to === 'ready' && status.state !== 'ready') next.idleSince = now;
  const transition: Transition = { from: status.state, to, ...(next.reason ? { reason: next.reason } : {}) };
  if (callId) transition.callId = callId;
  return { status: next, transitions: [transition] };
}

function reject(
  status: AgentStatus,
  message: string,
  code: AgentTransitionError['code'] = 'illegal-transition',
): never {
  throw new AgentTransitionError(code, message, status.state);
}

/** What the agent becomes when its work ends: its pending state, or ready. */
function afterWork(
  status: AgentStatus,
  now: number,
  callId?: string,
  override?: PendingState,
): TransitionResult {
  const pending = status.pending?.state === 'logged-out' ? status.pending : (override ?? status.pending);
  const base = { ...status };
  delete base.pending;
  const extra = callId ? { callId } : {};
  if (!pending) return move(base, 'ready', now, extra);
  if (pending.state === 'logged-out')
    return move({ ...base, misses: 0, handled: 0 }, 'logged-out', now, extra);
  const lock = pending.lockMs ? { lockedUntil: now + pending.lockMs } : {};
  return move(base, pending.state, now, {
    ...extra,
    ...lock,
    ...(pending.reason ? { reason: pending.reason } : {}),
  });
}

/** A command from the agent's desktop, a supervisor (F-SV-4) or the system. */
export function applyCommand(
  status: AgentStatus,
  command: AgentCommand,
  by: Actor,
  rules: CommandRules,
  now: number,
): TransitionResult {
  const { state } = status;
  if (command.kind === 'login') {
    if (state !== 'logged-out')
      reject(status, `agent ${status.agentId} is already logged in (${state})`, 'already-in-state');
    const fresh = { ...status, misses: 0, handled: 0, interactions: {} };
    delete fresh.pending;
    return command.ready
      ? move(fresh, 'ready', now)
      : move(fresh, 'not-ready', now, { reason: systemReasons.login });
  }
  if (state === 'logged-out')
    reject(status, `agent ${status.agentId} is logged out: log in first`, 'not-logged-in');
  if (command.kind === 'extend-wrap-up') {
    if (state !== 'wrap-up' || status.wrapUpUntil === undefined) {
      reject(status, `only a wrap-up can be extended, agent ${status.agentId} is ${state}`);
    }
    if (!(command.ms > 0)) reject(status, 'a wrap-up extension must be positive');
    const extended = status.wrapUpExtendedMs + command.ms;
    if (extended > rules.maxWrapUpExtensionMs) {
      reject(
        status,
        `wrap-up may be extended by ${rules.maxWrapUpExtensionMs} ms in all; ${status.wrapUpExtendedMs} ms already used`,
        'wrap-up-limit',
      );
    }
    const next = { ...status, wrapUpUntil: status.wrapUpUntil + command.ms, wrapUpExtendedMs: extended };
    return { status: next, transitions: [] };
  }
  if (
    command.kind === 'not-ready' &&
    rules.reasonCodes.length > 0 &&
    !rules.reasonCodes.includes(command.reason)
  ) {
    reject(
      status,
      `"${command.reason}" is not one of the tenant's not-ready reasons (${rules.reasonCodes.join(', ')})`,
      'unknown-reason',
    );
  }
  if (command.kind === 'not-ready' && command.reason.startsWith('system:')) {
    reject(status, 'reasons starting with "system:" are set by the system only', 'unknown-reason');
  }
  if (
    state === 'break' &&
    status.lockedUntil !== undefined &&
    now < status.lockedUntil &&
    by !== 'supervisor'
  ) {
    reject(
      status,
      `the break is locked for ${status.lockedUntil - now} ms more; only a supervisor can end it earlier`,
      'break-locked',
    );
  }
  if (busyStates.includes(state)) return pend(status, command);
  // An explicit choice outside of work replaces whatever was pending.
  const base = { ...status };
  delete base.pending;
  switch (command.kind) {
    case 'logout':
      return move({ ...base, misses: 0, handled: 0 }, 'logged-out', now);
    case 'ready':
      if (state === 'ready') reject(status, `agent ${status.agentId} is already ready`, 'already-in-state');
      return move({ ...base, misses: 0 }, 'ready', now);
    case 'not-ready':
      if (state === 'not-ready' && status.reason === command.reason) {
        reject(
          status,
          `agent ${status.agentId} is already not-ready (${command.reason})`,
          'already-in-state',
        );
      }
      return move(base, 'not-ready', now, { reason: command.reason });
    case 'break':
      if (state === 'break')
        reject(status, `agent ${status.agentId} is already on a break`, 'already-in-state');
      return move(base, 'break', now, {
        ...(command.reason ? { reason: command.reason } : {}),
        ...(command.lockMs ? { lockedUntil: now + command.lockMs } : {}),
      });
  }
}

/** While busy, a state request waits for the work to end; "ready" cancels a pending request. */
function pend(
  status: AgentStatus,
  command: Exclude<AgentCommand, { kind: 'login' | 'extend-wrap-up' }>,
): TransitionResult {
  const next = { ...status };
  if (command.kind === 'ready') {
    if (!status.pending)
      reject(
        status,
        `agent ${status.agentId} is ${status.state} and has nothing pending to cancel`,
        'already-in-state',
      );
    delete next.pending;
  } else if (command.kind === 'logout') {
    next.pending = { state: 'logged-out' };
  } else if (command.kind === 'not-ready') {
    next.pending = { state: 'not-ready', reason: command.reason };
  } else {
    next.pending = {
      state: 'break',
      ...(command.reason ? { reason: command.reason } : {}),
      ...(command.lockMs ? { lockMs: command.lockMs } : {}),
    };
  }
  return { status: next, transitions: [] };
}

/** The reservation step as the atomic script performs it (kept here so the rules live in one place). */
export function reserve(status: AgentStatus, callId: string, channel: string, now: number): TransitionResult {
  if (!isRoutable(status, channel))
    reject(status, `agent ${status.agentId} cannot take a ${channel} interaction now`);
  const interactions = { ...status.interactions, [callId]: channel };
  if (status.state === 'ready') return move({ ...status, interactions }, 'reserved', now, { callId });
  return { status: { ...status, interactions }, transitions: [] };
}

function requireInteraction(status: AgentStatus, callId: string): void {
  if (!Object.hasOwn(status.interactions, callId)) {
    reject(status, `agent ${status.agentId} has no interaction ${callId}`, 'unknown-interaction');
  }
}

export function ringing(status: AgentStatus, callId: string, now: number): TransitionResult {
  requireInteraction(status, callId);
  if (status.state !== 'reserved') return { status, transitions: [] };
  return move(status, 'ringing', now, { callId });
}

export function answered(status: AgentStatus, callId: string, now: number): TransitionResult {
  requireInteraction(status, callId);
  const next = { ...status, misses: 0, handled: status.handled + 1 };
  if (status.state === 'reserved' || status.state === 'ringing')
    return move(next, 'on-call', now, { callId });
  return { status: next, transitions: [] };
}

/**
 * The agent took a call the ACD never offered them (F-ACD-4): a transfer's target, a conference
 * member, a supervisor taking over. The interaction counts like any other, even beyond capacity
 * (the agent is talking, whatever the ACD would have offered). From ready or wrap-up the agent goes
 * on-call; from not-ready or a break too, with that state (and its reason, and what is left of a
 * lock) kept as pending so that the agent returns to it after the work; from a busy state only the
 * interaction is added. Null for a logged-out agent: the ACD does not track them.
 */
export function joined(
  status: AgentStatus,
  callId: string,
  channel: string,
  now: number,
): TransitionResult | null {
  if (status.state === 'logged-out') return null;
  if (Object.hasOwn(status.interactions, callId)) return { status, transitions: [] };
  const interactions = { ...status.interactions, [callId]: channel };
  const next: AgentStatus = { ...status, interactions, misses: 0, handled: status.handled + 1 };
  if (busyStates.includes(status.state)) return { status: next, transitions: [] };
  if (status.state === 'not-ready' || status.state === 'break') {
    // A logout asked for earlier still wins (afterWork takes it first).
    if (status.pending?.state !== 'logged-out') {
      const lockMs = status.lockedUntil !== undefined ? status.lockedUntil - now : 0;
      next.pending = {
        state: status.state,
        ...(status.reason ? { reason: status.reason } : {}),
        ...(status.state === 'break' && lockMs > 0 ? { lockMs } : {}),
      };
    }
  }
  return move(next, 'on-call', now, { callId });
}

/** The agent did not answer (or rejected, or could not be reached): the offer is withdrawn. */
export function missed(
  status: AgentStatus,
  callId: string,
  maxMisses: number,
  now: number,
): TransitionResult {
  requireInteraction(status, callId);
  const interactions = { ...status.interactions };
  delete interactions[callId];
  const next = { ...status, interactions, misses: status.misses + 1 };
  if (totalLoad(next) > 0) return { status: next, transitions: [] };
  if (next.misses >= maxMisses) {
    return afterWork(next, now, callId, { state: 'not-ready', reason: systemReasons.ringNoAnswer });
  }
  return afterWork(next, now, callId);
}

export function held(status: AgentStatus, callId: string, now: number): TransitionResult {
  requireInteraction(status, callId);
  return status.state === 'on-call' ? move(status, 'on-hold', now, { callId }) : { status, transitions: [] };
}

export function resumed(status: AgentStatus, callId: string, now: number): TransitionResult {
  requireInteraction(status, callId);
  return status.state === 'on-hold' ? move(status, 'on-call', now, { callId }) : { status, transitions: [] };
}

/**
 * The interaction ended. Connected work goes to wrap-up (when the queue asks for one); an offer
 * that never connected (the caller hung up while it rang) is simply withdrawn, with no miss.
 */
export function interactionEnded(
  status: AgentStatus,
  callId: string,
  connected: boolean,
  wrapUpMs: number,
  now: number,
): TransitionResult {
  requireInteraction(status, callId);
  const interactions = { ...status.interactions };
  delete interactions[callId];
  const next = { ...status, interactions };
  if (totalLoad(next) > 0) return { status: next, transitions: [] };
  if (connected && wrapUpMs > 0)
    return move(next, 'wrap-up', now, { callId, wrapUpUntil: now + wrapUpMs, wrapUpExtendedMs: 0 });
  return afterWork(next, now, callId);
}

/** The wrap-up timer ran out (wrapUpUntil has passed): ready, or the pending state. */
export function wrapUpEnded(status: AgentStatus, now: number): TransitionResult {
  if (status.state !== 'wrap-up' || status.wrapUpUntil === undefined || now < status.wrapUpUntil) {
    return { status, transitions: [] };
  }
  return afterWork(status, now);
}
