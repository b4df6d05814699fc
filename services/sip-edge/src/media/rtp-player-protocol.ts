import type { G711 } from './rtp-player';

// Messages between ThreadedRtpPlayer (main thread) and its playout worker. Small and flat on
// purpose: each is structured-cloned across threads, and the main thread sends a handful per call.

export interface PlayerWorkerData {
  host: string;
  /** 0 for any free port; a restarted worker asks for the port rtpengine already knows. */
  port: number;
}

export type ToWorker =
  | { op: 'open'; callId: string; host: string; port: number; codec: G711; payloadType: number }
  | { op: 'play'; id: number; callId: string; file: string; repeat: number }
  | { op: 'stop'; callId: string }
  | { op: 'close'; callId: string };

export type FromWorker =
  | { type: 'ready'; port: number }
  | { type: 'bind-failed'; message: string }
  | { type: 'played'; id: number; durationMs: number }
  | { type: 'play-failed'; id: number; message: string; code: string | undefined }
  | { type: 'ended'; id: number }
  | { type: 'socket-error'; message: string };
