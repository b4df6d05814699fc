import type { PodLike } from './domain/pod-facts';
import type { TargetChange } from './domain/targets';

/** The pods of one role, kept current from the Kubernetes API (list, then watch). */
export interface PodSource {
  /**
   * Resolves once a first list has arrived (never with an empty cache because the API was
   * down: an empty list would drop every target). onChange runs after every change after that.
   */
  start(onChange: () => void): Promise<void>;
  pods(): readonly PodLike[];
  stop(): Promise<void>;
}

export type ReloadMethod = 'dispatcher.reload' | 'rtpengine.reload';

/** Tells Kamailio to re-read a list (JSON-RPC). Throws when Kamailio did not confirm it. */
export interface KamailioControl {
  reload(method: ReloadMethod): Promise<void>;
  /**
   * Disables (permanently, until enabled) or enables one rtpengine node at once: Kamailio
   * accepts an rtpengine.reload only every 10 s, a drain should not wait for that.
   */
  setRtpengine(url: string, enabled: boolean): Promise<void>;
}

/** Where the edge sync says what it did: Kubernetes Events, on the pod concerned. */
export interface EventReporter {
  targetChanged(change: TargetChange, message: string): Promise<void>;
  /** Something an operator should look at (Kamailio not reloading), on the edge sync's own pod. */
  warning(reason: string, message: string): Promise<void>;
}

/** The files Kamailio reads. write() replaces atomically and says whether the bytes changed. */
export interface TargetFiles {
  read(path: string): Promise<string | undefined>;
  write(path: string, text: string): Promise<boolean>;
}
