import { z } from 'zod';
import { idSchema } from './envelope';
import { requiredSkillSchema } from './queue-events';

// The call-control interface: other services ask the SIP edge for media actions with these
// commands (never with SIP). A command travels on hotline.call-commands.v1 keyed by call id, so
// one call's commands keep their order and any sip-edge instance can carry them out: SIP dialog
// state lives in live state and media state in rtpengine. The outcome comes back as
// call.command.completed on the same key.

/** A prompt: a provisioned recording, text for TTS, or silence. */
export const promptRefSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('prompt'), promptId: idSchema }),
  z.strictObject({
    kind: z.literal('tts'),
    text: z.string().min(1).max(2000),
    voice: z.string().max(64).optional(),
  }),
  z.strictObject({ kind: z.literal('silence'), ms: z.number().int().min(1).max(60_000) }),
  /** Spoken number or digits ("you are caller number 3"), rendered by the edge's TTS. */
  z.strictObject({ kind: z.literal('say-number'), value: z.number().int().nonnegative() }),
]);
export type PromptRef = z.infer<typeof promptRefSchema>;

export const digitCollectionSchema = z.strictObject({
  minDigits: z.number().int().min(1).max(32),
  maxDigits: z.number().int().min(1).max(32),
  /** Keys that end input early, e.g. "#". */
  terminators: z
    .string()
    .regex(/^[0-9*#]*$/)
    .max(4)
    .default('#'),
  firstDigitTimeoutMs: z.number().int().min(100).max(120_000),
  interDigitTimeoutMs: z.number().int().min(100).max(60_000),
});

export const callTargetSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('agent'), agentId: idSchema, contact: z.string().max(256).optional() }),
  z.strictObject({ type: z.literal('external'), number: z.string().min(1).max(64) }),
]);

/**
 * Where a transfer may send the caller: a party the edge rings (callTargetSchema), or a queue.
 * To a queue the edge releases the agent's leg and plays music; whoever asked also announces
 * queue.joined, and the ACD offers the call again (it treats a connected call joining a queue as
 * a transfer to that queue).
 */
export const transferTargetCommandSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('agent'), agentId: idSchema, contact: z.string().max(256).optional() }),
  z.strictObject({ type: z.literal('external'), number: z.string().min(1).max(64) }),
  z.strictObject({ type: z.literal('queue'), queueId: idSchema }),
  /** Back into an IVR flow: released like a queue transfer; the IVR runner starts the flow. */
  z.strictObject({ type: z.literal('flow'), flowId: idSchema }),
]);

/** A number the edge can dial out (originate). */
export const dialNumberSchema = z.string().regex(/^\+?[0-9*#]{1,32}$/, 'digits, * and #, optionally after +');
/** What a call the edge places may show as its caller. */
export const callerIdSchema = z.string().regex(/^\+?[0-9A-Za-z._-]{1,64}$/);

export const callCommandSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('answer') }),
  z.strictObject({
    action: z.literal('play'),
    prompts: z.array(promptRefSchema).min(1).max(32),
    /** Whether a key press stops the prompt (the digit is kept for a following collect). */
    bargeIn: z.boolean().default(false),
    loop: z.boolean().default(false),
  }),
  z.strictObject({
    action: z.literal('collect'),
    prompts: z.array(promptRefSchema).max(32).default([]),
    bargeIn: z.boolean().default(true),
    digits: digitCollectionSchema,
  }),
  z.strictObject({ action: z.literal('stop-media') }),
  z.strictObject({ action: z.literal('music-on-hold'), on: z.boolean(), promptId: idSchema.optional() }),
  z.strictObject({
    action: z.literal('bridge'),
    target: callTargetSchema,
    ringTimeoutMs: z.number().int().positive().max(300_000),
  }),
  z.strictObject({ action: z.literal('hold'), legId: idSchema }),
  z.strictObject({ action: z.literal('resume'), legId: idSchema }),
  z.strictObject({ action: z.literal('mute'), legId: idSchema, muted: z.boolean() }),
  z.strictObject({
    action: z.literal('transfer'),
    kind: z.enum(['blind', 'consultative']),
    target: transferTargetCommandSchema,
  }),
  z.strictObject({
    action: z.literal('record'),
    op: z.enum(['start', 'stop', 'pause', 'resume']),
    recordingId: idSchema,
  }),
  z.strictObject({
    action: z.literal('supervise'),
    mode: z.enum(['listen', 'whisper', 'barge', 'take-over']),
    supervisorId: idSchema,
    contact: z.string().max(256).optional(),
  }),
  /**
   * Places a new call to an outside number through the carrier gateway (a callback): the command's
   * callId names the new call, which no edge holds yet. The edge offers no media in its INVITE
   * (the far end offers in its 200 OK, the edge answers in the ACK). Once the far end answers, the
   * call is like an answered caller's (call.offered with direction "outbound", then call.answered
   * by "external") and the command completes "done"; otherwise it completes "no-answer" (also
   * after ringTimeoutMs), "busy", "rejected" or "failed".
   */
  z.strictObject({
    action: z.literal('originate'),
    number: dialNumberSchema,
    /** What the called party sees as caller (the hotline's number). */
    callerId: callerIdSchema.optional(),
    ringTimeoutMs: z.number().int().positive().max(300_000),
  }),
  z.strictObject({
    action: z.literal('hangup'),
    cause: z.enum(['normal', 'force-released', 'rejected', 'failed']).default('normal'),
  }),
]);
export type CallCommand = z.infer<typeof callCommandSchema>;

export const callCommandRequested = z.strictObject({
  commandId: idSchema,
  callId: idSchema,
  /** Who asked, so the completion can be routed back (e.g. "ivr-runner"). */
  requestedBy: z.string().min(1).max(64),
  /** A queue wait or an IVR step that also needs the caller's attributes for routing. */
  queue: z
    .strictObject({
      queueId: idSchema,
      priority: z.number().int().min(0).max(100),
      skills: z.array(requiredSkillSchema),
    })
    .optional(),
  command: callCommandSchema,
});

export const callCommandCompleted = z.strictObject({
  commandId: idSchema,
  callId: idSchema,
  action: z.string().min(1).max(32),
  outcome: z.enum(['done', 'interrupted', 'timeout', 'no-answer', 'busy', 'rejected', 'failed', 'call-gone']),
  /** Digits collected (collect) or pressed during a barge-in prompt (play). */
  digits: z.string().max(64).optional(),
  /** Why a command failed, for logs and the IVR's error branch. */
  error: z.string().max(500).optional(),
});
