import type {
  AgentRealtime,
  AgentStateEvent,
  LiveEvent,
  OfferEnded,
  QueueRealtime,
  WaitingCall,
  Wallboard,
} from './live-types';
import { liveEventKinds } from './live-types';

// What the desk knows live: built from the snapshot each (re)connection starts with, then kept
// current by the events that follow. A reconnect brings a new snapshot that replaces everything,
// so nothing missed while disconnected lingers.

export interface LiveView {
  agents: ReadonlyMap<string, AgentRealtime>;
  queues: ReadonlyMap<string, QueueRealtime>;
  waiting: readonly WaitingCall[];
  /** When the last snapshot arrived (0: none yet). */
  syncedAt: number;
}

export const emptyLiveView: LiveView = { agents: new Map(), queues: new Map(), waiting: [], syncedAt: 0 };

const GONE_FROM_QUEUE = /ended|bridged|answered|abandoned|transferred|hangup/i;

export function applyLive(view: LiveView, event: LiveEvent, now: number): LiveView {
  switch (event.kind) {
    case 'snapshot':
      return fromWallboard(event.data, now);
    case 'agent': {
      const agents = new Map(view.agents);
      const known = view.agents.get(event.data.agentId);
      // A direct agent-state push may be newer than reporting's view: keep the newer state,
      // take the day's figures from reporting either way.
      agents.set(
        event.data.agentId,
        known && newer(known.since, event.data.since) ? { ...event.data, ...stateOf(known) } : event.data,
      );
      return { ...view, agents };
    }
    case 'agent-state': {
      const d = event.data;
      const known = view.agents.get(d.agentId);
      if (known && newer(known.since, d.at)) return view;
      const base: AgentRealtime = known ?? {
        agentId: d.agentId,
        state: d.to,
        since: d.at,
        today: { calls: 0, talkMs: 0, holdMs: 0, wrapMs: 0, stateMs: {} },
      };
      const { reason: _r, callId: _c, ...rest } = base;
      const agents = new Map(view.agents);
      agents.set(d.agentId, {
        ...rest,
        state: d.to,
        since: d.at,
        ...(d.reason ? { reason: d.reason } : {}),
        ...(d.callId ? { callId: d.callId } : {}),
      });
      return { ...view, agents };
    }
    case 'offer-ended':
      return view;
    case 'queue': {
      const queues = new Map(view.queues);
      queues.set(event.data.queueId, event.data);
      // An empty queue has nobody waiting, whatever the last snapshot listed.
      const waiting =
        event.data.waiting === 0
          ? view.waiting.filter((w) => w.queueId !== event.data.queueId)
          : view.waiting;
      return { ...view, queues, waiting };
    }
    case 'offer':
      return { ...view, waiting: view.waiting.filter((w) => w.callId !== event.data.callId) };
    case 'call':
      return GONE_FROM_QUEUE.test(event.data.type)
        ? { ...view, waiting: view.waiting.filter((w) => w.callId !== event.data.callId) }
        : view;
    case 'agent-command-rejected':
      return view;
  }
}

/** Whether ISO time `a` is later than `b` (unparseable times are never newer). */
function newer(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return !Number.isNaN(ta) && !Number.isNaN(tb) && ta > tb;
}

type StateFields = Pick<AgentRealtime, 'state' | 'since' | 'reason' | 'callId'>;

function stateOf(a: AgentRealtime): StateFields {
  const kept: StateFields = { state: a.state, since: a.since };
  if (a.reason !== undefined) kept.reason = a.reason;
  if (a.callId !== undefined) kept.callId = a.callId;
  return kept;
}

export function fromWallboard(w: Wallboard, now: number): LiveView {
  return {
    agents: new Map(w.agents.map((a) => [a.agentId, a])),
    queues: new Map(w.queues.map((q) => [q.queueId, q])),
    waiting: [...w.waiting].sort((a, b) => a.joinedAt.localeCompare(b.joinedAt)),
    syncedAt: now,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** One SSE message to a typed event; null (ignored) when it is not what the kind promises. */
export function parseLiveMessage(kind: string, data: string): LiveEvent | null {
  if (!(liveEventKinds as readonly string[]).includes(kind)) return null;
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return null;
  }
  if (!isObject(body)) return null;
  switch (kind) {
    case 'snapshot':
      return Array.isArray(body.agents) && Array.isArray(body.queues)
        ? {
            kind,
            data: {
              agents: body.agents as AgentRealtime[],
              queues: body.queues as QueueRealtime[],
              waiting: Array.isArray(body.waiting) ? (body.waiting as WaitingCall[]) : [],
            },
          }
        : null;
    case 'agent':
      return typeof body.agentId === 'string' && typeof body.state === 'string'
        ? { kind, data: body as unknown as AgentRealtime }
        : null;
    case 'agent-state':
      return typeof body.agentId === 'string' && typeof body.to === 'string' && typeof body.at === 'string'
        ? { kind, data: body as unknown as AgentStateEvent }
        : null;
    case 'offer-ended':
      return typeof body.callId === 'string' && typeof body.reservationId === 'string'
        ? { kind, data: body as unknown as OfferEnded }
        : null;
    case 'queue':
      return typeof body.queueId === 'string' ? { kind, data: body as unknown as QueueRealtime } : null;
    case 'offer':
      return typeof body.callId === 'string' && typeof body.reservationId === 'string'
        ? {
            kind,
            data: {
              reservationId: body.reservationId,
              callId: body.callId,
              queueId: typeof body.queueId === 'string' ? body.queueId : '',
              ringTimeoutMs: typeof body.ringTimeoutMs === 'number' ? body.ringTimeoutMs : 20_000,
              context: isObject(body.context) ? (body.context as never) : null,
            },
          }
        : null;
    case 'call':
      return typeof body.callId === 'string' && typeof body.type === 'string'
        ? { kind, data: body as { type: string; callId: string } }
        : null;
    case 'agent-command-rejected':
      return { kind, data: body };
    default:
      return null;
  }
}
