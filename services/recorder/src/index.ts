import { Topics } from '@hotline/contracts';
import { consumeEvents } from '@hotline/event-bus';
import { createIdempotencyGuard } from '@hotline/live-state';
import { Counter, Histogram, type ServiceModule } from '@hotline/platform';
import { queryCallerMedia } from './adapters/rtpengine-query';
import { createRecordingLibrary } from './library/recording-library';
import { Recorder, recorderEventTypes } from './recorder/recorder';
import { RecordingProcessor } from './recorder/recording-processor';
import { recorderSettings, recorderSettingsFrom } from './settings';
import { openObjectStore } from './storage/open-object-store';

export {
  createRecordingLibrary,
  type RecordingLibrary,
  type RecordingSearch,
} from './library/recording-library';
export { recordingsRouter, type Authorize } from './library/recordings-router';
export { recorderSettings, recorderSettingsFrom, type RecorderSettings } from './settings';
export { RecorderCollections, type RecordingDoc, type RecordingView } from './domain/recording';
export { policyId, type PolicyDoc } from './domain/recorder-docs';
export { decideRecording, sampleBucket } from './domain/policy';
export type { ObjectStore, ObjectInfo } from './storage/object-store';
export { createLocalObjectStore } from './storage/local-object-store';
export { createS3ObjectStore, ensureBucket, type S3Options } from './storage/s3-object-store';
export { openObjectStore } from './storage/open-object-store';
export { captureToWav } from './media/capture-to-wav';

const GROUP = 'recorder';

/**
 * Call recording (F-REC-1/2): decides by policy which calls to record, asks sip-edge to record
 * them in rtpengine (pcap), follows pause/resume, and once a call ends turns its pcaps into a
 * stereo WAV (caller left, agent right) in object storage with its metadata in `recordings`.
 */
export const service: ServiceModule = {
  name: 'recorder',
  settings: recorderSettings,
  async start({ store, bus, live, log, env, metrics }) {
    const settings = recorderSettingsFrom(env ?? {});
    const finished = new Counter({
      name: 'hotline_recorder_recordings_total',
      help: 'Recordings finished after their call, by outcome (stored or failed)',
      labelNames: ['outcome'],
      registers: [metrics],
    });
    const conversion = new Histogram({
      name: 'hotline_recorder_conversion_seconds',
      help: 'Time to turn one call’s pcaps into a stereo WAV',
      buckets: [0.01, 0.05, 0.2, 1, 5, 20],
      registers: [metrics],
    });
    const objects = openObjectStore(settings);
    const processor = new RecordingProcessor({
      store,
      objects,
      log,
      spoolDir: settings.HOTLINE_RECORDER_SPOOL_DIR,
      fileWaitMs: settings.HOTLINE_RECORDER_FILE_WAIT_MS,
      retentionDays: settings.HOTLINE_RECORDER_RETENTION_DAYS,
      keepSpool: settings.HOTLINE_RECORDER_KEEP_SPOOL,
      maxSeconds: settings.HOTLINE_RECORDER_MAX_SECONDS,
      onFinished: (outcome, seconds) => {
        finished.inc({ outcome });
        if (outcome === 'stored') conversion.observe(seconds);
      },
    });
    const library = createRecordingLibrary({ store, settings, objects, log });
    const poll = () =>
      void processor.poll().catch((err: unknown) => log.warn({ err }, 'recording pass failed'));
    const recorder = new Recorder({
      store,
      bus,
      log,
      callerMedia: (callId) => queryCallerMedia(settings.HOTLINE_RECORDER_RTPENGINE_URLS, callId),
      onReady: poll,
    });
    const subscription = await consumeEvents({
      bus,
      group: GROUP,
      topics: [Topics.calls, Topics.callCommands],
      types: recorderEventTypes,
      dedupe: createIdempotencyGuard(live, { ttlMs: 86_400_000, prefix: 'idem' }),
      handle: (event) => recorder.handle(event),
    });
    const pollTimer = setInterval(poll, settings.HOTLINE_RECORDER_POLL_MS);
    pollTimer.unref();
    const sweepTimer = setInterval(
      () =>
        void library.sweepRetention().catch((err: unknown) => log.warn({ err }, 'retention sweep failed')),
      settings.HOTLINE_RECORDER_SWEEP_EVERY_MS,
    );
    sweepTimer.unref();
    log.info({ store: objects.kind, spool: settings.HOTLINE_RECORDER_SPOOL_DIR }, 'service started');
    return {
      name: 'recorder',
      activeWork: () => (processor.busy ? 1 : 0),
      drain: async () => {
        await subscription.close();
      },
      stop: async () => {
        clearInterval(pollTimer);
        clearInterval(sweepTimer);
        await subscription.close().catch(() => undefined);
        await processor.poll().catch(() => 0);
        log.info('service stopped');
      },
    };
  },
};
