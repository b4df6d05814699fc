import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEdgeSync, type RunningEdgeSync } from '../src/run-edge-sync';
import { startFakeRtpengine } from './fake-rtpengine';
import { freePort, waitFor } from './free-port';
import { prepareKamailio, type KamailioFixture } from './kamailio-fixture';
import { prepareNamespace, startKubeApiServer, type KubeFixture } from './kube-fixture';

// The edge sync against a real kube-apiserver (built from k8s.io/kubernetes, on etcd from
// Debian) and a real Kamailio (Debian package) reading the lists it writes. The pods have no
// kubelet: the test writes their status (IP, Ready) as a kubelet would, and deletes them in two
// steps as one does (deletion requested with a grace period, then gone).

// The same rules as charts/sip-edge/templates/edge-sync-rbac.yaml: the edge sync must work with
// exactly those.
const chartRules = [
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];
const callControlLabels = { 'app.kubernetes.io/name': 'sip-edge', 'app.kubernetes.io/component': 'sip-edge' };
const rtpengineLabels = { 'app.kubernetes.io/name': 'sip-edge', 'app.kubernetes.io/component': 'rtpengine' };
const selector = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

let kube: KubeFixture;
let kamailio: KamailioFixture;
let edge: RunningEdgeSync;
let core: CoreV1Api;
let rtpengine: Awaited<ReturnType<typeof startFakeRtpengine>>;
const namespace = `edge-${Date.now().toString(36)}`;

async function createPod(
  name: string,
  labels: Record<string, string>,
  ports: V1Pod['spec'] = undefined,
): Promise<void> {
  await core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name, labels },
      spec: ports ?? { nodeName: 'node-a', containers: [{ name: 'main', image: 'hotline' }] },
    },
  });
}

/** What a kubelet reports: the pod's IP and whether its readiness probe passes. */
async function setStatus(name: string, ip: string, ready: boolean): Promise<void> {
  const pod = await core.readNamespacedPod({ name, namespace });
  pod.status = {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  };
  await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}

async function requestDeletion(name: string): Promise<void> {
  await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 600 });
}

async function gone(name: string): Promise<void> {
  await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
}

interface Destination {
  set: number;
  uri: string;
  flags: string;
  duid: string | null;
}

/** What Kamailio's dispatcher has loaded, asked over its own RPC. */
async function dispatcherDestinations(): Promise<Destination[]> {
  const result = (await kamailio.rpc.call('dispatcher.list')) as {
    RECORDS?: Array<{
      SET: {
        ID: number;
        TARGETS: Array<{ DEST: { URI: string; FLAGS: string; ATTRS: { DUID: string | null } } }>;
      };
    }>;
  };
  return (result.RECORDS ?? []).flatMap((r) =>
    r.SET.TARGETS.map((t) => ({
      set: r.SET.ID,
      uri: t.DEST.URI,
      flags: t.DEST.FLAGS,
      duid: t.DEST.ATTRS.DUID,
    })),
  );
}

async function rtpengineNodes(): Promise<Array<{ url: string; disabled: number | string }>> {
  return (await kamailio.rpc.call('rtpengine.show', ['all'])) as Array<{
    url: string;
    disabled: number | string;
  }>;
}

async function eventsFor(pod: string): Promise<string[]> {
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${pod}` });
  return list.items.map((e) => `${e.reason}: ${e.message}`);
}

async function metrics(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${edge.port}/metrics`)).text();
}

