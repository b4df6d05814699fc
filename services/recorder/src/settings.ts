import { bool, ConfigError, durationMs, loadConfig, positiveInt, type Env } from '@hotline/platform';
import { z } from 'zod';

const urlList = () =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.url({ error: 'each entry must be an http(s) URL' })).min(1, 'at least one URL'));

/**
 * HOTLINE_RECORDER_*: the recorder's own settings. The API process reads the storage ones too
 * (it serves the audio), through `recorderSettingsFrom`.
 */
export const recorderSettings = z.object({
  /** rtpengine's --recording-dir (pcap method): pcaps/, metadata/ and tmp/ below it. */
  HOTLINE_RECORDER_SPOOL_DIR: z.string().min(1).default('.local/rtpengine/recordings'),
  /** rtpengine HTTP listeners (POST /ng), asked which side of a recorded call is the caller. */
  HOTLINE_RECORDER_RTPENGINE_URLS: urlList().prefault('http://127.0.0.1:22622'),
  /** Where the WAVs go: `local` files or an `s3` bucket. */
  HOTLINE_RECORDER_STORE: z.enum(['local', 's3']).default('local'),
  /** `local` only; default <HOTLINE_DATA_DIR>/recordings. */
  HOTLINE_RECORDER_LOCAL_DIR: z.string().min(1).optional(),
  HOTLINE_RECORDER_S3_ENDPOINT: z.url({ error: 'must be a URL' }).optional(),
  HOTLINE_RECORDER_S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')
    .optional(),
  HOTLINE_RECORDER_S3_REGION: z.string().min(1).default('us-east-1'),
  HOTLINE_RECORDER_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  HOTLINE_RECORDER_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Default retention; a tenant's policy document may set its own `retentionDays`. */
  HOTLINE_RECORDER_RETENTION_DAYS: positiveInt().default(90),
  /** How long after a call ends to wait for rtpengine to close its pcaps. */
  HOTLINE_RECORDER_FILE_WAIT_MS: durationMs().default(30_000),
  /** How often recordings waiting for their files are looked at. */
  HOTLINE_RECORDER_POLL_MS: durationMs().default(1000),
  /** How often expired recordings are deleted (a bounded batch each time). */
  HOTLINE_RECORDER_SWEEP_EVERY_MS: durationMs().default(60_000),
  /** Keep rtpengine's pcaps after conversion (debugging); by default they are removed. */
  HOTLINE_RECORDER_KEEP_SPOOL: bool().default(false),
  /** Longest recording converted (the WAV is built in memory: 4 h is 460 MB). */
  HOTLINE_RECORDER_MAX_SECONDS: positiveInt().default(14_400),
});

export type RecorderSettings = Readonly<z.infer<typeof recorderSettings>> & {
  /** HOTLINE_RECORDER_LOCAL_DIR or its default, resolved. */
  localDir: string;
};

/** The recorder's settings from the process environment, with the local store's folder resolved. */
export function recorderSettingsFrom(env: Env): RecorderSettings {
  const settings = loadConfig(recorderSettings, env, { ownedPrefixes: [] });
  const missing = (
    [
      'HOTLINE_RECORDER_S3_ENDPOINT',
      'HOTLINE_RECORDER_S3_BUCKET',
      'HOTLINE_RECORDER_S3_ACCESS_KEY_ID',
      'HOTLINE_RECORDER_S3_SECRET_ACCESS_KEY',
    ] as const
  ).filter((k) => settings.HOTLINE_RECORDER_STORE === 's3' && !settings[k]);
  if (missing.length > 0) {
    throw new ConfigError(
      missing.map((key) => ({ key, message: 'required when HOTLINE_RECORDER_STORE=s3' })),
    );
  }
  return Object.freeze({
    ...settings,
    localDir:
      settings.HOTLINE_RECORDER_LOCAL_DIR ?? `${env.HOTLINE_DATA_DIR ?? '.local/hotline-up'}/recordings`,
  });
}
