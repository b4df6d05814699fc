import type { CallCommand, EventData, EventType, callCommandCompleted } from '@hotline/contracts';
import type { z } from 'zod';
import type { Calendar, FlowDocument, Scalar } from '../flow-schema';

/** What the IVR knows about the call it runs a flow for. */
export interface CallInfo {
  callId: string;
  tenantId: string;
  ani: string;
  dnis: string;
  trunk?: string;
  hotlineId?: string;
  legId?: string;
  traceparent?: string;
}

/** What a call's flow is waiting for; only the awaited id may move it on (idempotency). */
export type Waiting =
  | { kind: 'command'; commandId: string; action: CallCommand['action'] }
  | { kind: 'http'; requestId: string }
  | { kind: 'flow'; requestId: string; flowId: string };

/**
 * `running` while the IVR drives the call; the others are final for the IVR: the call went to a
 * queue, was handed to an external number, ended, or the flow failed (the caller is hung up on).
 */
export type CallStatus = 'running' | 'queued' | 'transferred' | 'ended' | 'failed';

/**
 * The per-call position and variables. This is all an ivr-runner instance needs to continue a
 * call, so it is saved to live state after every step and any instance can take over.
 */
export interface CallFlowState {
  v: 1;
  /** One IVR visit of the call; command ids derive from it, so they are unique per visit. */
  runId: string;
  call: CallInfo;
  flowId: string;
  flowVersion: number;
  /** The node the call is at; '' before the call is answered. */
  nodeId: string;
  status: CallStatus;
  vars: Record<string, Scalar>;
  /** Counts ids handed out (commands, lookups, events), so a replayed step makes the same ids. */
  seq: number;
  /** Try number at the current node (menu, collect, survey retries), from 1. */
  attempt: number;
  /** Where a multi-command node is (voicemail: greeting → start → recording → stop). */
  phase: string | null;
  /** Node-local values for multi-step nodes. */
  scratch: Record<string, Scalar>;
  waiting: Waiting | null;
  answered: boolean;
  startedAt: string;
  /** Node ids entered, in order (the last 200). */
  path: string[];
  error?: { nodeId: string; message: string };
}

export type CommandOutcome = z.infer<typeof callCommandCompleted>['outcome'];

export type HttpResult = { ok: true; status: number; body: unknown } | { ok: false; reason: string };

export type EngineInput =
  | { type: 'start' }
  | { type: 'command-completed'; commandId: string; outcome: CommandOutcome; digits?: string; error?: string }
  | { type: 'http-completed'; requestId: string; result: HttpResult }
  | { type: 'flow-loaded'; requestId: string; flow: FlowDocument | null }
  | { type: 'call-ended' };

/** Tenant data the engine reads while deciding; synchronous so a step stays a pure function. */
export interface EngineEnv {
  /** The flow the state names (flowId at flowVersion). */
  flow: FlowDocument;
  now: Date;
  /** A calendar of the hotline configuration. */
  calendar(calendarId: string): Calendar | undefined;
  /** Whether a configured caller list holds the number; undefined when there is no such list. */
  listContains(listId: string, number: string): boolean | undefined;
}

export interface CommandRequest {
  commandId: string;
  command: CallCommand;
  queue?: { queueId: string; priority: number; skills: { skill: string; minLevel: number }[] };
}

/** An event to publish; `seed` is unique per call visit, for a stable event id on replay. */
export type EmittedEvent = {
  [T in EventType]: { type: T; data: EventData<T>; seed: string };
}[EventType];

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export type StoredCollection = 'ivr-voicemails' | 'ivr-callbacks' | 'ivr-surveys';

export type Effect =
  | { kind: 'http'; requestId: string; request: HttpRequest }
  | { kind: 'load-flow'; requestId: string; flowId: string }
  | { kind: 'store'; collection: StoredCollection; id: string; document: Record<string, unknown> };

/** One line of what happened, for the simulator and logs. */
export interface TraceEntry {
  nodeId: string;
  nodeType: string;
  what: string;
}

export interface StepResult {
  state: CallFlowState;
  commands: CommandRequest[];
  events: EmittedEvent[];
  effects: Effect[];
  trace: TraceEntry[];
  /** The input was not the one awaited (a duplicate or stale delivery): nothing changed. */
  ignored: boolean;
}
