import { createHash } from 'node:crypto';
import { makeEvent, type EventData, type EventType, type HotlineEvent } from '@hotline/contracts';

// Scripted events for tests: a call or an agent day written as "at second N, this happened",
// with stable event ids so two runs of a script are the same events.

function stableId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class EventScript {
  readonly events: HotlineEvent[] = [];

  constructor(
    readonly tenantId: string,
    private readonly startMs: number,
    private readonly seed: string,
  ) {}

  /** Adds an event at `second` seconds after the script's start. */
  at<T extends EventType>(second: number, type: T, data: EventData<T>): this {
    this.events.push(
      makeEvent({
        type,
        tenantId: this.tenantId,
        source: 'test-script',
        data,
        occurredAt: new Date(this.startMs + second * 1000),
        id: stableId(`${this.seed}:${this.events.length}:${type}`),
      }) as HotlineEvent,
    );
    return this;
  }
}

export interface ScriptedCalls {
  events: HotlineEvent[];
  callIds: { full: string; abandoned: string; callback: string; voicemail: string; quick: string };
}

/**
 * A small day: a full call (IVR menu, queue, first agent does not answer, second answers, holds,
 * transfers to a third, caller hangs up, survey), a quick answer, an abandon in queue, a
 * callback request and a voicemail. `startMs` should sit at a 15-minute boundary.
 */
