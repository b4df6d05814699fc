import type { HotlineEvent } from '@hotline/contracts';
import { inOccurrenceOrder, msBetween, secondsBetween } from './event-order';
import type {
  AgentLeg,
  CallDetailRecord,
  CallOutcome,
  OfferLeg,
  OfferOutcome,
  QueueLeg,
  QueueOutcome,
  TransferRecord,
} from './types';

/** The event types a call detail record is folded from. */
export const callEventTypes = new Set<string>([
  'call.offered',
  'call.answered',
  'call.bridged',
  'call.held',
  'call.resumed',
  'call.transferred',
  'call.ended',
  'call.command.completed',
  'ivr.node.entered',
  'ivr.input.collected',
  'survey.answered',
  'voicemail.recorded',
  'callback.requested',
  'queue.joined',
  'queue.left',
  'queue.abandoned',
  'queue.rejected',
  'agent.reserved',
  'agent.reservation.ended',
  'recording.started',
  'recording.stopped',
]);

const leftReason: Record<string, QueueOutcome> = {
  reserved: 'answered',
  overflow: 'overflow',
  'max-wait': 'max-wait',
  transfer: 'transfer',
  callback: 'callback',
};

/** The edge's answer to the ACD's bridge command (commandId = reservation id), as an offer outcome. */
const bridgeOutcome: Record<string, OfferOutcome> = {
  done: 'answered',
  'no-answer': 'no-answer',
  timeout: 'timeout',
  rejected: 'rejected',
  busy: 'rejected',
  failed: 'failed',
  'call-gone': 'call-gone',
  interrupted: 'call-gone',
};

interface OpenLeg {
  leg: AgentLeg;
  holdStartedAt: string | null;
  holdMs: number;
}

/**
 * Folds every event of one call into its call detail record. Pure and order-independent: the
 * events are deduplicated by id and sorted by occurrence first, so a replay, a duplicate or a late
 * event from another topic gives the same record. `tenantId`/`callId` name the record even when
 * no call.offered has arrived yet (a partial record is still useful in real time).
 */
