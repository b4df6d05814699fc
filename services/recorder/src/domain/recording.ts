import type { CallerMedia } from '../media/capture-to-wav';

/** Document-store collections the recorder owns. */
export const RecorderCollections = {
  /** One document per recording (F-REC-2 metadata). */
  recordings: 'recordings',
  /** Tenant-wide and per-queue recording policies (hotlines carry their own). */
  policies: 'recording-policies',
  /** What the recorder knows of a live call before it decides (ANI, DNIS, hotline). */
  calls: 'recording-calls',
  /** `record` commands: the request (commands topic) joined with its outcome (calls topic). */
  commands: 'recording-commands',
} as const;

/**
 * starting → recording ⇄ paused → stopped → processing → available; failed from anywhere.
 * `processing` waits for rtpengine to close the call's pcaps, then converts and stores them.
 */
export type RecordingStatus =
  'starting' | 'recording' | 'paused' | 'stopped' | 'processing' | 'available' | 'failed';

export type RecordingTrigger = 'policy' | 'on-demand' | 'supervisor';

export interface Pause {
  from: string;
  to: string | null;
}

export interface RecordingDoc {
  _id: string;
  _rev: number;
  tenantId: string;
  callId: string;
  agentId: string | null;
  queueId: string | null;
  hotlineId: string | null;
  /** The caller's number (personal data: never logged outside `pii.*`). */
  ani: string | null;
  dnis: string | null;
  trigger: RecordingTrigger;
  status: RecordingStatus;
  allowPause: boolean;
  createdAt: string;
  updatedAt: string;
  /** When rtpengine started recording (the start command's completion). */
  startedAt: string | null;
  /** When recording stopped or the call ended. */
  endedAt: string | null;
  pauses: Pause[];
  /** Length of the stored audio (pauses included, as silence). */
  durationMs: number | null;
  sizeBytes: number | null;
  /** SHA-256 (hex) of the stored WAV: the ETag, and checked on every export. */
  sha256: string | null;
  objectKey: string | null;
  contentType: string | null;
  retentionUntil: string | null;
  callerMedia: CallerMedia | null;
  /** False when the caller's channel had to be guessed. */
  sidesKnown: boolean | null;
  error: string | null;
}

/** The API's view: what search and get return (no internals). */
export type RecordingView = Omit<RecordingDoc, '_rev' | 'callerMedia' | '_id'> & { id: string };

export function viewOf(doc: RecordingDoc): RecordingView {
  const { _id, _rev: _r, callerMedia: _c, ...rest } = doc;
  return { id: _id, ...rest };
}

/** Time actually recorded: from start to end less the paused stretches. */
export function recordedMs(doc: Pick<RecordingDoc, 'startedAt' | 'endedAt' | 'pauses'>, now: string): number {
  if (!doc.startedAt) return 0;
  const end = Date.parse(doc.endedAt ?? now);
  const paused = doc.pauses.reduce(
    (sum, p) => sum + Math.max(0, Date.parse(p.to ?? doc.endedAt ?? now) - Date.parse(p.from)),
    0,
  );
  return Math.max(0, end - Date.parse(doc.startedAt) - paused);
}
