import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { PromptRef } from '@hotline/contracts';
import type { DocumentStore } from '@hotline/document-store';
import { Collections, type PromptAudioBlob } from '@hotline/provisioning';
import type { PlayablePrompt, PromptLibrary } from '../domain/ports';

const run = promisify(execFile);

/** A prompt that cannot be played: unknown id, another tenant's, no audio yet, or TTS failed. */
export class PromptError extends Error {
  readonly code = 'prompt_unavailable';
  readonly retryable = false;
}

export interface PromptLibraryOptions {
  /** Where rendered prompts are cached; rtpengine reads them from here (same host). */
  directory: string;
  store: DocumentStore;
  espeak?: string;
  sox?: string;
}

/**
 * Turns prompt references into 8 kHz mono 16-bit WAV files for rtpengine's "play media": provisioned
 * recordings (from the prompt-audio collection), text-to-speech (espeak-ng), spoken numbers and the
 * built-in music on hold. Files are content-addressed, so a prompt renders once per edge host.
 */
export class FilePromptLibrary implements PromptLibrary {
  private readonly directory: string;
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly options: PromptLibraryOptions) {
    this.directory = resolve(options.directory);
  }

  async resolve(tenantId: string, prompt: PromptRef): Promise<PlayablePrompt> {
    switch (prompt.kind) {
      case 'silence':
        return { kind: 'silence', ms: prompt.ms };
      case 'tts':
        return { kind: 'file', path: await this.speak(prompt.text, prompt.voice ?? 'en-us') };
      case 'say-number':
        return { kind: 'file', path: await this.speak(String(prompt.value), 'en-us') };
      case 'prompt':
        return { kind: 'file', path: await this.recording(tenantId, prompt.promptId) };
    }
  }

  async musicOnHold(tenantId: string, promptId?: string): Promise<PlayablePrompt> {
    if (promptId) return { kind: 'file', path: await this.recording(tenantId, promptId) };
    return { kind: 'file', path: await this.once('moh-builtin', (out) => this.synthMusic(out)) };
  }

  /** Renders text with espeak-ng; the voice is an espeak-ng voice name. */
  speak(text: string, voice: string): Promise<string> {
    if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*(\+[a-z0-9]{1,8})?$/.test(voice)) {
      return Promise.reject(new PromptError(`not an espeak-ng voice: ${voice}`));
    }
    const key = `tts-${sha256(`${voice}\n${text}`)}`;
    return this.once(key, async (out) => {
      const raw = `${out}.raw.wav`;
      try {
        // The text goes as one argument (no shell): nothing in it is interpreted.
        await run(this.options.espeak ?? 'espeak-ng', ['-v', voice, '-w', raw, '--', text], {
          timeout: 20_000,
        });
        await this.to8k(raw, out);
      } finally {
        await rm(raw, { force: true });
      }
    });
  }

  private async recording(tenantId: string, promptId: string): Promise<string> {
    const blobs = this.options.store.collection<PromptAudioBlob>(Collections.promptAudio);
    const blob = await blobs.get(promptId);
    if (!blob || blob.tenantId !== tenantId)
      throw new PromptError(`prompt ${promptId} has no audio for tenant ${tenantId}`);
    return this.once(`rec-${blob.sha256}`, async (out) => {
      const raw = `${out}.in.wav`;
      await writeFile(raw, Buffer.from(blob.base64, 'base64'));
      try {
        await this.to8k(raw, out);
      } finally {
        await rm(raw, { force: true });
      }
    });
  }

  /** A quiet two-note chime every few seconds: enough to tell a held caller the line is alive. */
  private async synthMusic(out: string): Promise<void> {
    await run(
      this.options.sox ?? 'sox',
      [
        '-n',
        '-r',
        '8000',
        '-c',
        '1',
        '-b',
        '16',
        out,
        'synth',
        '0.4',
        'sine',
        '523',
        'sine',
        '659',
        'vol',
        '0.25',
        'pad',
        '0',
        '2.6',
        'repeat',
        '2',
      ],
      { timeout: 20_000 },
    );
  }

  private async to8k(input: string, out: string): Promise<void> {
    await run(
      this.options.sox ?? 'sox',
      [input, '-r', '8000', '-c', '1', '-b', '16', '-e', 'signed-integer', out],
      {
        timeout: 20_000,
      },
    );
  }

  /** Renders `key` once (concurrent callers share the work) into a file, written atomically. */
  private once(key: string, render: (out: string) => Promise<void>): Promise<string> {
    const path = join(this.directory, `${key}.wav`);
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const work = (async () => {
      try {
        if ((await stat(path)).size > 44) return path;
      } catch {
        // Not rendered yet.
      }
      await mkdir(this.directory, { recursive: true });
      const tmp = join(this.directory, `.${key}.${randomBytes(4).toString('hex')}.wav`);
      try {
        await render(tmp);
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw new PromptError(`could not render prompt ${key}: ${(err as Error).message}`);
      }
      return path;
    })();
    this.inFlight.set(key, work);
    void work.finally(() => this.inFlight.delete(key)).catch(() => undefined);
    return work;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
