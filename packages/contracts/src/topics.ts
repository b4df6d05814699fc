// Kafka topics and what keys them. Per-key ordering is all Kafka promises, so every event of one
// call shares the call id as key (offered → IVR → queue → answered → ended arrive in order), and
// every agent event shares the agent id.
export const Topics = {
  calls: 'hotline.calls.v1',
  callCommands: 'hotline.call-commands.v1',
  ivr: 'hotline.ivr.v1',
  queues: 'hotline.queues.v1',
  agents: 'hotline.agents.v1',
  recordings: 'hotline.recordings.v1',
  config: 'hotline.config.v1',
  deadLetter: 'hotline.dead-letter.v1',
} as const;

export type TopicName = (typeof Topics)[keyof typeof Topics];

/** What an event's partition key is: the call, the agent or the tenant it concerns. */
export type KeyKind = 'callId' | 'agentId' | 'tenantId';

export const topicKeys: Record<Exclude<TopicName, typeof Topics.deadLetter>, KeyKind> = {
  [Topics.calls]: 'callId',
  [Topics.callCommands]: 'callId',
  [Topics.ivr]: 'callId',
  [Topics.queues]: 'callId',
  [Topics.agents]: 'agentId',
  [Topics.recordings]: 'callId',
  [Topics.config]: 'tenantId',
};

/** Headers a dead-lettered record carries, beside the original bytes. */
export const DeadLetterHeaders = {
  originalTopic: 'x-dlq-original-topic',
  originalPartition: 'x-dlq-original-partition',
  originalOffset: 'x-dlq-original-offset',
  consumerGroup: 'x-dlq-consumer-group',
  errorCode: 'x-dlq-error-code',
  errorMessage: 'x-dlq-error-message',
} as const;