export function buildCdr(tenantId: string, callId: string, input: readonly HotlineEvent[]): CallDetailRecord {
  const events = inOccurrenceOrder(
    input.filter((e) => e.tenantId === tenantId && callEventTypes.has(e.type)),
  );
  const first = events[0];
  const cdr: CallDetailRecord = {
    tenantId,
    callId,
    direction: null,
    ani: null,
    dnis: null,
    trunk: null,
    siteId: null,
    hotlineId: null,
    startedAt: first?.occurredAt ?? new Date(0).toISOString(),
    answeredAt: null,
    agentAnsweredAt: null,
    endedAt: null,
    status: 'active',
    outcome: 'active',
    endCause: null,
    endedBy: null,
    sipStatus: null,
    durationSec: 0,
    ivrSec: 0,
    waitSec: 0,
    ringSec: 0,
    talkSec: 0,
    holdSec: 0,
    ivr: { path: [], inputs: [] },
    attached: {},
    queues: [],
    offers: [],
    agentLegs: [],
    transfers: [],
    recordings: [],
    surveys: [],
    voicemail: null,
    callback: null,
    queueIds: [],
    agentIds: [],
    eventCount: events.length,
    lastEventAt: events.at(-1)?.occurredAt ?? new Date(0).toISOString(),
  };
  let ivrAnsweredAt = null as string | null;
  let open = null as OpenLeg | null;

  const openQueue = (): QueueLeg | undefined => cdr.queues.findLast((q) => q.outcome === 'waiting');
  const closeQueue = (leg: QueueLeg, at: string, outcome: QueueOutcome): void => {
    leg.leftAt = at;
    leg.waitMs = msBetween(leg.joinedAt, at);
    leg.waitSec = secondsBetween(leg.joinedAt, at);
    leg.outcome = outcome;
  };
  const closeOffer = (offer: OfferLeg, at: string, outcome: OfferOutcome): void => {
    if (offer.outcome !== 'ringing') return;
    offer.endedAt = at;
    offer.outcome = outcome;
    offer.ringSec = secondsBetween(offer.offeredAt, at);
  };
  const endAgentLeg = (at: string, endedBy: AgentLeg['endedBy']): void => {
    if (!open) return;
    if (open.holdStartedAt) open.holdMs += msBetween(open.holdStartedAt, at);
    const { leg } = open;
    leg.endedAt = at;
    leg.endedBy = endedBy;
    const connectedMs = msBetween(leg.answeredAt, at);
    leg.holdSec = Math.round(open.holdMs / 1000);
    leg.talkSec = Math.max(0, Math.round((connectedMs - open.holdMs) / 1000));
    open = null;
  };
  const agentAnswered = (at: string, agentId: string, queueId: string | undefined): void => {
    if (open?.leg.agentId === agentId) return; // call.answered and call.bridged report one answer
    if (open) endAgentLeg(at, 'transfer');
    cdr.answeredAt ??= at;
    cdr.agentAnsweredAt ??= at;
    const waiting = openQueue();
    if (waiting) {
      closeQueue(waiting, at, 'answered');
      waiting.agentId = agentId;
    }
    for (const offer of cdr.offers) if (offer.agentId === agentId) closeOffer(offer, at, 'answered');
    // A call transferred straight to another agent still counts for the queue it came from.
    const fromQueue =
      queueId ??
      waiting?.queueId ??
      cdr.queues.findLast((q) => q.agentId === agentId)?.queueId ??
      cdr.agentLegs.at(-1)?.queueId ??
      null;
    const leg: AgentLeg = {
      agentId,
      queueId: fromQueue,
      answeredAt: at,
      endedAt: null,
      talkSec: 0,
      holdSec: 0,
      holds: 0,
      endedBy: null,
    };
    cdr.agentLegs.push(leg);
    open = { leg, holdStartedAt: null, holdMs: 0 };
  };

  for (const event of events) {
    const at = event.occurredAt;
    switch (event.type) {
      case 'call.offered': {
        const d = event.data;
        cdr.startedAt = at;
        cdr.direction = d.direction;
        cdr.ani = d.ani;
        cdr.dnis = d.dnis;
        cdr.trunk = d.trunk ?? null;
        cdr.siteId = d.siteId;
        cdr.hotlineId = d.hotlineId ?? null;
        break;
      }
      case 'call.answered':
        if (event.data.answeredBy === 'agent' && event.data.agentId)
          agentAnswered(at, event.data.agentId, undefined);
        else {
          cdr.answeredAt ??= at;
          if (event.data.answeredBy === 'ivr') ivrAnsweredAt ??= at;
        }
        break;
      case 'call.bridged':
        if (event.data.agentId) agentAnswered(at, event.data.agentId, event.data.queueId);
        break;
      case 'call.held':
        if (open && !open.holdStartedAt) {
          open.holdStartedAt = at;
          open.leg.holds++;
        }
        break;
      case 'call.resumed':
        if (open?.holdStartedAt) {
          open.holdMs += msBetween(open.holdStartedAt, at);
          open.holdStartedAt = null;
        }
        break;
      case 'call.transferred': {
        const d = event.data;
        const t = d.target;
        const transfer: TransferRecord = {
          at,
          kind: d.kind,
          fromAgentId: d.fromAgentId ?? open?.leg.agentId ?? null,
          targetType: t.type,
          target:
            t.type === 'agent'
              ? t.agentId
              : t.type === 'queue'
                ? t.queueId
                : t.type === 'flow'
                  ? t.flowId
                  : t.number,
        };
        cdr.transfers.push(transfer);
        if (open && (!d.fromAgentId || d.fromAgentId === open.leg.agentId)) endAgentLeg(at, 'transfer');
        break;
      }
      case 'call.ended': {
        const d = event.data;
        if (cdr.endedAt) break; // a second leg's end after the call's end changes nothing
        cdr.endedAt = at;
        cdr.status = 'ended';
        cdr.endCause = d.cause;
        cdr.endedBy = d.by;
        cdr.sipStatus = d.sipStatus ?? null;
        const waiting = openQueue();
        if (waiting) closeQueue(waiting, at, 'abandoned');
        for (const offer of cdr.offers) closeOffer(offer, at, 'call-gone');
        endAgentLeg(at, 'hangup');
        break;
      }
      case 'call.command.completed': {
        const d = event.data;
        if (d.action !== 'bridge') break;
        const offer = cdr.offers.find((o) => o.reservationId === d.commandId);
        if (offer) closeOffer(offer, at, bridgeOutcome[d.outcome] ?? 'failed');
        break;
      }
      case 'ivr.node.entered':
        cdr.ivr.path.push({
          at,
          flowId: event.data.flowId,
          nodeId: event.data.nodeId,
          nodeType: event.data.nodeType,
        });
        break;
      case 'ivr.input.collected': {
        const d = event.data;
        cdr.ivr.inputs.push({
          at,
          nodeId: d.nodeId,
          digits: d.digits,
          outcome: d.outcome,
          attempt: d.attempt,
        });
        break;
      }
      case 'survey.answered':
        cdr.surveys.push({ at, surveyId: event.data.surveyId, score: event.data.score });
        break;
      case 'voicemail.recorded':
        cdr.voicemail = {
          recordingId: event.data.recordingId,
          mailbox: event.data.mailbox,
          durationSec: Math.round(event.data.durationMs / 1000),
        };
        break;
      case 'callback.requested':
        cdr.callback = { callbackId: event.data.callbackId, queueId: event.data.queueId };
        break;
      case 'queue.joined': {
        const d = event.data;
        const waiting = openQueue();
        if (waiting?.queueId === d.queueId) break; // announced twice (IVR and ACD): one stay
        if (waiting) closeQueue(waiting, at, 'overflow');
        cdr.queues.push({
          queueId: d.queueId,
          joinedAt: at,
          leftAt: null,
          waitMs: 0,
          waitSec: 0,
          outcome: 'waiting',
          position: d.position,
          priority: d.priority,
        });
        Object.assign(cdr.attached, d.attached ?? {});
        break;
      }
      case 'queue.left': {
        const d = event.data;
        const waiting = openQueue();
        if (!waiting || waiting.queueId !== d.queueId) break;
        closeQueue(waiting, at, leftReason[d.reason] ?? 'transfer');
        if (d.overflowTo) waiting.overflowTo = d.overflowTo;
        if (d.reason === 'reserved') {
          const agentId = cdr.offers.findLast((o) => o.queueId === d.queueId)?.agentId;
          if (agentId) waiting.agentId = agentId;
        }
        break;
      }
      case 'queue.abandoned': {
        const waiting = openQueue();
        if (waiting?.queueId === event.data.queueId) closeQueue(waiting, at, 'abandoned');
        break;
      }
      case 'queue.rejected': {
        const d = event.data;
        const waiting = openQueue();
        if (waiting?.queueId === d.queueId) closeQueue(waiting, at, 'rejected');
        else if (!cdr.queues.some((q) => q.queueId === d.queueId && q.outcome === 'rejected'))
          cdr.queues.push({
            queueId: d.queueId,
            joinedAt: at,
            leftAt: at,
            waitMs: 0,
            waitSec: 0,
            outcome: 'rejected',
          });
        break;
      }
      case 'agent.reserved': {
        const d = event.data;
        if (cdr.offers.some((o) => o.reservationId === d.reservationId)) break;
        cdr.offers.push({
          agentId: d.agentId,
          queueId: d.queueId,
          reservationId: d.reservationId,
          offeredAt: at,
          endedAt: null,
          outcome: 'ringing',
          ringSec: 0,
        });
        break;
      }
      case 'agent.reservation.ended': {
        const d = event.data;
        const offer = cdr.offers.find((o) => o.reservationId === d.reservationId);
        if (offer) closeOffer(offer, at, d.outcome);
        break;
      }
      case 'recording.started': {
        const rec = recording(cdr, event.data.recordingId);
        rec.trigger = event.data.trigger;
        rec.startedAt ??= at;
        break;
      }
      case 'recording.stopped': {
        const rec = recording(cdr, event.data.recordingId);
        rec.stoppedAt = at;
        rec.durationSec = Math.round(event.data.durationMs / 1000);
        break;
      }
      default:
        break;
    }
  }

  finish(cdr, ivrAnsweredAt);
  return cdr;
}

