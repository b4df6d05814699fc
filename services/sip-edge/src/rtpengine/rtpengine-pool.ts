import type { NgClient, NgTarget } from './ng-client';

export interface RtpengineInstance extends NgTarget {
  /** "host:port", what live state records for each call. */
  readonly id: string;
  up: boolean;
  /** Pings missed in a row; one miss under load is not an outage. */
  misses: number;
  lastError?: string;
  lastCheckedAt?: number;
}

export interface PoolLog {
  warn(fields: object, message: string): void;
  info(fields: object, message: string): void;
}

const DOWN_AFTER_MISSES = 2;

/**
 * The rtpengine instances this edge may anchor new calls on. Each is pinged on an interval; new
 * calls go round-robin to the ones that answered, existing calls stay where they are.
 */
export class RtpenginePool {
  readonly instances: RtpengineInstance[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ng: NgClient,
    targets: NgTarget[],
    private readonly log: PoolLog,
  ) {
    if (targets.length === 0) throw new Error('no rtpengine instance configured');
    // Until the first check, assume up: a call should not fail because the edge just started.
    this.instances = targets.map((t) => ({ ...t, id: `${t.host}:${t.port}`, up: true, misses: 0 }));
  }

  async checkAll(): Promise<void> {
    await Promise.all(
      this.instances.map(async (instance) => {
        try {
          await this.ng.command(instance, 'ping');
          if (!instance.up) this.log.info({ rtpengine: instance.id }, 'rtpengine is back');
          instance.up = true;
          instance.misses = 0;
          delete instance.lastError;
        } catch (err) {
          instance.misses += 1;
          instance.lastError = (err as Error).message;
          if (instance.up && instance.misses >= DOWN_AFTER_MISSES) {
            this.log.warn({ rtpengine: instance.id, err: instance.lastError }, 'rtpengine is down');
            instance.up = false;
          }
        }
        instance.lastCheckedAt = Date.now();
      }),
    );
  }

  start(intervalMs: number): void {
    void this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * An instance for a new call: round-robin over the ones answering pings. When none does, every
   * instance is tried anyway (the call fails on its own if they are really gone): refusing all
   * calls because an overloaded instance missed two pings would turn a slowdown into an outage.
   */
  pick(): RtpengineInstance {
    const healthy = this.instances.filter((i) => i.up);
    const up = healthy.length > 0 ? healthy : this.instances;
    const instance = up[this.next % up.length]!;
    this.next = (this.next + 1) % 1_000_000;
    return instance;
  }

  byId(id: string): RtpengineInstance | undefined {
    return this.instances.find((i) => i.id === id);
  }

  /** Readiness: at least one instance answers. */
  async check(): Promise<void> {
    await this.checkAll();
    if (!this.instances.some((i) => i.up)) {
      throw new Error(
        `no rtpengine answers: ${this.instances.map((i) => `${i.id} (${i.lastError ?? 'down'})`).join(', ')}`,
      );
    }
  }
}