beforeAll(async () => {
  [kube, kamailio, rtpengine] = await Promise.all([
    startKubeApiServer(),
    prepareKamailio(),
    startFakeRtpengine(),
  ]);
  core = kube.admin.makeApiClient(CoreV1Api);
  await prepareNamespace(kube, namespace, chartRules);
  // Already running before the edge sync starts: must be in its first lists.
  await createPod('cc-early', callControlLabels);
  await setStatus('cc-early', '10.1.0.4', true);
  await createPod('rtp-a', rtpengineLabels, {
    nodeName: 'node-r',
    containers: [
      {
        name: 'rtpengine',
        image: 'rtpengine',
        ports: [{ name: 'ng', containerPort: rtpengine.port, protocol: 'UDP' }],
      },
    ],
  });
  await setStatus('rtp-a', '127.0.0.1', true);
  // Other dispatcher sets (a trunk) come from a base list the edge sync keeps as it is.
  const baseFile = path.join(kamailio.dir, 'dispatcher.base');
  await writeFile(baseFile, '# trunks\n10 sip:127.0.0.1:5490 0 0 trunk=local\n');

  edge = await runEdgeSync(
    {
      HOTLINE_SITE_ID: 'site-1',
      HOTLINE_HTTP_PORT: String(await freePort()),
      HOTLINE_LOG_LEVEL: 'warn',
      HOTLINE_EDGE_SYNC_NAMESPACE: namespace,
      HOTLINE_EDGE_SYNC_KUBECONFIG: kube.userKubeconfig,
      HOTLINE_EDGE_SYNC_POD_NAME: 'kamailio-node-a',
      HOTLINE_EDGE_SYNC_NODE_NAME: 'node-a',
      HOTLINE_EDGE_SYNC_CALL_CONTROL_SELECTOR: selector(callControlLabels),
      HOTLINE_EDGE_SYNC_DISPATCHER_FILE: kamailio.dispatcherFile,
      HOTLINE_EDGE_SYNC_DISPATCHER_BASE_FILE: baseFile,
      HOTLINE_EDGE_SYNC_RTPENGINE_SELECTOR: selector(rtpengineLabels),
      HOTLINE_EDGE_SYNC_RTPENGINE_DB_DIR: kamailio.dbDir,
      HOTLINE_EDGE_SYNC_KAMAILIO_RPC_URL: kamailio.rpcUrl,
      HOTLINE_EDGE_SYNC_DEBOUNCE_MS: '50',
    },
    { installSignalHandlers: false, exit: () => undefined },
  );
  // As in the pod: Kamailio starts once the edge sync has written the lists.
  await kamailio.start();
}, 30 * 60_000);

afterAll(async () => {
  await edge?.lifecycle.shutdown('test done');
  await kamailio?.stop();
  await rtpengine?.close();
  await kube?.stop();
});

