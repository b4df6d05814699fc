/** Document-store collection names of provisioned resources; services read these directly. */
export const Collections = {
  tenants: 'tenants',
  apiKeys: 'api-keys',
  users: 'users',
  agents: 'agents',
  skills: 'skills',
  queues: 'queues',
  hotlines: 'hotlines',
  /** One document per E.164 number, `_id` = the number: its unique id makes numbers unique across tenants. */
  numberClaims: 'number-claims',
  flows: 'flows',
  /** Immutable published versions of flows, `_id` = `<flowId>:v<version>` (flowVersionId). */
  flowVersions: 'flow-versions',
  calendars: 'calendars',
  prompts: 'prompts',
  /** WAV bytes of prompts (base64), `_id` = the prompt id; kept apart so prompt lists stay small. */
  promptAudio: 'prompt-audio',
  dispositionCodes: 'disposition-codes',
  sites: 'sites',
  auditLog: 'audit-log',
  idempotencyKeys: 'idempotency-keys',
  /** config.changed events whose publish failed after their write; retried until sent. */
  configOutbox: 'config-outbox',
} as const;

export type CollectionName = (typeof Collections)[keyof typeof Collections];

/**
 * `data.resource` of config.changed events (hotline.config.v1, keyed by tenant): consumers
 * reload the named document (`resourceId`) from the collection above when it is one they use.
 */
export const ResourceNames = {
  tenant: 'tenant',
  apiKey: 'api-key',
  user: 'user',
  agent: 'agent',
  skill: 'skill',
  queue: 'queue',
  hotline: 'hotline',
  flow: 'flow',
  calendar: 'calendar',
  prompt: 'prompt',
  dispositionCode: 'disposition-code',
  site: 'site',
} as const;

export type ResourceName = (typeof ResourceNames)[keyof typeof ResourceNames];
