import { CoreV1Api, makeInformer, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { Logger } from '@hotline/platform';
import type { PodLike } from '../domain/pod-facts';
import type { PodSource } from '../ports';

export interface KubePodSourceOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  labelSelector: string;
  log: Logger;
  /** Called each time the watch is restarted after an error. */
  onRestart?: () => void;
  retryMs?: number;
  maxRetryMs?: number;
}

/**
 * Pods matching a label selector in one namespace, from a list-then-watch informer: it lists,
 * then watches from the list's resourceVersion, and lists again when the watch has fallen too
 * far behind (410 Gone). On an error it keeps what it had (the API being down is no reason to
 * drop targets) and starts again with backoff.
 */
export class KubePodSource implements PodSource {
  private readonly informer;
  private listed = false;
  private started = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private delay: number;

  constructor(private readonly o: KubePodSourceOptions) {
    const api = o.kubeConfig.makeApiClient(CoreV1Api);
    this.delay = o.retryMs ?? 500;
    this.informer = makeInformer<V1Pod>(
      o.kubeConfig,
      `/api/v1/namespaces/${o.namespace}/pods`,
      async () => {
        const list = await api.listNamespacedPod({ namespace: o.namespace, labelSelector: o.labelSelector });
        this.listed = true;
        return list;
      },
      o.labelSelector,
    );
    this.informer.on('connect', () => {
      this.delay = o.retryMs ?? 500;
    });
    this.informer.on('error', (err: unknown) => {
      if (this.stopped) return;
      o.log.warn({ err, selector: o.labelSelector }, 'pod watch failed; starting again');
      if (this.started) this.restartLater();
    });
  }

  async start(onChange: () => void): Promise<void> {
    for (const verb of ['add', 'update', 'delete'] as const) this.informer.on(verb, () => onChange());
    // The informer reports a failed first list as an error and returns: try until one succeeds.
    while (!this.stopped) {
      await this.informer.start();
      if (this.listed) break;
      await new Promise((r) => setTimeout(r, this.nextDelay()));
    }
    this.started = true;
  }

  pods(): readonly PodLike[] {
    return this.informer.list(this.o.namespace);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.informer.stop();
  }

  private restartLater(): void {
    if (this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.stopped) return;
      this.o.onRestart?.();
      void this.informer.start();
    }, this.nextDelay());
  }

  private nextDelay(): number {
    const d = this.delay;
    this.delay = Math.min(this.delay * 2, this.o.maxRetryMs ?? 15_000);
    return d;
  }
}
