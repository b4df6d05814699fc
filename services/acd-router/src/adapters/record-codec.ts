// Agent and call records <-> live-state hash fields. The reserve script writes some of these
// fields directly (state, since, i:<call>, load:<channel>, agent, resv, resvAt), so the names here
// and there must agree. A call's `others` and `gone` (agents who joined or left a connected call)
// are written only by the commit script, which writes whatever fields it is given: no script
// reads them.

import type { AgentStatus, PendingState } from '../domain/agent-state-machine';
import {
  type AgentRecord,
  type CallRecord,
  type CallState,
  parseQueueList,
  queueListText,
} from '../domain/records';
import type { AgentProfile, AgentState, AttributeValue, CallbackSpec, CallSpec } from '../domain/types';

// Profiles repeat from read to read; parsing each JSON text once keeps routing reads cheap. The
// parsed values are shared, so nothing may modify them in place.
const parsed = new Map<string, unknown>();
function parseShared<T>(text: string): T {
  let value = parsed.get(text);
  if (value === undefined) {
    if (parsed.size >= 50_000) parsed.clear();
    value = JSON.parse(text) as unknown;
    parsed.set(text, value);
  }
  return value as T;
}

const num = (text: string | undefined, fallback = 0) =>
  text === undefined || text === '' ? fallback : Number(text);
/** Ids joined by commas (ids have none). */
const idList = (text: string | undefined) => (text ?? '').split(',').filter(Boolean);
const opt = (text: string | undefined) => (text === undefined || text === '' ? undefined : Number(text));

export function decodeAgent(
  tenantId: string,
  agentId: string,
  h: Record<string, string>,
): AgentRecord | null {
  if (h.v === undefined || h.state === undefined) return null;
  const interactions: Record<string, string> = {};
  const capacity: Record<string, number> = {};
  for (const [field, value] of Object.entries(h)) {
    if (field.startsWith('i:')) interactions[field.slice(2)] = value;
    else if (field.startsWith('cap:')) capacity[field.slice(4)] = Number(value);
  }
  const status: AgentStatus = {
    agentId,
    state: h.state as AgentState,
    since: num(h.since),
    idleSince: num(h.idle),
    interactions,
    capacity,
    misses: num(h.misses),
    handled: num(h.handled),
    wrapUpExtendedMs: num(h.wrapx),
  };
  if (h.reason) status.reason = h.reason;
  if (h.lock) status.lockedUntil = Number(h.lock);
  if (h.pending) status.pending = JSON.parse(h.pending) as PendingState;
  if (h.wrap) status.wrapUpUntil = Number(h.wrap);
  const queues = parseQueueList(h.queues);
  const profile: AgentProfile = {
    tenantId,
    agentId,
    skills: h.skills ? parseShared<Record<string, number>>(h.skills) : {},
    attributes: h.attrs ? parseShared<Record<string, AttributeValue>>(h.attrs) : {},
    queueIds: queues.map((q) => q.queueId),
    capacity,
    active: true,
  };
  return { agentId, version: h.v, status, profile, queues, stored: h };
}

export function encodeAgent(
  record: Pick<AgentRecord, 'status' | 'profile' | 'queues'>,
  version: string,
): Record<string, string> {
  const { status, profile, queues } = record;
  const fields: Record<string, string> = {
    v: version,
    state: status.state,
    since: String(status.since),
    idle: String(status.idleSince),
    misses: String(status.misses),
    handled: String(status.handled),
    wrapx: String(status.wrapUpExtendedMs),
    queues: queueListText(queues),
    skills: JSON.stringify(profile.skills),
    attrs: JSON.stringify(profile.attributes),
  };
  if (status.reason) fields.reason = status.reason;
  if (status.lockedUntil !== undefined) fields.lock = String(status.lockedUntil);
  if (status.pending) fields.pending = JSON.stringify(status.pending);
  if (status.wrapUpUntil !== undefined) fields.wrap = String(status.wrapUpUntil);
  const load: Record<string, number> = {};
  for (const [callId, channel] of Object.entries(status.interactions)) {
    fields[`i:${callId}`] = channel;
    load[channel] = (load[channel] ?? 0) + 1;
  }
  for (const [channel, cap] of Object.entries(status.capacity)) {
    fields[`cap:${channel}`] = String(cap);
    fields[`load:${channel}`] = String(load[channel] ?? 0);
  }
  for (const [channel, n] of Object.entries(load)) fields[`load:${channel}`] ??= String(n);
  return fields;
}

