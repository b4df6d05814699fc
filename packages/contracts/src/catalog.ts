import type { z } from 'zod';
import { agentReserved, agentStateChanged } from './agent-events';
import {
  agentCommandRejected,
  agentCommandRequested,
  agentReservationEnded,
  queuePositionChanged,
  queueRejected,
  routingDecisionMade,
} from './acd-events';
import {
  callAnswered,
  callBridged,
  callEnded,
  callHeld,
  callOffered,
  callResumed,
  callTransferred,
} from './call-events';
import { callCommandCompleted, callCommandRequested } from './call-commands';
import { configChanged } from './config-events';
import { ivrInputCollected, ivrNodeEntered } from './ivr-events';
import { callbackRequested, surveyAnswered, voicemailRecorded } from './ivr-outcome-events';
import { queueAbandoned, queueJoined, queueLeft } from './queue-events';
import { callbackAttempted, callbackEnded } from './callback-events';
import { recordingPaused, recordingStarted, recordingStopped } from './recording-events';
import { Topics, type KeyKind, type TopicName } from './topics';

interface EventSpec<S extends z.ZodType> {
  readonly version: number;
  readonly topic: TopicName;
  /** Which field of `data` is the partition key. */
  readonly keyField: KeyKind;
  readonly schema: S;
}

const spec = <S extends z.ZodType>(
  topic: TopicName,
  keyField: KeyKind,
  schema: S,
  version = 1,
): EventSpec<S> => ({
  version,
  topic,
  keyField,
  schema,
});

/**
 * Every event type the system emits, its current version, its topic and its key. Adding a
 * breaking change means a new version here, and consumers accepting both for a while.
 */
export const eventCatalog = {
  'call.offered': spec(Topics.calls, 'callId', callOffered),
  'call.answered': spec(Topics.calls, 'callId', callAnswered),
  'call.bridged': spec(Topics.calls, 'callId', callBridged),
  'call.held': spec(Topics.calls, 'callId', callHeld),
  'call.resumed': spec(Topics.calls, 'callId', callResumed),
  'call.transferred': spec(Topics.calls, 'callId', callTransferred),
  'call.ended': spec(Topics.calls, 'callId', callEnded),
  'call.command.requested': spec(Topics.callCommands, 'callId', callCommandRequested),
  'call.command.completed': spec(Topics.calls, 'callId', callCommandCompleted),
  'ivr.node.entered': spec(Topics.ivr, 'callId', ivrNodeEntered),
  'ivr.input.collected': spec(Topics.ivr, 'callId', ivrInputCollected),
  'survey.answered': spec(Topics.ivr, 'callId', surveyAnswered),
  'voicemail.recorded': spec(Topics.ivr, 'callId', voicemailRecorded),
  'callback.requested': spec(Topics.ivr, 'callId', callbackRequested),
  'callback.attempted': spec(Topics.queues, 'callId', callbackAttempted),
  'callback.ended': spec(Topics.queues, 'callId', callbackEnded),
  'queue.joined': spec(Topics.queues, 'callId', queueJoined),
  'queue.left': spec(Topics.queues, 'callId', queueLeft),
  'queue.abandoned': spec(Topics.queues, 'callId', queueAbandoned),
  'agent.reserved': spec(Topics.agents, 'agentId', agentReserved),
  'agent.state.changed': spec(Topics.agents, 'agentId', agentStateChanged),
  'agent.command.requested': spec(Topics.agents, 'agentId', agentCommandRequested),
  'agent.command.rejected': spec(Topics.agents, 'agentId', agentCommandRejected),
  'agent.reservation.ended': spec(Topics.agents, 'agentId', agentReservationEnded),
  'routing.decision.made': spec(Topics.queues, 'callId', routingDecisionMade),
  'queue.position.changed': spec(Topics.queues, 'callId', queuePositionChanged),
  'queue.rejected': spec(Topics.queues, 'callId', queueRejected),
  'recording.started': spec(Topics.recordings, 'callId', recordingStarted),
  'recording.stopped': spec(Topics.recordings, 'callId', recordingStopped),
  'recording.paused': spec(Topics.recordings, 'callId', recordingPaused),
  'config.changed': spec(Topics.config, 'tenantId', configChanged),
} as const;

export type EventType = keyof typeof eventCatalog;
export type EventData<T extends EventType> = z.infer<(typeof eventCatalog)[T]['schema']>;

export const eventTypes = Object.keys(eventCatalog) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventCatalog, type);
}
