import type { Component, Logger } from '@hotline/platform';
import path from 'node:path';
import { renderDispatcherList } from './domain/dispatcher-list';
import { podFacts } from './domain/pod-facts';
import {
  renderRtpengineTable,
  renderVersionTable,
  rtpengineUrl,
  RTPENGINE_TABLE,
} from './domain/rtpengine-table';
import { desiredTargets, diffTargets, type Role, type Target, type TargetChange } from './domain/targets';
import type { EdgeSyncMetrics } from './metrics';
import type { EventReporter, KamailioControl, PodSource, ReloadMethod, TargetFiles } from './ports';

export interface EdgeSyncOptions {
  callControl: PodSource;
  /** Absent: the rtpengine set is not managed. */
  media?: PodSource;
  /** Absent: files only (Kamailio reads them when it starts). */
  kamailio?: KamailioControl;
  events: EventReporter;
  files: TargetFiles;
  metrics: EdgeSyncMetrics;
  log: Logger;
  dispatcher: { file: string; baseFile?: string; setId: number; transport: 'udp' | 'tcp'; port: number };
  rtpengine?: { dbDir: string; setId: number; port: number };
  node: string;
  debounceMs: number;
  /**
   * First retry of a failed reload; doubles up to maxRetryMs (5 s). Kamailio refuses reloads
   * closer together than its reload interval (dispatcher: reload_delta, 5 s by default;
   * rtpengine: 10 s), so a burst of changes is applied by the retry that follows it.
   */
  retryMs?: number;
  maxRetryMs?: number;
  /** Retry after Kamailio answered "later" (reload interval, start-up). */
  busyRetryMs?: number;
  /** A reload failing this many times in a row is reported as a Warning event (once a streak). */
  warnAfterFailures?: number;
}

/**
 * Keeps Kamailio's target lists in step with the pods: call control in a dispatcher set, media
 * (rtpengine) in an rtpengine set. Every change of the watched pods (debounced: a rollout moves
 * many at once) recomputes both lists from the whole picture, writes the files that changed
 * and asks Kamailio to reload them; a reload Kamailio did not confirm is retried with backoff
 * until it is. Each target added, drained or removed becomes an Event and a metric.
 */
export class EdgeSync implements Component {
  readonly name = 'edge-sync';
  private listed: Record<Role, Map<string, Target>> = { 'call-control': new Map(), media: new Map() };
  private readonly pendingReload = new Set<ReloadMethod>();
  private readonly failures = new Map<ReloadMethod, number>();
  private readonly delays = new Map<ReloadMethod, number>();
  private debounce: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private synced = false;

  constructor(private readonly o: EdgeSyncOptions) {}

  /** True once the lists were written from a complete first listing of the pods. */
  get ready(): boolean {
    return this.synced;
  }

  async start(): Promise<void> {
    const onChange = () => this.schedule();
    await Promise.all([this.o.callControl.start(onChange), this.o.media?.start(onChange)]);
    // Reload once even if the files on disk were already right: a previous edge sync may have
    // written them and stopped before Kamailio confirmed. (When Kamailio is not up yet it reads
    // them as it starts; the retries then find it.)
    this.pendingReload.add('dispatcher.reload');
    if (this.o.media && this.o.rtpengine) this.pendingReload.add('rtpengine.reload');
    await this.sync();
    this.synced = true;
    this.o.log.info(
      {
        callControl: this.listed['call-control'].size,
        media: this.listed.media.size,
      },
      'edge sync ready: target lists written',
    );
  }

