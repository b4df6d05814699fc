import type { PodFacts } from './pod-facts';

/** call-control: Kamailio's dispatcher set; media: its rtpengine set. */
export type Role = 'call-control' | 'media';

/**
 * active: chosen for new calls. draining: still listed (Kamailio keeps trusting and routing the
 * calls it already has there) but never chosen for a new call.
 */
export type TargetState = 'active' | 'draining';

export interface Target {
  role: Role;
  key: string;
  pod: string;
  namespace: string;
  node: string | undefined;
  ip: string;
  port: number;
  state: TargetState;
}

export type TargetAction = 'added' | 'drained' | 'reactivated' | 'removed';

export interface TargetChange {
  action: TargetAction;
  target: Target;
}

/**
 * What Kamailio should list for one role, given the pods now and what it lists already:
 * - a ready pod with an address is active;
 * - a listed pod that is terminating or turned unready is draining: its calls go on, new calls
 *   go elsewhere (and Kamailio still accepts in-dialog requests from it);
 * - a terminating pod that is still ready is draining even if we never listed it (we restarted
 *   mid-rollout): it may hold calls;
 * - a finished pod, or one gone from the API, is removed; a pod never ready is never listed.
 */
export function desiredTargets(
  role: Role,
  pods: readonly PodFacts[],
  listed: ReadonlyMap<string, Target>,
  defaultPort: number,
): Map<string, Target> {
  const next = new Map<string, Target>();
  for (const pod of pods) {
    if (!pod.ip || pod.finished) continue;
    const wasListed = listed.get(pod.key);
    let state: TargetState | undefined;
    if (pod.terminating) {
      if (wasListed || pod.ready) state = 'draining';
    } else if (pod.ready) {
      state = 'active';
    } else if (wasListed) {
      state = 'draining';
    }
    if (!state) continue;
    next.set(pod.key, {
      role,
      key: pod.key,
      pod: pod.name,
      namespace: pod.namespace,
      node: pod.node,
      ip: pod.ip,
      port: pod.port ?? defaultPort,
      state,
    });
  }
  return next;
}

/** What changed between two listings, in a stable order (by pod name). */
export function diffTargets(
  before: ReadonlyMap<string, Target>,
  after: ReadonlyMap<string, Target>,
): TargetChange[] {
  const changes: TargetChange[] = [];
  for (const [key, target] of after) {
    const old = before.get(key);
    if (!old) changes.push({ action: target.state === 'active' ? 'added' : 'drained', target });
    else if (old.state !== target.state)
      changes.push({ action: target.state === 'active' ? 'reactivated' : 'drained', target });
  }
  for (const [key, target] of before) {
    if (!after.has(key)) changes.push({ action: 'removed', target });
  }
  return changes.sort((a, b) => a.target.pod.localeCompare(b.target.pod));
}

export function sortTargets(targets: Iterable<Target>): Target[] {
  return [...targets].sort((a, b) => a.pod.localeCompare(b.pod) || a.key.localeCompare(b.key));
}
