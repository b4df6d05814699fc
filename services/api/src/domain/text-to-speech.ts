import { spawn } from 'node:child_process';
import { HotlineError } from '@hotline/platform';

/** Renders text to a WAV file. */
export interface TextToSpeech {
  render(text: string, voice: string): Promise<Buffer>;
}

const MAX_WAV_BYTES = 20 * 1024 * 1024;

/**
 * espeak-ng as a child process: text on stdin (never argv, so text starting with "-" is just
 * text), WAV on stdout. It writes 22.05 kHz 16-bit mono; the media side resamples for the call.
 */
export function espeakTextToSpeech(bin: string, timeoutMs = 15_000): TextToSpeech {
  return {
    render: (text, voice) =>
      new Promise((resolve, reject) => {
        const child = spawn(bin, ['-v', voice, '--stdin', '--stdout'], { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        let size = 0;
        let stderr = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
        child.stdout.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_WAV_BYTES) child.kill('SIGKILL');
          else out.push(chunk);
        });
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')).slice(0, 2000));
        child.on('error', (err) =>
          reject(new HotlineError('unavailable', 'text-to-speech is not available', { cause: err })),
        );
        child.on('close', (code) => {
          clearTimeout(timer);
          if (code === 0 && size <= MAX_WAV_BYTES) return resolve(Buffer.concat(out));
          if (/voice does not exist/i.test(stderr)) {
            return reject(
              new HotlineError('validation_failed', `espeak-ng has no voice "${voice}"`, {
                fields: [{ field: 'voice', message: 'no such espeak-ng voice' }],
              }),
            );
          }
          if (size > MAX_WAV_BYTES) {
            return reject(
              new HotlineError('validation_failed', 'the text renders to too long an announcement', {
                fields: [{ field: 'text', message: 'too long once spoken' }],
              }),
            );
          }
          reject(
            new HotlineError('unavailable', `text-to-speech failed (${stderr.trim() || `exit ${code}`})`),
          );
        });
        child.stdin.on('error', () => undefined);
        child.stdin.end(text, 'utf8');
      }),
  };
}
