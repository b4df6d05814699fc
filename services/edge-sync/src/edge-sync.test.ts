import { createLogger, createMetrics } from '@hotline/platform';
import { describe, expect, it } from 'vitest';
import type { PodLike } from './domain/pod-facts';
import type { TargetChange } from './domain/targets';
import { KamailioRpcError } from './adapters/kamailio-json-rpc';
import { EdgeSync } from './edge-sync';
import { edgeSyncMetrics } from './metrics';
import type { EventReporter, KamailioControl, PodSource, ReloadMethod, TargetFiles } from './ports';

// The orchestration on in-memory stand-ins for its ports. The real adapters (kube-apiserver,
// Kamailio) are exercised in test/edge-sync.it.test.ts.

class MemoryPods implements PodSource {
  private list: PodLike[] = [];
  private onChange: (() => void) | undefined;
  async start(onChange: () => void) {
    this.onChange = onChange;
  }
  pods() {
    return this.list;
  }
  async stop() {}
  set(...pods: PodLike[]) {
    this.list = pods;
    this.onChange?.();
  }
}

class MemoryFiles implements TargetFiles {
  readonly files = new Map<string, string>();
  async read(p: string) {
    return this.files.get(p);
  }
  async write(p: string, text: string) {
    const changed = this.files.get(p) !== text;
    this.files.set(p, text);
    return changed;
  }
}

class ScriptedKamailio implements KamailioControl {
  readonly calls: string[] = [];
  failNext = 0;
  busyNext = 0;
  async reload(method: ReloadMethod) {
    this.calls.push(method);
    if (this.busyNext > 0) {
      this.busyNext--;
      throw new KamailioRpcError(`${method}: 500 Too short reload interval - try later`, { busy: true });
    }
    if (this.failNext > 0) {
      this.failNext--;
      throw new KamailioRpcError(`${method}: Kamailio's RPC is unreachable`);
    }
  }
  async setRtpengine(url: string, enabled: boolean) {
    this.calls.push(`rtpengine.enable ${url} ${enabled ? 1 : 0}`);
  }
}

class RecordedEvents implements EventReporter {
  readonly events: string[] = [];
  broken = false;
  async targetChanged(change: TargetChange) {
    if (this.broken) throw new Error('forbidden');
    this.events.push(`${change.action} ${change.target.pod}`);
  }
  async warning(reason: string) {
    this.events.push(`warning ${reason}`);
  }
}

