import { describe, expect, it } from 'vitest';
import { podFacts, type PodLike } from './pod-facts';
import { desiredTargets, diffTargets, type Target } from './targets';

function pod(
  name: string,
  over: { ip?: string; ready?: boolean; deleting?: boolean; phase?: string; port?: number } = {},
): PodLike {
  return {
    metadata: {
      name,
      namespace: 'edge',
      uid: `uid-${name}`,
      ...(over.deleting ? { deletionTimestamp: new Date() } : {}),
    },
    spec: {
      nodeName: 'node-a',
      containers: [{ ports: over.port ? [{ name: 'sip', containerPort: over.port }] : [] }],
    },
    status: {
      phase: over.phase ?? 'Running',
      ...(over.ip === undefined ? {} : { podIP: over.ip }),
      conditions: [{ type: 'Ready', status: over.ready ? 'True' : 'False' }],
    },
  };
}

const facts = (...pods: PodLike[]) => pods.map((p) => podFacts(p, 'sip')!);
const desired = (pods: PodLike[], listed: Map<string, Target> = new Map()) =>
  desiredTargets('call-control', facts(...pods), listed, 5480);
const states = (m: Map<string, Target>) => Object.fromEntries([...m.values()].map((t) => [t.pod, t.state]));

describe('which pods Kamailio lists', () => {
  it('lists a ready pod with an address as active', () => {
    expect(states(desired([pod('a', { ip: '10.0.0.1', ready: true })]))).toEqual({ a: 'active' });
  });

  it('does not list a pod that was never ready, or has no address yet', () => {
    expect(states(desired([pod('a', { ip: '10.0.0.1' }), pod('b', { ready: true })]))).toEqual({});
  });

  it('keeps a listed pod that turns unready, as draining', () => {
    const before = desired([pod('a', { ip: '10.0.0.1', ready: true })]);
    expect(states(desired([pod('a', { ip: '10.0.0.1' })], before))).toEqual({ a: 'draining' });
  });

  it('drains a terminating pod even when it still passes readiness', () => {
    const before = desired([pod('a', { ip: '10.0.0.1', ready: true })]);
    expect(states(desired([pod('a', { ip: '10.0.0.1', ready: true, deleting: true })], before))).toEqual({
      a: 'draining',
    });
  });

  it('drains a terminating ready pod it had never listed (it may hold calls from before a restart)', () => {
    expect(states(desired([pod('a', { ip: '10.0.0.1', ready: true, deleting: true })]))).toEqual({
      a: 'draining',
    });
  });

  it('never lists a terminating pod that was neither listed nor ready', () => {
    expect(states(desired([pod('a', { ip: '10.0.0.1', deleting: true })]))).toEqual({});
  });

  it('drops a pod whose containers have finished, and one gone from the API', () => {
    const before = desired([
      pod('a', { ip: '10.0.0.1', ready: true }),
      pod('b', { ip: '10.0.0.2', ready: true }),
    ]);
    expect(states(desired([pod('a', { ip: '10.0.0.1', ready: true, phase: 'Failed' })], before))).toEqual({});
  });

  it('uses the pod\'s own "sip" container port over the configured one', () => {
    const [t] = desired([pod('a', { ip: '10.0.0.1', ready: true, port: 5999 })]).values();
    expect(t?.port).toBe(5999);
  });

  it('ignores a pod without name or uid', () => {
    expect(podFacts({ metadata: { name: 'x' } }, 'sip')).toBeUndefined();
  });
});

describe('what changed', () => {
  it('names each change once: added, drained, reactivated, removed', () => {
    const t0 = desired([
      pod('a', { ip: '10.0.0.1', ready: true }),
      pod('b', { ip: '10.0.0.2', ready: true }),
    ]);
    const t1 = desired([pod('a', { ip: '10.0.0.1' }), pod('c', { ip: '10.0.0.3', ready: true })], t0);
    expect(diffTargets(t0, t1).map((c) => `${c.action} ${c.target.pod}`)).toEqual([
      'drained a',
      'removed b',
      'added c',
    ]);
    const t2 = desired(
      [pod('a', { ip: '10.0.0.1', ready: true }), pod('c', { ip: '10.0.0.3', ready: true })],
      t1,
    );
    expect(diffTargets(t1, t2).map((c) => `${c.action} ${c.target.pod}`)).toEqual(['reactivated a']);
    expect(diffTargets(t2, t2)).toEqual([]);
  });
});
