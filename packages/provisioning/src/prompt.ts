import { z } from 'zod';
import { description, displayName, documentMeta, isoDateTime } from './common';

/**
 * A recorded or synthesized announcement (F-IVR-2). `tts` prompts are rendered with espeak-ng
 * when written; `upload` prompts get their WAV through PUT /prompts/{id}/audio.
 */
export const promptSources = ['tts', 'upload'] as const;

/** espeak-ng voice names: a language tag with an optional variant ("en-us", "fr", "en+f3"). */
export const ttsVoice = () =>
  z.string().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})*(\+[a-z0-9]{1,8})?$/, 'an espeak-ng voice such as en-us');

const promptFields = {
  name: displayName(),
  description: description().default(''),
  source: z.enum(promptSources),
  /** Text to speak, for `tts`. */
  text: z.string().trim().min(1).max(2000).nullable().default(null),
  voice: ttsVoice().default('en-us'),
};

export const promptInput = z
  .strictObject(promptFields)
  .refine((p) => (p.source === 'tts') === (p.text !== null), {
    message: 'text is set exactly when source is tts',
    path: ['text'],
  });

/** The stored audio: linear PCM WAV, described so players need not parse it. */
export const promptAudio = z.strictObject({
  format: z.literal('wav'),
  sampleRate: z.number().int().positive(),
  channels: z.number().int().min(1).max(2),
  bitsPerSample: z.number().int().positive(),
  durationMs: z.number().int().nonnegative(),
  bytes: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  renderedAt: isoDateTime(),
});

export const promptDocument = z.strictObject({
  ...documentMeta,
  ...promptFields,
  /** null until a WAV is uploaded (upload prompts). */
  audio: promptAudio.nullable(),
});

/** The WAV bytes, apart from the prompt document. `_id` is the prompt id. */
export const promptAudioDocument = z.strictObject({
  _id: z.string(),
  _rev: z.number().int().positive(),
  tenantId: z.string(),
  sha256: z.string(),
  base64: z.string(),
});

export type PromptInput = z.input<typeof promptInput>;
export type Prompt = z.infer<typeof promptDocument>;
export type PromptAudio = z.infer<typeof promptAudio>;
export type PromptAudioBlob = z.infer<typeof promptAudioDocument>;
