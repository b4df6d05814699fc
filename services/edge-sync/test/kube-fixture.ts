import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { freePort, waitFor } from './free-port';
import { spawnServer, type Spawned } from './processes';

const root = path.resolve(import.meta.dirname, '../../..');

export interface KubeFixture {
  /** An administrator (system:masters): the test arranges pods with it. */
  admin: KubeConfig;
  /** A kubeconfig file for a user with no rights of its own until a test binds a Role to it. */
  userKubeconfig: string;
  userName: string;
  url: string;
  stop(): Promise<void>;
}

/**
 * A real kube-apiserver on a private etcd, on free loopback ports, in a temporary folder.
 * Authentication by static tokens, authorization by RBAC. No controllers or kubelets run: pods
 * stay as the test writes them (status included), which is what a watch-driven component sees.
 */
export async function startKubeApiServer(): Promise<KubeFixture> {
  // Builds kube-apiserver on first use on a machine (minutes), then answers at once.
  const { stdout } = await promisify(execFile)(
    'bash',
    [path.join(root, 'infra/local/kube-apiserver.sh'), 'paths'],
    {
      timeout: 30 * 60_000,
      maxBuffer: 1 << 20,
    },
  );
  const paths = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    kubeApiserver: string;
    etcd: string;
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'hotline-kube-'));
  const [etcdClient, etcdPeer, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const servers: Spawned[] = [];
  const stop = async () => {
    for (const s of servers.reverse()) await s.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const etcd = spawnServer(paths.etcd, [
      `--data-dir=${dir}/etcd`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--log-level=error',
    ]);
    servers.push(etcd);
    await waitFor(
      `etcd on ${etcdClient} (${etcd.output().slice(-500)})`,
      async () => (await fetch(`http://127.0.0.1:${etcdClient}/health`)).ok,
      20_000,
    );

    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await writeFile(`${dir}/sa.key`, privateKey.export({ type: 'pkcs1', format: 'pem' }));
    const adminToken = `admin-${Math.random().toString(36).slice(2)}`;
    const userToken = `user-${Math.random().toString(36).slice(2)}`;
    const userName = 'hotline-edge-sync';
    await writeFile(
      `${dir}/tokens.csv`,
      `${adminToken},admin,admin,system:masters\n${userToken},${userName},edge-sync\n`,
    );
    const api = spawnServer(paths.kubeApiserver, [
      `--etcd-servers=http://127.0.0.1:${etcdClient}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${dir}/certs`,
      `--token-auth-file=${dir}/tokens.csv`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${dir}/sa.key`,
      `--service-account-signing-key-file=${dir}/sa.key`,
      '--service-cluster-ip-range=10.96.0.0/16',
      '--v=0',
    ]);
    servers.push(api);
    await waitFor('kube-apiserver /readyz', () => readyz(apiPort, adminToken), 60_000).catch(
      (err: unknown) => {
        throw new Error(
          `${(err as Error).message}\n--- kube-apiserver output ---\n${api.output().slice(-3000)}`,
        );
      },
    );

    const url = `https://127.0.0.1:${apiPort}`;
    const kubeconfig = (user: string, token: string) => `apiVersion: v1
kind: Config
clusters:
  - name: test
    cluster: { server: "${url}", insecure-skip-tls-verify: true }
users:
  - name: ${user}
    user: { token: "${token}" }
contexts:
  - name: test
    context: { cluster: test, user: ${user} }
current-context: test
`;
    await writeFile(`${dir}/admin.kubeconfig`, kubeconfig('admin', adminToken));
    await writeFile(`${dir}/user.kubeconfig`, kubeconfig(userName, userToken));
    const admin = new KubeConfig();
    admin.loadFromFile(`${dir}/admin.kubeconfig`);
    return { admin, userKubeconfig: `${dir}/user.kubeconfig`, userName, url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function readyz(port: number, token: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/readyz',
        headers: { authorization: `Bearer ${token}` },
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** A namespace with its default ServiceAccount (no controller makes it here) and a Role bound to the user. */
export async function prepareNamespace(
  kube: KubeFixture,
  namespace: string,
  rules: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>,
): Promise<void> {
  const core = kube.admin.makeApiClient(CoreV1Api);
  const rbac = kube.admin.makeApiClient(RbacAuthorizationV1Api);
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } });
  await rbac.createNamespacedRole({ namespace, body: { metadata: { name: 'edge-sync' }, rules } });
  await rbac.createNamespacedRoleBinding({
    namespace,
    body: {
      metadata: { name: 'edge-sync' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'edge-sync' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: kube.userName }],
    },
  });
}