const readyPod = (
  name: string,
  ip: string,
  ready = true,
  port?: { name: string; port: number },
): PodLike => ({
  metadata: { name, namespace: 'edge', uid: `uid-${name}` },
  spec: {
    nodeName: 'n1',
    containers: [{ ports: port ? [{ name: port.name, containerPort: port.port }] : [] }],
  },
  status: { podIP: ip, phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

function setup(options: { kamailio?: boolean; warnAfterFailures?: number } = {}) {
  const callControl = new MemoryPods();
  const media = new MemoryPods();
  const files = new MemoryFiles();
  const kamailio = new ScriptedKamailio();
  const events = new RecordedEvents();
  const registry = createMetrics({ service: 'edge-sync', site: 's1' });
  const sync = new EdgeSync({
    callControl,
    media,
    ...(options.kamailio === false ? {} : { kamailio }),
    events,
    files,
    metrics: edgeSyncMetrics(registry),
    log: createLogger({ service: 'edge-sync', level: 'silent', logPii: false }),
    dispatcher: { file: '/t/dispatcher.list', setId: 1, transport: 'udp', port: 5480 },
    rtpengine: { dbDir: '/t/db', setId: 0, port: 2223 },
    node: 'n1',
    debounceMs: 20,
    busyRetryMs: 10,
    retryMs: 10,
    maxRetryMs: 20,
    ...(options.warnAfterFailures ? { warnAfterFailures: options.warnAfterFailures } : {}),
  });
  return { sync, callControl, media, files, kamailio, events, registry };
}

const until = async (check: () => boolean, ms = 2000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('edge sync', () => {
  it('writes both lists and asks Kamailio to reload them once it has the first listing', async () => {
    const s = setup();
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    s.media.set(readyPod('rtp-1', '10.0.1.1'));
    await s.sync.start();
    expect(s.sync.ready).toBe(true);
    expect(s.files.files.get('/t/dispatcher.list')).toContain('1 sip:10.0.0.1:5480 8 0 duid=cc-1');
    expect(s.files.files.get('/t/db/rtpengine')).toContain('0:udp\\:10.0.1.1\\:2223:1:0');
    expect(s.kamailio.calls.sort()).toEqual(['dispatcher.reload', 'rtpengine.reload']);
    expect(s.events.events.sort()).toEqual(['added cc-1', 'added rtp-1']);
    await s.sync.stop();
  });

  it('applies a burst of pod changes as one write and one reload', async () => {
    const s = setup();
    await s.sync.start();
    s.kamailio.calls.length = 0;
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    s.callControl.set(readyPod('cc-1', '10.0.0.1'), readyPod('cc-2', '10.0.0.2'));
    s.callControl.set(
      readyPod('cc-1', '10.0.0.1'),
      readyPod('cc-2', '10.0.0.2'),
      readyPod('cc-3', '10.0.0.3'),
    );
    await until(() => s.kamailio.calls.length > 0);
    await s.sync.idle();
    expect(s.kamailio.calls).toEqual(['dispatcher.reload']);
    expect(
      s.sync
        .targets('call-control')
        .map((t) => t.pod)
        .sort(),
    ).toEqual(['cc-1', 'cc-2', 'cc-3']);
    await s.sync.stop();
  });

  it('does not reload when nothing Kamailio reads has changed', async () => {
    const s = setup();
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    await s.sync.start();
    s.kamailio.calls.length = 0;
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    await new Promise((r) => setTimeout(r, 60));
    await s.sync.idle();
    expect(s.kamailio.calls).toEqual([]);
    await s.sync.stop();
  });

  it('retries a reload Kamailio refused until it confirms, and warns once when it keeps failing', async () => {
    const s = setup({ warnAfterFailures: 2 });
    await s.sync.start();
    s.kamailio.calls.length = 0;
    s.kamailio.failNext = 3;
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    await until(() => s.kamailio.calls.length === 4);
    expect(s.kamailio.calls).toEqual(Array(4).fill('dispatcher.reload'));
    expect(s.events.events.filter((e) => e.startsWith('warning'))).toEqual(['warning ReloadFailed']);
    const metrics = await s.registry.getSingleMetricAsString('hotline_edge_sync_reloads_total');
    expect(metrics).toMatch(/method="dispatcher.reload",outcome="failed"[^}]*\} 3/);
    await s.sync.stop();
  });

  it("waits out Kamailio's reload interval without counting it as a failure", async () => {
    const s = setup({ warnAfterFailures: 2 });
    await s.sync.start();
    s.kamailio.calls.length = 0;
    s.kamailio.busyNext = 3;
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    await until(() => s.kamailio.calls.length === 4);
    await s.sync.idle();
    expect(s.events.events.filter((e) => e.startsWith('warning'))).toEqual([]);
    const metrics = await s.registry.getSingleMetricAsString('hotline_edge_sync_reloads_total');
    expect(metrics).toMatch(/method="dispatcher.reload",outcome="busy"[^}]*\} 3/);
    await s.sync.stop();
  });

  it('switches a draining rtpengine node off at once instead of waiting for a reload', async () => {
    const s = setup();
    s.media.set(readyPod('rtp-1', '10.0.1.1'));
    await s.sync.start();
    s.kamailio.calls.length = 0;
    s.media.set(readyPod('rtp-1', '10.0.1.1', false));
    await until(() => s.kamailio.calls.length > 0);
    await s.sync.idle();
    expect(s.kamailio.calls).toEqual(['rtpengine.enable udp:10.0.1.1:2223 0']);
    expect(s.files.files.get('/t/db/rtpengine')).toContain(':1:1');
    await s.sync.stop();
  });

  it('reads the rtpengine ng port from the pod\'s "ng" container port', async () => {
    const s = setup();
    s.media.set(readyPod('rtp-1', '10.0.1.1', true, { name: 'ng', port: 22222 }));
    await s.sync.start();
    expect(s.files.files.get('/t/db/rtpengine')).toContain('udp\\:10.0.1.1\\:22222');
    await s.sync.stop();
  });

  it('keeps the lists current when Events cannot be recorded', async () => {
    const s = setup();
    s.events.broken = true;
    await s.sync.start();
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    await until(() => (s.files.files.get('/t/dispatcher.list') ?? '').includes('cc-1'));
    await s.sync.idle();
    const failures = await s.registry.getSingleMetricAsString('hotline_edge_sync_event_failures_total');
    expect(failures).toMatch(/\} 1$/m);
    await s.sync.stop();
  });

  it('writes the files without RPC when no Kamailio control is configured', async () => {
    const s = setup({ kamailio: false });
    s.callControl.set(readyPod('cc-1', '10.0.0.1'));
    await s.sync.start();
    expect(s.files.files.get('/t/dispatcher.list')).toContain('cc-1');
    expect(s.kamailio.calls).toEqual([]);
    await s.sync.stop();
  });
});
