import { describe, expect, it } from 'vitest';
import { LiveHub, type LiveClient, type LiveViewer } from './live-hub';

function client(viewer: Partial<LiveViewer>): LiveClient & { frames: string[] } {
  const frames: string[] = [];
  return {
    viewer: { tenantId: 't1', agentId: null, supervisor: false, queueIds: [], ...viewer },
    frames,
    write: (f) => frames.push(f),
    ping: () => frames.push(': ping\n\n'),
    close: () => {},
  };
}

describe('LiveHub', () => {
  it('routes an agent’s view to that agent and the supervisors only', () => {
    const hub = new LiveHub(10);
    const me = client({ agentId: 'a1', queueIds: ['q1'] });
    const colleague = client({ agentId: 'a2', queueIds: ['q1'] });
    const sup = client({ supervisor: true });
    const elsewhere = client({ tenantId: 't2', supervisor: true });
    for (const c of [me, colleague, sup, elsewhere]) hub.add(c);
    hub.agent('t1', 'a1', 'agent', { agentId: 'a1' });
    expect([me.frames.length, colleague.frames.length, sup.frames.length, elsewhere.frames.length]).toEqual([
      1, 0, 1, 0,
    ]);
    hub.queue('t1', 'q1', 'queue', { queueId: 'q1' });
    expect([me.frames.length, colleague.frames.length, sup.frames.length]).toEqual([2, 1, 2]);
    hub.agentOnly('t1', 'a2', 'offer', {});
    expect([me.frames.length, colleague.frames.length, sup.frames.length]).toEqual([2, 2, 2]);
  });

  it('sends one copy to a supervisor who is also the agent on the call', () => {
    const hub = new LiveHub(10);
    const both = client({ agentId: 'a1', supervisor: true });
    hub.add(both);
    hub.call('t1', ['a1'], 'call', {});
    expect(both.frames).toHaveLength(1);
  });

  it('refuses past the per-tenant limit and tells when a tenant comes and goes', () => {
    const seen: string[] = [];
    const hub = new LiveHub(1, {
      tenantActive: (t) => seen.push(`+${t}`),
      tenantIdle: (t) => seen.push(`-${t}`),
    });
    const first = client({ supervisor: true });
    expect(hub.add(first)).toBe(true);
    expect(hub.add(client({ supervisor: true }))).toBe(false);
    hub.remove(first);
    hub.remove(first);
    expect(seen).toEqual(['+t1', '-t1']);
    expect(hub.clients).toBe(0);
  });
});
