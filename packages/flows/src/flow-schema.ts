import { z } from 'zod';
import { idSchema, promptRefSchema, requiredSkillSchema } from '@hotline/contracts';

// An IVR flow is data: a graph of typed nodes joined by node ids. The API validates a flow on
// publish (validate-flow.ts) and stores each published version unchanged; the engine runs a given
// version for the whole call, so a publish mid-call never changes a call's path.

export const nodeIdSchema = idSchema;
/** Flow variables: plain names, so `customer_tier` reads the same in every expression. */
export const variableNameSchema = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'a variable name: letters, digits and _, not starting with a digit')
  .refine((name) => name !== 'call' && name !== 'input', 'call and input are reserved names');
/** An expression in the condition language (see expression/). */
export const expressionSchema = z.string().min(1).max(2000);
export const scalarSchema = z.union([z.string().max(4000), z.number(), z.boolean(), z.null()]);
export type Scalar = z.infer<typeof scalarSchema>;

export const flowPromptSchema = promptRefSchema;
export type FlowPrompt = z.infer<typeof flowPromptSchema>;
const prompts = z.array(flowPromptSchema).max(16);
const dtmfKeySchema = z.string().regex(/^[0-9*#]$/, 'a single DTMF key: 0-9, * or #');
const retriesSchema = z.number().int().min(0).max(9);
const timeoutSchema = z.number().int().min(500).max(60_000);

const base = {
  id: nodeIdSchema,
  /** Shown in the designer and in simulator output. */
  label: z.string().max(200).optional(),
  /** Designer layout and notes; the engine ignores it. */
  ui: z.record(z.string(), z.unknown()).optional(),
};

/** Re-prompting: how many extra tries, and what to say before each after a bad or missing input. */
const retryFields = {
  retries: retriesSchema.default(2),
  invalidPrompts: prompts.default([]),
  timeoutPrompts: prompts.default([]),
};

export const playNodeSchema = z.strictObject({
  ...base,
  type: z.literal('play'),
  prompts,
  bargeIn: z.boolean().default(false),
  next: nodeIdSchema,
});

export const menuNodeSchema = z.strictObject({
  ...base,
  type: z.literal('menu'),
  prompts,
  /** DTMF key → node. */
  options: z.record(dtmfKeySchema, nodeIdSchema),
  timeoutMs: timeoutSchema.default(5000),
  ...retryFields,
  /** Where to go when every try was invalid or silent. */
  onFailure: nodeIdSchema,
  /** Keeps the key pressed in this variable. */
  variable: variableNameSchema.optional(),
});

export const collectNodeSchema = z.strictObject({
  ...base,
  type: z.literal('collect'),
  prompts,
  variable: variableNameSchema,
  minDigits: z.number().int().min(1).max(32).default(1),
  maxDigits: z.number().int().min(1).max(32),
  /** Keys that end input early; the terminator itself is not kept. */
  terminators: z
    .string()
    .regex(/^[0-9*#]*$/)
    .max(4)
    .default('#'),
  firstDigitTimeoutMs: timeoutSchema.default(5000),
  interDigitTimeoutMs: timeoutSchema.default(3000),
  /** An extra check on the digits, with the digits as `input`, e.g. `startsWith(input, '4')`. */
  valid: expressionSchema.optional(),
  ...retryFields,
  next: nodeIdSchema,
  onInvalid: nodeIdSchema,
});

export const setNodeSchema = z.strictObject({
  ...base,
  type: z.literal('set'),
  assign: z
    .array(z.strictObject({ variable: variableNameSchema, value: expressionSchema }))
    .min(1)
    .max(32),
  next: nodeIdSchema,
});

export const conditionNodeSchema = z.strictObject({
  ...base,
  type: z.literal('condition'),
  /** Tried in order; the first whose `when` is true wins. */
  branches: z
    .array(z.strictObject({ when: expressionSchema, next: nodeIdSchema }))
    .min(1)
    .max(32),
  otherwise: nodeIdSchema,
});

const clockSchema = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'a time HH:MM');
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hoursSchema = z.strictObject({ open: clockSchema, close: clockSchema });
/** The same shape as a calendar of the hotline configuration (packages/provisioning). */
export const calendarSchema = z.strictObject({
  /** IANA zone, e.g. Europe/Berlin: opening hours are local wall-clock times there. */
  timeZone: z.string().min(1).max(64),
  weekly: z.array(z.strictObject({ day: z.enum(weekdays), open: clockSchema, close: clockSchema })).max(28),
  /** A date that overrides the week: closed all day when `hours` is empty, else open only then. */
  holidays: z
    .array(
      z.strictObject({
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'),
        name: z.string().max(120).optional(),
        hours: z.array(hoursSchema).max(4).default([]),
      }),
    )
    .max(366)
    .default([]),
});
export type Calendar = z.infer<typeof calendarSchema>;

export const businessHoursNodeSchema = z.strictObject({
  ...base,
  type: z.literal('business-hours'),
  /** A calendar of the hotline configuration, or one written into the flow. */
  calendar: z.union([z.strictObject({ calendarId: idSchema }), calendarSchema]),
  open: nodeIdSchema,
  closed: nodeIdSchema,
  /** Defaults to `closed`. */
  holiday: nodeIdSchema.optional(),
});

export const callerListNodeSchema = z.strictObject({
  ...base,
  type: z.literal('caller-list'),
  /** The number to look up; the caller's number (ANI) by default. */
  number: expressionSchema.default('call.ani'),
  /** Lists tried in order (e.g. blocked, then VIP); the first that holds the number wins. */
  branches: z
    .array(z.strictObject({ list: idSchema, next: nodeIdSchema }))
    .min(1)
    .max(16),
  otherwise: nodeIdSchema,
});

export const httpLookupNodeSchema = z.strictObject({
  ...base,
  type: z.literal('http-lookup'),
  method: z.enum(['GET', 'POST']).default('GET'),
  /** A template: `https://crm.example.com/customers?phone={{ call.ani }}` (holes are URL-encoded). */
  url: z.string().min(1).max(2000),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1000)).default({}),
  /** A JSON template for POST (holes are JSON-escaped). */
  body: z.string().max(8000).optional(),
  timeoutMs: z.number().int().min(100).max(10_000).default(2000),
  /** Response fields → variables, by dotted path into the JSON body (`customer.tier`, `items.0.id`). */
  map: z
    .array(z.strictObject({ variable: variableNameSchema, path: z.string().min(1).max(200) }))
    .max(32)
    .default([]),
  next: nodeIdSchema,
  /** Taken on timeout, a refused host, a non-2xx answer or a body that is not JSON. */
  onError: nodeIdSchema,
});

export const enqueueNodeSchema = z.strictObject({
  ...base,
  type: z.literal('enqueue'),
  queueId: idSchema,
  /** 0–100, or an expression giving one (e.g. `customer_tier == 'gold' ? ...` via set + variable). */
  priority: z.union([z.number().int().min(0).max(100), expressionSchema]).default(0),
  skills: z.array(requiredSkillSchema).max(32).default([]),
  /** Data for the agent's screen pop: name → expression. */
  attach: z.record(z.string().min(1).max(64), expressionSchema).default({}),
  /** Music on hold while waiting; the queue's default when absent. */
  holdPromptId: idSchema.optional(),
});

export const transferFlowNodeSchema = z.strictObject({
  ...base,
  type: z.literal('transfer-flow'),
  flowId: idSchema,
});

export const transferExternalNodeSchema = z.strictObject({
  ...base,
  type: z.literal('transfer-external'),
  /** A template, so a number looked up in the CRM can be dialled: `{{ account_manager_phone }}`. */
  number: z.string().min(1).max(200),
  ringTimeoutMs: z.number().int().min(1000).max(120_000).default(30_000),
  /** Taken when the far end is busy, does not answer or fails. */
  onFailure: nodeIdSchema,
});

export const voicemailNodeSchema = z.strictObject({
  ...base,
  type: z.literal('voicemail'),
  mailbox: idSchema,
  /** Greeting before the beep. */
  prompts,
  beepPromptId: idSchema.default('system-beep'),
  /** The recording stops at this length, on "#", or when the caller hangs up. */
  maxSeconds: z.number().int().min(5).max(120).default(120),
  next: nodeIdSchema,
});

export const callbackNodeSchema = z.strictObject({
  ...base,
  type: z.literal('callback'),
  queueId: idSchema,
  /** The number to call back; the caller's number (ANI) by default. */
  number: expressionSchema.default('call.ani'),
  priority: z.number().int().min(0).max(100).default(0),
  skills: z.array(requiredSkillSchema).max(32).default([]),
  next: nodeIdSchema,
});

export const surveyNodeSchema = z.strictObject({
  ...base,
  type: z.literal('survey'),
  surveyId: idSchema,
  prompts,
  timeoutMs: timeoutSchema.default(5000),
  ...retryFields,
  /** Keeps the score (1–5) in this variable. */
  variable: variableNameSchema.optional(),
  next: nodeIdSchema,
  /** When the caller gave no valid score; defaults to `next`. */
  onNoAnswer: nodeIdSchema.optional(),
});

export const hangupNodeSchema = z.strictObject({
  ...base,
  type: z.literal('hangup'),
});

export const flowNodeSchema = z.discriminatedUnion('type', [
  playNodeSchema,
  menuNodeSchema,
  collectNodeSchema,
  setNodeSchema,
  conditionNodeSchema,
  businessHoursNodeSchema,
  callerListNodeSchema,
  httpLookupNodeSchema,
  enqueueNodeSchema,
  transferFlowNodeSchema,
  transferExternalNodeSchema,
  voicemailNodeSchema,
  callbackNodeSchema,
  surveyNodeSchema,
  hangupNodeSchema,
]);

export type FlowNode = z.infer<typeof flowNodeSchema>;
export type FlowNodeType = FlowNode['type'];
export type NodeOf<T extends FlowNodeType> = Extract<FlowNode, { type: T }>;
export const flowNodeTypes = flowNodeSchema.options.map((o) => o.shape.type.value) as FlowNodeType[];

export const flowDocumentSchema = z.strictObject({
  /** The store keeps id, version and name beside the graph (see flowFromVersion); a file may carry them. */
  id: idSchema.default('flow'),
  version: z.number().int().positive().default(1),
  name: z.string().max(200).default(''),
  description: z.string().max(2000).optional(),
  start: nodeIdSchema,
  /** Initial variable values. */
  variables: z.record(variableNameSchema, scalarSchema).default({}),
  /** Caller lists written into the flow (the hotline configuration's lists take precedence). */
  lists: z.record(idSchema, z.array(z.string().min(1).max(64)).max(10_000)).default({}),
  nodes: z.array(flowNodeSchema).min(1).max(500),
});

/** A flow document as written (defaults not yet applied). */
export type FlowDocumentInput = z.input<typeof flowDocumentSchema>;
/** A parsed flow document (defaults applied). */
export type FlowDocument = z.infer<typeof flowDocumentSchema>;

/** Node ids a node can lead to, with the field that names each. */
export function edgesOf(node: FlowNode): { field: string; target: string }[] {
  const edges: { field: string; target: string }[] = [];
  const add = (field: string, target: string | undefined) => {
    if (target !== undefined) edges.push({ field, target });
  };
  switch (node.type) {
    case 'play':
    case 'set':
    case 'callback':
      add('next', node.next);
      break;
    case 'menu':
      for (const [key, target] of Object.entries(node.options)) add(`options.${key}`, target);
      add('onFailure', node.onFailure);
      break;
    case 'collect':
      add('next', node.next);
      add('onInvalid', node.onInvalid);
      break;
    case 'condition':
      node.branches.forEach((b, i) => add(`branches.${i}.next`, b.next));
      add('otherwise', node.otherwise);
      break;
    case 'business-hours':
      add('open', node.open);
      add('closed', node.closed);
      add('holiday', node.holiday);
      break;
    case 'caller-list':
      node.branches.forEach((b, i) => add(`branches.${i}.next`, b.next));
      add('otherwise', node.otherwise);
      break;
    case 'http-lookup':
      add('next', node.next);
      add('onError', node.onError);
      break;
    case 'transfer-external':
      add('onFailure', node.onFailure);
      break;
    case 'voicemail':
      add('next', node.next);
      break;
    case 'survey':
      add('next', node.next);
      add('onNoAnswer', node.onNoAnswer);
      break;
    case 'enqueue':
    case 'transfer-flow':
    case 'hangup':
      break;
  }
  return edges;
}

/** Whether the node waits for the caller or for media, so a loop through it cannot spin. */
export function waitsForCaller(node: FlowNode): boolean {
  return ['play', 'menu', 'collect', 'voicemail', 'survey', 'transfer-external'].includes(node.type);
}