export function scriptedDay(tenantId: string, startMs: number, prefix = 'c'): ScriptedCalls {
  const full = `${prefix}-full`;
  const quick = `${prefix}-quick`;
  const abandoned = `${prefix}-abandoned`;
  const callback = `${prefix}-callback`;
  const voicemail = `${prefix}-voicemail`;
  const offered = (callId: string, ani: string) =>
    ({
      callId,
      legId: `${callId}-caller`,
      direction: 'inbound',
      ani,
      dnis: '+4930999000',
      siteId: 'site-1',
      hotlineId: 'hl-main',
    }) as const;
  const s = new EventScript(tenantId, startMs, `${tenantId}:${prefix}`);
  const ready = (second: number, agentId: string, from: 'logged-out' | 'not-ready' = 'logged-out') =>
    s.at(second, 'agent.state.changed', { agentId, from, to: 'ready' });

  ready(0, 'a1');
  ready(0, 'a2');
  ready(0, 'a3');
  // The full call.
  s.at(10, 'call.offered', offered(full, '+4915100001'))
    .at(11, 'call.answered', { callId: full, legId: `${full}-caller`, answeredBy: 'ivr' })
    .at(11, 'ivr.node.entered', {
      callId: full,
      flowId: 'main',
      flowVersion: 1,
      nodeId: 'welcome',
      nodeType: 'play',
    })
    .at(14, 'ivr.node.entered', {
      callId: full,
      flowId: 'main',
      flowVersion: 1,
      nodeId: 'menu',
      nodeType: 'menu',
    })
    .at(18, 'ivr.input.collected', {
      callId: full,
      flowId: 'main',
      nodeId: 'menu',
      digits: '1',
      outcome: 'match',
      attempt: 1,
    })
    .at(18, 'ivr.node.entered', {
      callId: full,
      flowId: 'main',
      flowVersion: 1,
      nodeId: 'sales',
      nodeType: 'enqueue',
    })
    .at(18, 'queue.joined', {
      callId: full,
      queueId: 'sales',
      priority: 10,
      skills: [],
      position: 1,
      attached: { crm: 'vip', note: '=HYPERLINK("x")' },
    })
    .at(19, 'agent.reserved', {
      agentId: 'a1',
      callId: full,
      queueId: 'sales',
      reservationId: 'r1',
      decisionId: 'd1',
      ringTimeoutMs: 20_000,
    })
    .at(19, 'agent.state.changed', { agentId: 'a1', from: 'ready', to: 'reserved', callId: full })
    .at(20, 'agent.state.changed', { agentId: 'a1', from: 'reserved', to: 'ringing', callId: full })
    .at(39, 'call.command.completed', {
      commandId: 'r1',
      callId: full,
      action: 'bridge',
      outcome: 'no-answer',
    })
    .at(39, 'agent.reservation.ended', {
      agentId: 'a1',
      callId: full,
      reservationId: 'r1',
      outcome: 'no-answer',
      misses: 1,
    })
    .at(39, 'agent.state.changed', {
      agentId: 'a1',
      from: 'ringing',
      to: 'not-ready',
      reason: 'system:ring-no-answer',
    })
    .at(40, 'agent.reserved', {
      agentId: 'a2',
      callId: full,
      queueId: 'sales',
      reservationId: 'r2',
      decisionId: 'd2',
      ringTimeoutMs: 20_000,
    })
    .at(40, 'agent.state.changed', { agentId: 'a2', from: 'ready', to: 'reserved', callId: full })
    .at(41, 'agent.state.changed', { agentId: 'a2', from: 'reserved', to: 'ringing', callId: full })
    .at(45, 'call.answered', { callId: full, legId: `${full}-a2`, answeredBy: 'agent', agentId: 'a2' })
    .at(45, 'call.bridged', {
      callId: full,
      legIds: [`${full}-caller`, `${full}-a2`],
      agentId: 'a2',
      queueId: 'sales',
    })
    .at(45, 'agent.reservation.ended', {
      agentId: 'a2',
      callId: full,
      reservationId: 'r2',
      outcome: 'answered',
      misses: 0,
    })
    .at(45, 'queue.left', { callId: full, queueId: 'sales', reason: 'reserved', waitMs: 27_000 })
    .at(45, 'agent.state.changed', { agentId: 'a2', from: 'ringing', to: 'on-call', callId: full })
    .at(45, 'recording.started', { callId: full, recordingId: 'rec-1', trigger: 'policy' })
    .at(105, 'call.held', { callId: full, legId: `${full}-caller`, by: 'agent' })
    .at(105, 'agent.state.changed', { agentId: 'a2', from: 'on-call', to: 'on-hold', callId: full })
    .at(135, 'call.resumed', { callId: full, legId: `${full}-caller`, by: 'agent' })
    .at(135, 'agent.state.changed', { agentId: 'a2', from: 'on-hold', to: 'on-call', callId: full })
    .at(195, 'call.transferred', {
      callId: full,
      kind: 'blind',
      fromAgentId: 'a2',
      target: { type: 'agent', agentId: 'a3' },
    })
    .at(195, 'agent.state.changed', { agentId: 'a2', from: 'on-call', to: 'wrap-up', callId: full })
    .at(200, 'call.bridged', { callId: full, legIds: [`${full}-caller`, `${full}-a3`], agentId: 'a3' })
    .at(200, 'agent.state.changed', { agentId: 'a3', from: 'ready', to: 'on-call', callId: full })
    .at(225, 'agent.state.changed', { agentId: 'a2', from: 'wrap-up', to: 'ready' })
    .at(255, 'survey.answered', { callId: full, flowId: 'survey', nodeId: 's1', surveyId: 'csat', score: 4 })
    .at(260, 'call.ended', { callId: full, cause: 'caller-hangup', by: 'caller', durationMs: 250_000 })
    .at(260, 'recording.stopped', {
      callId: full,
      recordingId: 'rec-1',
      reason: 'call-ended',
      durationMs: 215_000,
    })
    .at(260, 'agent.state.changed', { agentId: 'a3', from: 'on-call', to: 'wrap-up', callId: full })
    .at(270, 'agent.state.changed', { agentId: 'a3', from: 'wrap-up', to: 'ready' });
  // A quick answer: 10 s in queue, within service level.
  s.at(300, 'call.offered', offered(quick, '+4915100001'))
    .at(300, 'queue.joined', { callId: quick, queueId: 'sales', priority: 5, skills: [], position: 1 })
    .at(301, 'agent.reserved', {
      agentId: 'a2',
      callId: quick,
      queueId: 'sales',
      reservationId: 'r3',
      decisionId: 'd3',
      ringTimeoutMs: 20_000,
    })
    .at(301, 'agent.state.changed', { agentId: 'a2', from: 'ready', to: 'reserved', callId: quick })
    .at(310, 'call.answered', { callId: quick, legId: `${quick}-a2`, answeredBy: 'agent', agentId: 'a2' })
    .at(310, 'agent.reservation.ended', {
      agentId: 'a2',
      callId: quick,
      reservationId: 'r3',
      outcome: 'answered',
      misses: 0,
    })
    .at(310, 'queue.left', { callId: quick, queueId: 'sales', reason: 'reserved', waitMs: 10_000 })
    .at(310, 'agent.state.changed', { agentId: 'a2', from: 'reserved', to: 'on-call', callId: quick })
    .at(400, 'call.ended', { callId: quick, cause: 'agent-hangup', by: 'agent', durationMs: 100_000 })
    .at(400, 'agent.state.changed', { agentId: 'a2', from: 'on-call', to: 'wrap-up', callId: quick })
    .at(420, 'agent.state.changed', { agentId: 'a2', from: 'wrap-up', to: 'ready' });
  // The caller gives up after 45 s in the support queue.
  s.at(500, 'call.offered', offered(abandoned, '+4915100002'))
    .at(500, 'call.answered', { callId: abandoned, legId: `${abandoned}-caller`, answeredBy: 'ivr' })
    .at(502, 'queue.joined', { callId: abandoned, queueId: 'support', priority: 5, skills: [], position: 1 })
    .at(547, 'call.ended', { callId: abandoned, cause: 'caller-hangup', by: 'caller', durationMs: 47_000 });
  // A callback request instead of waiting.
  s.at(600, 'call.offered', offered(callback, '+4915100003'))
    .at(600, 'call.answered', { callId: callback, legId: `${callback}-caller`, answeredBy: 'ivr' })
    .at(602, 'queue.joined', { callId: callback, queueId: 'support', priority: 5, skills: [], position: 1 })
    .at(620, 'callback.requested', {
      callId: callback,
      callbackId: 'cb-1',
      queueId: 'support',
      number: '+4915100003',
      priority: 5,
      skills: [],
      placeSince: new Date(startMs + 602_000).toISOString(),
    })
    .at(620, 'queue.left', { callId: callback, queueId: 'support', reason: 'callback', waitMs: 18_000 })
    .at(625, 'call.ended', { callId: callback, cause: 'caller-hangup', by: 'caller', durationMs: 25_000 });
  // A voicemail.
  s.at(700, 'call.offered', offered(voicemail, '+4915100004'))
    .at(700, 'call.answered', { callId: voicemail, legId: `${voicemail}-caller`, answeredBy: 'ivr' })
    .at(730, 'voicemail.recorded', {
      callId: voicemail,
      recordingId: 'vm-1',
      mailbox: 'sales',
      flowId: 'main',
      durationMs: 25_400,
      endedBy: 'key',
    })
    .at(731, 'call.ended', { callId: voicemail, cause: 'caller-hangup', by: 'caller', durationMs: 31_000 });
  return { events: s.events, callIds: { full, quick, abandoned, callback, voicemail } };
}

/** A call that joins sales 802 s after `startMs` and is still waiting at the script's end. */
export function waitingCall(tenantId: string, startMs: number): HotlineEvent[] {
  return new EventScript(tenantId, startMs, `${tenantId}:waiting`)
    .at(800, 'call.offered', {
      callId: 'c-waiting',
      legId: 'c-waiting-caller',
      direction: 'inbound',
      ani: '+4915100009',
      dnis: '+4930999000',
      siteId: 'site-1',
    })
    .at(802, 'queue.joined', { callId: 'c-waiting', queueId: 'sales', priority: 5, skills: [], position: 1 })
    .events;
}

/** A deterministic shuffle (tests of arrival order). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
