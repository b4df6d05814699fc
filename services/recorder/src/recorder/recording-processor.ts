import type { Collection, DocumentStore } from '@hotline/document-store';
import type { Logger } from '@hotline/platform';
import { RecorderCollections, type RecordingDoc } from '../domain/recording';
import { policyId, update, type PolicyDoc } from '../domain/recorder-docs';
import { captureToWav } from '../media/capture-to-wav';
import { findCallCapture, readCapture, removeCapture } from '../media/rtpengine-spool';
import type { ObjectStore } from '../storage/object-store';

export interface ProcessorOptions {
  store: DocumentStore;
  objects: ObjectStore;
  log: Logger;
  spoolDir: string;
  /** How long after the call's end rtpengine may take to close the pcaps. */
  fileWaitMs: number;
  retentionDays: number;
  keepSpool: boolean;
  maxSeconds: number;
  now?: () => number;
  /** Each finished recording: stored (with the conversion's seconds) or failed. */
  onFinished?: (outcome: 'stored' | 'failed', seconds: number) => void;
}

const DAY_MS = 86_400_000;

/** The object key of a recording: by tenant and day, so a bucket lists and expires by prefix. */
export function objectKeyOf(doc: Pick<RecordingDoc, '_id' | 'tenantId' | 'startedAt' | 'createdAt'>): string {
  const day = (doc.startedAt ?? doc.createdAt).slice(0, 10).replace(/-/g, '/');
  return `${doc.tenantId}/${day}/${doc._id}.wav`;
}

/**
 * Turns ended recordings (status `processing`) into stored WAVs: waits until rtpengine has
 * closed every pcap of the call (or `fileWaitMs` passed), converts, stores the object, then
 * marks the document `available` with size, checksum and retention. Safe to run twice on one
 * recording (the same key is written with the same bytes), so several instances may poll.
 */
export class RecordingProcessor {
  private readonly recordings: Collection<RecordingDoc>;
  private readonly policies: Collection<PolicyDoc>;
  private running: Promise<number> | null = null;

  constructor(private readonly options: ProcessorOptions) {
    this.recordings = options.store.collection<RecordingDoc>(RecorderCollections.recordings);
    this.policies = options.store.collection<PolicyDoc>(RecorderCollections.policies);
  }

  /** One pass over waiting recordings (a pass already running is joined); returns how many were finished. */
  poll(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  private async pass(): Promise<number> {
    const waiting = await this.recordings.find({ status: 'processing' }, { sort: { endedAt: 1 }, limit: 10 });
    let finished = 0;
    for (const doc of waiting) {
      try {
        if (await this.process(doc)) finished++;
      } catch (err) {
        this.options.log.error(
          { err, recordingId: doc._id, callId: doc.callId },
          'recording conversion failed',
        );
        await this.fail(doc, (err as Error).message);
        finished++;
      }
    }
    return finished;
  }

  private async process(doc: RecordingDoc): Promise<boolean> {
    const now = this.options.now?.() ?? Date.now();
    const capture = await findCallCapture(this.options.spoolDir, doc.callId);
    const waited = now - Date.parse(doc.endedAt ?? doc.updatedAt);
    if ((capture.inProgress > 0 || capture.pcaps.length === 0) && waited < this.options.fileWaitMs)
      return false;
    if (capture.pcaps.length === 0) {
      await this.fail(doc, `rtpengine wrote no pcap for call ${doc.callId} in ${this.options.spoolDir}`);
      return true;
    }
    const began = performance.now();
    const audio = captureToWav(await readCapture(capture), doc.callerMedia, {
      maxSeconds: this.options.maxSeconds,
    });
    const key = objectKeyOf(doc);
    const stored = await this.options.objects.put(key, audio.wav, 'audio/wav');
    const tenant = await this.policies.get(policyId(doc.tenantId));
    const days = tenant?.retentionDays ?? this.options.retentionDays;
    const from = Date.parse(doc.startedAt ?? doc.createdAt);
    const at = new Date(now).toISOString();
    await update(this.recordings, doc._id, (r): RecordingDoc | null =>
      r.status !== 'processing'
        ? null
        : {
            ...r,
            status: 'available',
            objectKey: key,
            contentType: 'audio/wav',
            sizeBytes: stored.size,
            sha256: audio.sha256,
            durationMs: audio.durationMs,
            sidesKnown: audio.sidesKnown,
            retentionUntil: new Date(from + days * DAY_MS).toISOString(),
            updatedAt: at,
          },
    );
    if (!this.options.keepSpool) await removeCapture(capture);
    this.options.onFinished?.('stored', (performance.now() - began) / 1000);
    this.options.log.info(
      {
        recordingId: doc._id,
        callId: doc.callId,
        bytes: stored.size,
        durationMs: audio.durationMs,
        packets: audio.packets,
      },
      'recording stored',
    );
    return true;
  }

  private async fail(doc: RecordingDoc, error: string): Promise<void> {
    this.options.onFinished?.('failed', 0);
    await update(this.recordings, doc._id, (r): RecordingDoc | null =>
      r.status !== 'processing'
        ? null
        : { ...r, status: 'failed', error: error.slice(0, 500), updatedAt: new Date().toISOString() },
    );
  }
}
