import type { Logger } from 'pino';

/** Something the process owns and must wind down: a service, a client, a server. */
export interface Component {
  name: string;
  /** Stop taking new work (leave consumer groups, refuse new calls). Existing work goes on. */
  drain?(): Promise<void>;
  /** Work still in progress (live calls, in-flight records); shutdown waits for 0. */
  activeWork?(): number;
  /** Release everything; called after draining, in reverse order of registration. */
  stop(): Promise<void>;
}

export interface LifecycleOptions {
  shutdownTimeoutMs: number;
  log: Logger;
  /** Injected for tests; the real one ends the process. */
  exit?: (code: number) => void;
  pollMs?: number;
}

/**
 * The one owner of a process's life. On the first SIGTERM/SIGINT: readiness off, every
 * component drains, shutdown waits for active work to reach zero (or the timeout), then stops
 * components in reverse order and exits 0. A second signal forces exit 1 at once.
 */
export class Lifecycle {
  private readonly components: Component[] = [];
  private state: 'starting' | 'running' | 'stopping' | 'stopped' = 'starting';
  private shutdownPromise: Promise<void> | undefined;
  private readonly exit: (code: number) => void;

  constructor(private readonly options: LifecycleOptions) {
    this.exit = options.exit ?? ((code) => process.exit(code));
  }

  add(component: Component): void {
    this.components.push(component);
  }

  /** Ready to take traffic: started and not shutting down. */
  get ready(): boolean {
    return this.state === 'running';
  }

  get stopping(): boolean {
    return this.state === 'stopping' || this.state === 'stopped';
  }

  markRunning(): void {
    if (this.state === 'starting') this.state = 'running';
  }

  activeWork(): number {
    return this.components.reduce((sum, c) => sum + (c.activeWork?.() ?? 0), 0);
  }

  installSignalHandlers(): void {
    const onSignal = (signal: NodeJS.Signals) => {
      if (this.shutdownPromise) {
        this.options.log.warn({ signal }, 'second signal: forcing exit');
        this.exit(1);
        return;
      }
      void this.shutdown(signal).then(
        () => this.exit(0),
        (err: unknown) => {
          this.options.log.error({ err }, 'shutdown failed');
          this.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }

  shutdown(reason: string): Promise<void> {
    this.shutdownPromise ??= this.runShutdown(reason);
    return this.shutdownPromise;
  }

  private async runShutdown(reason: string): Promise<void> {
    const { log, shutdownTimeoutMs } = this.options;
    this.state = 'stopping';
    log.info({ reason, activeWork: this.activeWork() }, 'shutdown started');
    const reversed = [...this.components].reverse();
    for (const c of reversed) {
      await this.safely(c, 'drain', () => c.drain?.());
    }
    const deadline = Date.now() + shutdownTimeoutMs;
    while (this.activeWork() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, this.options.pollMs ?? 100));
    }
    const left = this.activeWork();
    if (left > 0)
      log.warn({ activeWork: left, shutdownTimeoutMs }, 'drain timed out; stopping with work in progress');
    for (const c of reversed) {
      await this.safely(c, 'stop', () => c.stop());
    }
    this.state = 'stopped';
    log.info({ reason }, 'shutdown complete');
  }

  private async safely(c: Component, step: string, fn: () => Promise<void> | undefined): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.options.log.error({ err, component: c.name, step }, 'component failed to wind down');
    }
  }
}
