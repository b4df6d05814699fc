/**
 * The parts of a Kubernetes pod the edge sync decides on. Structurally a subset of the API's
 * V1Pod, so the domain does not depend on the client library.
 */
export interface PodLike {
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    deletionTimestamp?: Date | string;
  };
  spec?: {
    nodeName?: string;
    containers?: Array<{ ports?: Array<{ name?: string; containerPort: number }> }>;
  };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: Array<{ type: string; status: string }>;
  };
}

export interface PodFacts {
  /** The pod's uid: a pod recreated under the same name is another target. */
  key: string;
  name: string;
  namespace: string;
  node: string | undefined;
  ip: string | undefined;
  /** The named container port, when the pod declares one. */
  port: number | undefined;
  ready: boolean;
  /** Deletion requested: the pod is stopping (preStop, grace period) but may still hold calls. */
  terminating: boolean;
  /** Succeeded or Failed: its containers are gone, and so are its calls. */
  finished: boolean;
}

export function podFacts(pod: PodLike, portName: string): PodFacts | undefined {
  const name = pod.metadata?.name;
  const uid = pod.metadata?.uid;
  if (!name || !uid) return undefined;
  const phase = pod.status?.phase;
  const port = pod.spec?.containers
    ?.flatMap((c) => c.ports ?? [])
    .find((p) => p.name === portName)?.containerPort;
  return {
    key: uid,
    name,
    namespace: pod.metadata?.namespace ?? '',
    node: pod.spec?.nodeName,
    ip: pod.status?.podIP || undefined,
    port,
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    terminating: pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null,
    finished: phase === 'Succeeded' || phase === 'Failed',
  };
}
