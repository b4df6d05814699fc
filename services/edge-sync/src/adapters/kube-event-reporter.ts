import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import type { TargetChange } from '../domain/targets';
import type { EventReporter } from '../ports';

const reasons = {
  added: 'TargetAdded',
  reactivated: 'TargetReactivated',
  drained: 'TargetDraining',
  removed: 'TargetRemoved',
} as const;

export interface KubeEventReporterOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The edge sync's own pod and node: who reports, and where warnings go. */
  podName: string;
  nodeName: string;
}

/**
 * Records what the edge sync did as core/v1 Events on the pod concerned, so
 * `kubectl describe pod <call-control pod>` shows when Kamailio started and stopped sending it
 * calls, and from which node.
 */
export class KubeEventReporter implements EventReporter {
  private readonly api: CoreV1Api;

  constructor(private readonly o: KubeEventReporterOptions) {
    this.api = o.kubeConfig.makeApiClient(CoreV1Api);
  }

  async targetChanged(change: TargetChange, message: string): Promise<void> {
    const t = change.target;
    await this.create({
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: t.pod, namespace: t.namespace, uid: t.key },
      type: 'Normal',
      reason: reasons[change.action],
      action: change.action,
      message,
    });
  }

  async warning(reason: string, message: string): Promise<void> {
    await this.create({
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: this.o.podName, namespace: this.o.namespace },
      type: 'Warning',
      reason,
      action: 'reload',
      message,
    });
  }

  private async create(
    event: Pick<CoreV1Event, 'involvedObject' | 'type' | 'reason' | 'action' | 'message'>,
  ) {
    const now = new Date();
    await this.api.createNamespacedEvent({
      namespace: this.o.namespace,
      body: {
        metadata: { generateName: `${event.involvedObject.name ?? 'edge-sync'}.` },
        ...event,
        source: { component: 'hotline-edge-sync', host: this.o.nodeName },
        reportingComponent: 'hotline.io/edge-sync',
        reportingInstance: this.o.podName,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
      },
    });
  }
}