function recording(cdr: CallDetailRecord, recordingId: string) {
  let rec = cdr.recordings.find((r) => r.recordingId === recordingId);
  if (!rec) {
    rec = { recordingId, trigger: null, startedAt: null, stoppedAt: null, durationSec: null };
    cdr.recordings.push(rec);
  }
  return rec;
}

function finish(cdr: CallDetailRecord, ivrAnsweredAt: string | null): void {
  const end = cdr.endedAt ?? cdr.lastEventAt;
  cdr.durationSec = secondsBetween(cdr.startedAt, end);
  // The IVR holds the caller from its answer until the call first reaches a queue or an agent.
  if (ivrAnsweredAt) {
    const leftIvr = [cdr.queues[0]?.joinedAt, cdr.agentAnsweredAt, end]
      .filter((x): x is string => !!x)
      .sort()[0];
    cdr.ivrSec = leftIvr ? secondsBetween(ivrAnsweredAt, leftIvr) : 0;
  }
  cdr.waitSec = Math.round(cdr.queues.reduce((s, q) => s + q.waitMs, 0) / 1000);
  cdr.ringSec = cdr.offers.reduce((s, o) => s + o.ringSec, 0);
  cdr.talkSec = cdr.agentLegs.reduce((s, l) => s + l.talkSec, 0);
  cdr.holdSec = cdr.agentLegs.reduce((s, l) => s + l.holdSec, 0);
  cdr.queueIds = [...new Set(cdr.queues.map((q) => q.queueId))];
  cdr.agentIds = [...new Set([...cdr.offers.map((o) => o.agentId), ...cdr.agentLegs.map((l) => l.agentId)])];
  cdr.outcome = outcomeOf(cdr);
}

function outcomeOf(cdr: CallDetailRecord): CallOutcome {
  if (cdr.status === 'active') return 'active';
  if (cdr.agentLegs.length > 0) return 'answered';
  if (cdr.voicemail) return 'voicemail';
  if (cdr.callback || cdr.queues.some((q) => q.outcome === 'callback')) return 'callback';
  if (cdr.queues.some((q) => q.outcome === 'abandoned')) return 'abandoned';
  if (cdr.queues.some((q) => q.outcome === 'rejected' || q.outcome === 'max-wait')) return 'rejected';
  if (cdr.answeredAt) return 'ivr';
  return 'unanswered';
}
