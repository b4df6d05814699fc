import type { DocumentStore } from '@hotline/document-store';
import {
  Collections,
  promptDocument,
  promptInput,
  type Prompt,
  type PromptAudio,
  type PromptAudioBlob,
} from '@hotline/provisioning';
import type { TextToSpeech } from '../domain/text-to-speech';
import { parseWav } from '../domain/wav';
import { sha256Hex } from '../auth/api-key-token';
import { defineResource, stringFilter, uniquePerTenant } from './define';

export const audioBlobId = (promptId: string, sha256: string) => `${promptId}:${sha256}`;

/**
 * Stores WAV bytes under a content-addressed id; the prompt document's `audio.sha256` points
 * at it, so the prompt write is what switches to new audio, and the old blob is deleted after.
 */
export class PromptAudioStore {
  constructor(private readonly store: DocumentStore) {}

  private get blobs() {
    return this.store.collection<PromptAudioBlob>(Collections.promptAudio);
  }

  /** Writes the WAV (parsed and its sizes fixed) and returns what the prompt records of it. */
  async put(tenantId: string, promptId: string, wav: Buffer, now: string): Promise<PromptAudio> {
    const info = parseWav(wav);
    const sha256 = sha256Hex(info.bytes);
    const _id = audioBlobId(promptId, sha256);
    if (!(await this.blobs.get(_id))) {
      await this.blobs
        .insert({ _id, tenantId, sha256, base64: info.bytes.toString('base64') })
        .catch((err: unknown) => {
          if ((err as { code?: string }).code !== 'duplicate_key') throw err;
        });
    }
    return {
      format: 'wav',
      sampleRate: info.sampleRate,
      channels: info.channels,
      bitsPerSample: info.bitsPerSample,
      durationMs: info.durationMs,
      bytes: info.bytes.length,
      sha256,
      renderedAt: now,
    };
  }

  async get(promptId: string, sha256: string): Promise<Buffer | null> {
    const blob = await this.blobs.get(audioBlobId(promptId, sha256));
    return blob ? Buffer.from(blob.base64, 'base64') : null;
  }

  async drop(promptId: string, audio: PromptAudio | null | undefined): Promise<void> {
    if (audio) await this.blobs.delete(audioBlobId(promptId, audio.sha256)).catch(() => false);
  }
}

export function promptsResource(audio: PromptAudioStore, tts: TextToSpeech) {
  return defineResource({
    name: 'prompt',
    plural: 'prompts',
    title: 'Prompt',
    collection: Collections.prompts,
    idPrefix: 'prm',
    createInput: promptInput,
    view: promptDocument,
    serverFields: ['audio'],
    async build(input, ctx, existing) {
      const p = input as unknown as Omit<Prompt, 'audio'>;
      const previous = existing as unknown as Prompt | null;
      const unchanged =
        previous !== null &&
        previous.source === p.source &&
        previous.text === p.text &&
        previous.voice === p.voice;
      if (unchanged) return { ...p, audio: previous.audio };
      if (p.source === 'upload') return { ...p, audio: null };
      const wav = await tts.render(p.text ?? '', p.voice);
      return { ...p, audio: await audio.put(ctx.tenantId, ctx.id, wav, ctx.now) };
    },
    // The new audio blob (if any) was written by build; undo it if the prompt write fails, and
    // drop the old one once the prompt points elsewhere.
    async sideEffect(change) {
      const before = change.kind === 'create' ? null : (change.before as unknown as Prompt);
      const after = change.kind === 'delete' ? null : (change.after as unknown as Prompt);
      const id = (before ?? after)!._id;
      const changed = before?.audio?.sha256 !== after?.audio?.sha256;
      return {
        rollback: async () => {
          if (changed) await audio.drop(id, after?.audio);
        },
        commit: async () => {
          if (changed) await audio.drop(id, before?.audio);
        },
      };
    },
    uniqueIndexes: [uniquePerTenant(Collections.prompts, 'name')],
    filters: { source: stringFilter('source', 'tts or upload') },
    referencedBy: [
      { collection: Collections.queues, path: 'musicOnHoldPromptId', resource: 'queue' },
      { collection: Collections.queues, path: 'announcements.welcomePromptId', resource: 'queue' },
    ],
  });
}