export function decodeCall(tenantId: string, callId: string, h: Record<string, string>): CallRecord | null {
  if (h.v === undefined || h.state === undefined) return null;
  const spec: CallSpec = {
    tenantId,
    callId,
    queueId: h.q ?? '',
    priority: num(h.prio),
    requiredSkills: h.skills ? parseShared<CallSpec['requiredSkills']>(h.skills) : [],
    attached: h.att ? parseShared<Record<string, string>>(h.att) : {},
    enqueuedAt: num(h.enq),
    queueJoinedAt: num(h.qjoin),
  };
  if (h.tp) spec.traceparent = h.tp;
  if (h.cb) spec.callback = { ...parseShared<CallbackSpec>(h.cb) };
  if (h.sticky) {
    spec.stickyAgentId = h.sticky;
    spec.stickyUntil = num(h.stickyUntil);
  }
  const record: CallRecord = {
    version: h.v,
    spec,
    state: h.state as CallState,
    score: num(h.score),
    channel: h.chan ?? 'voice',
    excluded: (h.excl ?? '').split(',').filter(Boolean),
    stored: h,
  };
  if (h.agent) record.agentId = h.agent;
  const others = idList(h.others);
  if (others.length > 0) record.others = others;
  const gone = idList(h.gone);
  if (gone.length > 0) record.gone = gone;
  if (h.resv) record.reservationId = h.resv;
  const reservedAt = opt(h.resvAt);
  if (reservedAt !== undefined) record.reservedAt = reservedAt;
  if (h.caller) record.callerKey = h.caller;
  const announced = opt(h.pos);
  if (announced !== undefined) record.announcedPosition = announced;
  const announcedAt = opt(h.posAt);
  if (announcedAt !== undefined) record.announcedAt = announcedAt;
  return record;
}

export function encodeCall(
  record: Omit<CallRecord, 'version' | 'stored'>,
  version: string,
): Record<string, string> {
  const { spec } = record;
  const fields: Record<string, string> = {
    v: version,
    state: record.state,
    q: spec.queueId,
    prio: String(spec.priority),
    score: String(record.score),
    enq: String(spec.enqueuedAt),
    qjoin: String(spec.queueJoinedAt),
    skills: JSON.stringify(spec.requiredSkills),
    att: JSON.stringify(spec.attached),
    chan: record.channel,
    excl: record.excluded.length > 0 ? `,${record.excluded.join(',')},` : '',
  };
  if (spec.traceparent) fields.tp = spec.traceparent;
  if (spec.callback) fields.cb = JSON.stringify(spec.callback);
  if (spec.stickyAgentId && spec.stickyUntil !== undefined) {
    fields.sticky = spec.stickyAgentId;
    fields.stickyUntil = String(spec.stickyUntil);
  }
  if (record.agentId) fields.agent = record.agentId;
  if (record.others && record.others.length > 0) fields.others = record.others.join(',');
  if (record.gone && record.gone.length > 0) fields.gone = record.gone.join(',');
  if (record.reservationId) fields.resv = record.reservationId;
  if (record.reservedAt !== undefined) fields.resvAt = String(record.reservedAt);
  if (record.callerKey) fields.caller = record.callerKey;
  if (record.announcedPosition !== undefined) fields.pos = String(record.announcedPosition);
  if (record.announcedAt !== undefined) fields.posAt = String(record.announcedAt);
  return fields;
}
