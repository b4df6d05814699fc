import type { DocumentStore } from '@hotline/document-store';
import type { EventBus } from '@hotline/event-bus';
import type { Logger } from '@hotline/platform';
import type { CallTracker } from './call-tracker';
import type { DeskReadModel } from './desk-read-model';
import type { LiveFeed } from './live/live-feed';
import type { LiveHub } from './live/live-hub';

export interface DeskSettings {
  /** wss:// addresses of the SIP proxy the browser softphone registers at. */
  sipWssUrls: readonly string[];
  clientBufferBytes: number;
  heartbeatMs: number;
}

/** What the desk routes share. */
/** The recording running on a call, from the recorder's library (F-REC-1 pause/resume/stop). */
export interface ActiveRecordings {
  active(tenantId: string, callId: string): Promise<{ id: string; allowPause: boolean } | null>;
}

export interface DeskDeps {
  store: DocumentStore;
  /** Absent: stop/pause/resume need the recording id in the command. */
  recordings?: ActiveRecordings;
  bus: EventBus;
  readModel: DeskReadModel;
  tracker: CallTracker;
  hub: LiveHub;
  feed: LiveFeed;
  settings: DeskSettings;
  jwtSecret: string;
  log: Logger;
  /** A live stream ended, and why. */
  observeClose(reason: string): void;
}