  /** Waits for any sync in progress; for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.debounce) await new Promise((r) => setTimeout(r, 5));
    await this.running;
  }

  targets(role: Role): Target[] {
    return [...this.listed[role].values()];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    this.debounce = undefined;
    await this.running.catch(() => undefined);
    await Promise.all([this.o.callControl.stop(), this.o.media?.stop()]);
  }

  private schedule(): void {
    if (this.stopped || !this.synced || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.sync().catch((err: unknown) => this.o.log.error({ err }, 'edge sync failed'));
    }, this.o.debounceMs);
  }

  /** One sync at a time: a change during a sync runs another one after it. */
  private sync(): Promise<void> {
    const next = this.running.then(() => this.syncOnce());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async syncOnce(): Promise<void> {
    if (this.stopped) return;
    const { dispatcher, rtpengine } = this.o;
    const callControl = this.reconcile('call-control', this.o.callControl, dispatcher.port);
    const base = dispatcher.baseFile ? await this.o.files.read(dispatcher.baseFile) : undefined;
    const list = renderDispatcherList(callControl.next.values(), {
      setId: dispatcher.setId,
      transport: dispatcher.transport,
      ...(base === undefined ? {} : { base }),
    });
    if (await this.o.files.write(dispatcher.file, list)) this.pendingReload.add('dispatcher.reload');

    let media: ReturnType<EdgeSync['reconcile']> | undefined;
    const mediaStates: TargetChange[] = [];
    if (this.o.media && rtpengine) {
      media = this.reconcile('media', this.o.media, rtpengine.port);
      await this.o.files.write(path.join(rtpengine.dbDir, 'version'), renderVersionTable());
      const table = renderRtpengineTable(media.next.values(), rtpengine.setId);
      await this.o.files.write(path.join(rtpengine.dbDir, RTPENGINE_TABLE), table);
      // A node joining or leaving needs a reload; one only changing state is switched at once.
      for (const change of media.changes) {
        const known = this.listed.media.has(change.target.key) && media.next.has(change.target.key);
        if (known) mediaStates.push(change);
        else this.pendingReload.add('rtpengine.reload');
      }
    }
    this.listed['call-control'] = callControl.next;
    if (media) this.listed.media = media.next;
    this.o.metrics.lastSync.set(Date.now() / 1000);
    for (const role of ['call-control', 'media'] as const) {
      for (const state of ['active', 'draining'] as const) {
        this.o.metrics.targets.set(
          { role, state },
          [...this.listed[role].values()].filter((t) => t.state === state).length,
        );
      }
    }
    await this.switchRtpengines(mediaStates);
    await this.reloadPending();
    await Promise.all([...callControl.changes, ...(media?.changes ?? [])].map((c) => this.report(c)));
  }

  private reconcile(role: Role, source: PodSource, port: number) {
    const portName = role === 'call-control' ? 'sip' : 'ng';
    const facts = source.pods().flatMap((p) => podFacts(p, portName) ?? []);
    const next = desiredTargets(role, facts, this.listed[role], port);
    return { next, changes: diffTargets(this.listed[role], next) };
  }

  private async switchRtpengines(changes: TargetChange[]): Promise<void> {
    const kamailio = this.o.kamailio;
    if (!kamailio) return;
    for (const change of changes) {
      const url = rtpengineUrl(change.target);
      try {
        await kamailio.setRtpengine(url, change.target.state === 'active');
      } catch (err) {
        // The table already says so: the next reload applies it.
        this.o.log.warn({ err, url }, 'Kamailio did not switch the rtpengine node; reloading instead');
        this.pendingReload.add('rtpengine.reload');
      }
    }
  }

  private async reloadPending(): Promise<void> {
    const kamailio = this.o.kamailio;
    if (!kamailio) {
      this.pendingReload.clear();
      return;
    }
    let nextTry = Infinity;
    for (const method of [...this.pendingReload]) {
      const started = performance.now();
      try {
        await kamailio.reload(method);
        this.pendingReload.delete(method);
        this.failures.delete(method);
        this.delays.delete(method);
        this.o.metrics.reloads.inc({ method, outcome: 'ok' });
        this.o.metrics.reloadSeconds.observe({ method }, (performance.now() - started) / 1000);
      } catch (err) {
        nextTry = Math.min(nextTry, await this.reloadFailed(method, err));
      }
    }
    clearTimeout(this.retry);
    this.retry = undefined;
    if (this.pendingReload.size > 0 && !this.stopped) {
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.running = this.running.then(() => this.reloadPending()).catch(() => undefined);
      }, nextTry);
    }
  }

  /** Counts a failed reload and says how long to wait before the next try. */
  private async reloadFailed(method: ReloadMethod, err: unknown): Promise<number> {
    if ((err as { busy?: boolean }).busy) {
      // Kamailio spaces reloads out (and refuses them while starting): expected, try again soon.
      this.o.metrics.reloads.inc({ method, outcome: 'busy' });
      this.o.log.debug({ method, reason: (err as Error).message }, 'Kamailio asked to reload later');
      return this.o.busyRetryMs ?? 1000;
    }
    const failures = (this.failures.get(method) ?? 0) + 1;
    this.failures.set(method, failures);
    this.o.metrics.reloads.inc({ method, outcome: 'failed' });
    this.o.log.warn(
      { method, failures, reason: (err as Error).message },
      'Kamailio did not confirm the reload; retrying',
    );
    if (failures === (this.o.warnAfterFailures ?? 5)) {
      await this.o.events
        .warning(
          'ReloadFailed',
          `Kamailio on node ${this.o.node} did not confirm ${method} ${failures} times: ${(err as Error).message}`,
        )
        .catch(() => this.o.metrics.eventFailures.inc());
    }
    const delay = this.delays.get(method) ?? this.o.retryMs ?? 500;
    this.delays.set(method, Math.min(delay * 2, this.o.maxRetryMs ?? 5_000));
    return delay;
  }

  private async report(change: TargetChange): Promise<void> {
    const t = change.target;
    this.o.metrics.changes.inc({ role: t.role, action: change.action });
    const where =
      t.role === 'call-control'
        ? `dispatcher set ${this.o.dispatcher.setId} as sip:${t.ip}:${t.port}`
        : `rtpengine set ${this.o.rtpengine?.setId ?? 0} as ${rtpengineUrl(t)}`;
    const message = {
      added: `Kamailio on node ${this.o.node} added pod ${t.pod} to ${where}`,
      reactivated: `Kamailio on node ${this.o.node} sends new calls again to pod ${t.pod} in ${where}`,
      drained: `Kamailio on node ${this.o.node} stopped sending new calls to pod ${t.pod} (draining) in ${where}`,
      removed: `Kamailio on node ${this.o.node} removed pod ${t.pod} from ${where}`,
    }[change.action];
    this.o.log.info({ role: t.role, action: change.action, pod: t.pod, ip: t.ip }, message);
    try {
      await this.o.events.targetChanged(change, message);
    } catch (err) {
      this.o.metrics.eventFailures.inc();
      this.o.log.warn({ err, pod: t.pod }, 'could not record the event');
    }
  }
}