describe('edge sync on a real kube-apiserver and a real Kamailio', () => {
  it('starts from the pods that already run: Kamailio loads them with the trunks of the base list', async () => {
    const list = await readFile(kamailio.dispatcherFile, 'utf8');
    expect(list).toContain('10 sip:127.0.0.1:5490 0 0 trunk=local');
    expect(list).toContain('1 sip:10.1.0.4:5480 8 0 duid=cc-early');
    const loaded = await dispatcherDestinations();
    expect(loaded).toContainEqual({ set: 1, uri: 'sip:10.1.0.4:5480', flags: 'AP', duid: 'cc-early' });
    expect(loaded).toContainEqual(expect.objectContaining({ set: 10, uri: 'sip:127.0.0.1:5490' }));
    expect(await rtpengineNodes()).toContainEqual(
      expect.objectContaining({ url: `udp:127.0.0.1:${rtpengine.port}`, disabled: 0 }),
    );
    expect((await fetch(`http://127.0.0.1:${edge.port}/readyz`)).status).toBe(200);
  });

  it('adds a call-control pod once it is ready, not before', async () => {
    await createPod('cc-a', callControlLabels);
    await setStatus('cc-a', '10.1.0.5', false);
    await createPod('cc-b', callControlLabels);
    await setStatus('cc-b', '10.1.0.6', true);
    await waitFor('cc-b in Kamailio', async () =>
      (await dispatcherDestinations()).some((d) => d.duid === 'cc-b' && d.flags === 'AP'),
    );
    expect((await dispatcherDestinations()).map((d) => d.duid)).not.toContain('cc-a');

    await setStatus('cc-a', '10.1.0.5', true);
    await waitFor('cc-a in Kamailio', async () =>
      (await dispatcherDestinations()).some((d) => d.uri === 'sip:10.1.0.5:5480' && d.flags === 'AP'),
    );
    await waitFor('the TargetAdded event', async () => (await eventsFor('cc-a')).length > 0);
    expect(await eventsFor('cc-a')).toEqual([
      'TargetAdded: Kamailio on node node-a added pod cc-a to dispatcher set 1 as sip:10.1.0.5:5480',
    ]);
  });

  it('drains a terminating pod: Kamailio keeps it (its calls go on) but disabled for new calls', async () => {
    await requestDeletion('cc-a');
    await waitFor('cc-a disabled in Kamailio', async () =>
      (await dispatcherDestinations()).some((d) => d.duid === 'cc-a' && d.flags === 'DX'),
    );
    expect(await readFile(kamailio.dispatcherFile, 'utf8')).toContain('1 sip:10.1.0.5:5480 4 0 duid=cc-a');
    await waitFor('the TargetDraining event', async () =>
      (await eventsFor('cc-a')).includes(
        'TargetDraining: Kamailio on node node-a stopped sending new calls to pod cc-a (draining) in dispatcher set 1 as sip:10.1.0.5:5480',
      ),
    );
  });

  it('removes the pod once it is gone', async () => {
    await gone('cc-a');
    await waitFor(
      'cc-a out of Kamailio',
      async () => !(await dispatcherDestinations()).some((d) => d.duid === 'cc-a'),
    );
    expect(await readFile(kamailio.dispatcherFile, 'utf8')).not.toContain('10.1.0.5');
    await waitFor('the TargetRemoved event', async () =>
      (await eventsFor('cc-a')).includes(
        'TargetRemoved: Kamailio on node node-a removed pod cc-a from dispatcher set 1 as sip:10.1.0.5:5480',
      ),
    );
  });

  it('drains a pod whose readiness fails and sends it calls again when it recovers', async () => {
    await setStatus('cc-b', '10.1.0.6', false);
    await waitFor('cc-b disabled', async () =>
      (await dispatcherDestinations()).some((d) => d.duid === 'cc-b' && d.flags === 'DX'),
    );
    await setStatus('cc-b', '10.1.0.6', true);
    await waitFor('cc-b active again', async () =>
      (await dispatcherDestinations()).some((d) => d.duid === 'cc-b' && d.flags === 'AP'),
    );
    await waitFor('the TargetReactivated event', async () =>
      (await eventsFor('cc-b')).some((e) => e.startsWith('TargetReactivated')),
    );
    expect((await eventsFor('cc-b')).map((e) => e.split(':')[0])).toEqual(
      expect.arrayContaining(['TargetAdded', 'TargetDraining', 'TargetReactivated']),
    );
  });

  it('switches a terminating rtpengine node off at once and takes it out of the table when gone', async () => {
    const url = `udp:127.0.0.1:${rtpengine.port}`;
    await requestDeletion('rtp-a');
    await waitFor('rtp-a disabled in Kamailio', async () =>
      (await rtpengineNodes()).some((n) => n.url === url && String(n.disabled).startsWith('1')),
    );
    expect(await readFile(path.join(kamailio.dbDir, 'rtpengine'), 'utf8')).toContain(
      `0:udp\\:127.0.0.1\\:${rtpengine.port}:1:1`,
    );
    // The Kubernetes Event is recorded after Kamailio is told, so it may land a moment later.
    await waitFor('the TargetDraining event', async () =>
      (await eventsFor('rtp-a')).some((e) =>
        /^TargetDraining: .* rtpengine set 0 as udp:127\.0\.0\.1:\d+$/.test(e),
      ),
    );
    await gone('rtp-a');
    // The table loses the node at once; Kamailio takes an rtpengine.reload only every 10 s (the
    // edge sync retries until it does) and then keeps the node disabled, never chosen again.
    await waitFor(
      'rtp-a out of the table',
      async () =>
        !(await readFile(path.join(kamailio.dbDir, 'rtpengine'), 'utf8')).includes(`${rtpengine.port}`),
    );
    await waitFor('the TargetRemoved event', async () =>
      (await eventsFor('rtp-a')).some((e) =>
        /^TargetRemoved: .* rtpengine set 0 as udp:127\.0\.0\.1:\d+$/.test(e),
      ),
    );
  });

  it('reports the targets and what it did as metrics', async () => {
    const text = await metrics();
    expect(text).toMatch(/hotline_edge_sync_targets\{[^}]*role="call-control",state="active"[^}]*\} 2/);
    expect(text).toMatch(
      /hotline_edge_sync_changes_total\{[^}]*role="call-control",action="removed"[^}]*\} 1/,
    );
    expect(text).toMatch(
      /hotline_edge_sync_reloads_total\{[^}]*method="dispatcher.reload",outcome="ok"[^}]*\} \d+/,
    );
  });
});
