import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, serveSettings, type Env } from '../../packages/platform/src/index';
import { services } from '../../packages/cli/src/service-registry';
import { edgeSyncSettings } from '../../services/edge-sync/src/config';
import { Topics } from '../../packages/contracts/src/topics';

// The Helm charts as an SRE meets them: `helm lint --strict` and helm-unittest on every chart,
// every chart rendered with each of its example values and checked by kubeconform -strict
// against the Kubernetes schemas, the values that would break a deployment refused by the
// schema with a message naming the value, and every rendered process given only settings its
// own config accepts. The tools come from infra/local/helm-tools.sh (Go module proxy, PyPI).

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const serviceCharts = ['api', 'agent-web', 'acd-router', 'ivr-runner', 'recorder', 'reporting', 'sip-edge'];
const charts = [...serviceCharts, 'hotline'];

interface Tools {
  helm: string;
  kubeconform: string;
  helmPlugins: string;
  helmHome: string;
  kubeVersion: string;
  schemaLocations: string[];
}

let tools: Tools;
let work: string;
let env: NodeJS.ProcessEnv;
const examples = new Map<string, string[]>();
const rendered = new Map<string, string>();

async function helm(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(tools.helm, args, { env, cwd: work, maxBuffer: 32 << 20 });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const template = (chart: string, valueFiles: string[]) =>
  helm([
    'template',
    'hotline',
    path.join(work, 'charts', chart),
    '--namespace',
    'hotline',
    '--kube-version',
    tools.kubeVersion,
    ...valueFiles.flatMap((f) => ['-f', f]),
  ]);

async function overrides(name: string, yaml: string): Promise<string> {
  const file = path.join(work, `${name}.yaml`);
  await writeFile(file, yaml);
  return file;
}

beforeAll(async () => {
  // First use on a machine builds helm, kubeconform and helm-unittest (minutes); then instant.
  const { stdout } = await run('bash', [path.join(root, 'infra/local/helm-tools.sh'), 'json'], {
    timeout: 30 * 60_000,
    maxBuffer: 1 << 20,
  });
  tools = JSON.parse(stdout) as Tools;
  env = {
    ...process.env,
    PATH: `${path.dirname(tools.helm)}:${process.env.PATH ?? ''}`,
    HELM_PLUGINS: tools.helmPlugins,
    HELM_CONFIG_HOME: path.join(tools.helmHome, 'config'),
    HELM_CACHE_HOME: path.join(tools.helmHome, 'cache'),
    HELM_DATA_HOME: path.join(tools.helmHome, 'data'),
  };
  // A copy: vendoring the dependencies writes into the charts.
  work = await mkdtemp(path.join(tmpdir(), 'hotline-charts-'));
  await cp(path.join(root, 'charts'), path.join(work, 'charts'), {
    recursive: true,
    filter: (src) => !/\/charts\/[^/]+\/charts(\/|$)/.test(src.slice(root.length)) && !src.endsWith('.tgz'),
  });
  await run('bash', [path.join(work, 'charts', 'dependencies.sh')], { env });
  await Promise.all(
    charts.map(async (chart) => {
      const dir = path.join(work, 'charts', chart, 'examples');
      const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml')).sort();
      examples.set(
        chart,
        files.map((f) => path.join(dir, f)),
      );
      for (const f of files) {
        const { code, out } = await template(chart, [path.join(dir, f)]);
        if (code !== 0) throw new Error(`helm template ${chart} -f ${f} failed:\n${out}`);
        rendered.set(`${chart}/${f}`, out);
      }
    }),
  );
}, 30 * 60_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('every chart', () => {
  it('has the values schemas that charts/schema/generate.mjs writes, and the shared global block', async () => {
    await expect(run('node', [path.join(root, 'charts/schema/generate.mjs'), '--check'])).resolves.toBeDefined();
  });

  it.each(charts)('%s passes helm lint --strict with each of its example values', async (chart) => {
    const files = examples.get(chart) ?? [];
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const { code, out } = await helm([
        'lint',
        '--strict',
        path.join(work, 'charts', chart),
        '-f',
        file,
        '--kube-version',
        tools.kubeVersion,
      ]);
      expect(out, `${chart} -f ${path.basename(file)}`).toContain('0 chart(s) failed');
      expect(code).toBe(0);
    }
  });

  it.each(charts)('%s passes its helm-unittest suites', async (chart) => {
    const { code, out } = await helm(['unittest', '--color=false', path.join(work, 'charts', chart)]);
    expect(out).toMatch(/Tests:\s+\d+ passed/);
    expect(out, out).not.toMatch(/failed/i);
    expect(code).toBe(0);
  });

  it('renders, with every example, only objects kubeconform -strict finds valid', async () => {
    const dir = path.join(work, 'rendered');
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    for (const [name, text] of rendered) {
      const file = path.join(dir, `${name.replace('/', '--')}`);
      await writeFile(file, text);
      files.push(file);
    }
    const args = [
      '-strict',
      '-summary',
      '-output',
      'text',
      '-kubernetes-version',
      tools.kubeVersion,
      ...tools.schemaLocations.flatMap((l) => ['-schema-location', l]),
      ...files,
    ];
    let out: string;
    try {
      const r = await run(tools.kubeconform, args, { env, maxBuffer: 16 << 20 });
      out = r.stdout + r.stderr;
    } catch (err) {
      const e = err as { stdout?: string; stderr?: string };
      throw new Error(`kubeconform found invalid objects:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
    const summary = /(\d+) resources found in (\d+) files - Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(out);
    expect(summary, out).not.toBeNull();
    const [, found, , valid, invalid, errors, skipped] = summary!.map(Number);
    expect({ invalid, errors, skipped }).toEqual({ invalid: 0, errors: 0, skipped: 0 });
    expect(valid).toBe(found);
    expect(found).toBeGreaterThan(100);
  });
});

describe('the umbrella chart', () => {
  it('leaves a disabled service out entirely', async () => {
    const file = await overrides('no-edge', 'sip-edge:\n  enabled: false\n');
    const { code, out } = await template('hotline', [...(examples.get('hotline') ?? []).slice(0, 1), file]);
    expect(code).toBe(0);
    expect(out).not.toContain('kind: DaemonSet');
    expect(out).toContain('# Source: hotline/charts/api/templates/deployment.yaml');
  });
});

describe('values that would break a deployment are refused, naming the value', () => {
  it('no Kafka brokers', async () => {
    const file = await overrides('no-brokers', 'global:\n  kafka:\n    brokers: []\n');
    const { code, out } = await template('reporting', [...(examples.get('reporting') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out).toContain("at '/global/kafka/brokers': minItems: got 0, want 1");
  });

  it('no Kafka brokers, through the umbrella chart: every service says so', async () => {
    const file = await overrides('no-brokers', 'global:\n  kafka:\n    brokers: []\n');
    const { code, out } = await template('hotline', [...(examples.get('hotline') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out.match(/at '\/global\/kafka\/brokers': minItems: got 0, want 1/g)?.length).toBeGreaterThanOrEqual(6);
  });

  it('a broker that is not host:port', async () => {
    const file = await overrides('bad-broker', 'global:\n  kafka:\n    brokers: [kafka.example]\n');
    const { code, out } = await template('api', [...(examples.get('api') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out).toContain("at '/global/kafka/brokers/0'");
  });

  it('an rtpengine port range too small for a media node', async () => {
    const file = await overrides('small-range', 'rtpengine:\n  ports:\n    min: 40000\n    count: 100\n');
    const { code, out } = await template('sip-edge', [...(examples.get('sip-edge') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out).toContain("at '/rtpengine/ports/count': minimum: got 100, want 400");
  });

  it('replicas at or below the disruption budget (no node could ever be drained)', async () => {
    const file = await overrides(
      'replicas-below-budget',
      'autoscaling:\n  enabled: false\nkeda:\n  enabled: false\nreplicaCount: 2\ndisruptionBudget:\n  enabled: true\n  minAvailable: 2\n',
    );
    const { code, out } = await template('reporting', [...(examples.get('reporting') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out).toContain("at '/replicaCount': minimum: got 2, want 3");
  });

  it("an autoscaler's minimum at the disruption budget", async () => {
    const file = await overrides(
      'min-replicas-below-budget',
      'autoscaling:\n  enabled: true\n  minReplicas: 3\ndisruptionBudget:\n  enabled: true\n  minAvailable: 3\n',
    );
    const { code, out } = await template('api', [...(examples.get('api') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out).toContain("at '/autoscaling/minReplicas': minimum: got 3, want 4");
  });

  it('the api without the session-signing key every replica must share', async () => {
    const file = await overrides('no-jwt', 'auth:\n  jwtSecret:\n    name: ""\n');
    const { code, out } = await template('api', [...(examples.get('api') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out).toContain("at '/auth/jwtSecret/name': minLength: got 0, want 1");
  });

  it('a drain time too short for a call-holding service', async () => {
    const file = await overrides('short-drain', 'callHolding:\n  drainSeconds: 5\n');
    const { code, out } = await template('ivr-runner', [...(examples.get('ivr-runner') ?? []).slice(0, 1), file]);
    expect(code).not.toBe(0);
    expect(out).toContain("at '/callHolding/drainSeconds': minimum: got 5, want 30");
  });
});

interface Container {
  name: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string }; secretKeyRef?: unknown } }>;
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } };
}

/** YAML documents to a JSON array, with PyYAML (which infra/local/helm-tools.sh needs anyway). */
function yamlToJson(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'python3',
      [path.join(root, 'infra/local/helm-tools/yaml-to-json.py')],
      { maxBuffer: 32 << 20 },
      (err, out) => (err ? reject(err) : resolve(out)),
    );
    child.stdin?.end(text);
  });
}

/** The environment Kubernetes would give the container, with stand-ins for Secrets and the downward API. */
function containerEnv(c: Container): Env {
  const downward: Record<string, string> = {
    'status.podIP': '10.42.0.7',
    'status.hostIP': '10.0.0.3',
    'metadata.name': 'hotline-pod-0',
    'spec.nodeName': 'node-a',
  };
  const secrets: Record<string, string> = {
    HOTLINE_MONGO_URL: 'mongodb://hotline:secret@mongo.example:27017/?replicaSet=rs0',
    HOTLINE_REDIS_URL: 'redis://:secret@redis.example:6379',
  };
  const out: Env = {};
  for (const e of c.env ?? []) {
    let value: string;
    if (e.value !== undefined) value = e.value;
    else if (e.valueFrom?.fieldRef) value = downward[e.valueFrom.fieldRef.fieldPath] ?? 'x';
    else value = secrets[e.name] ?? 'a-secret-from-a-kubernetes-secret-0123456789';
    // Kubernetes expands $(NAME) from the variables defined before.
    out[e.name] = value.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (m, n: string) => out[n] ?? m);
  }
  return out;
}

describe('what the charts hand each process', () => {
  it('every `hotline serve` container and every edge sync gets settings its config accepts', async () => {
    let checked = 0;
    const dir = path.join(work, 'rendered-env');
    await mkdir(dir, { recursive: true });
    const files = new Map<string, string>();
    for (const [name, text] of rendered) {
      const file = path.join(dir, name.replace('/', '--'));
      await writeFile(file, text);
      files.set(file, name);
    }
    const { stdout } = await run('python3', [path.join(root, 'infra/local/helm-tools/yaml-to-json.py'), ...files.keys()], {
      maxBuffer: 64 << 20,
    });
    const byFile = JSON.parse(stdout) as Record<string, Manifest[]>;
    for (const [file, docs] of Object.entries(byFile)) {
      const name = files.get(file) ?? file;
      for (const doc of docs) {
        const pod = doc.spec?.template?.spec;
        for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
          const where = `${name}: ${doc.kind} ${doc.metadata.name} container ${c.name}`;
          if (c.args?.[0] === 'serve') {
            const service = services[c.args[1] as keyof typeof services];
            expect(service, where).toBeDefined();
            const schema = service.settings ? serveSettings.extend(service.settings.shape) : serveSettings;
            expect(() => loadConfig(schema, containerEnv(c)), where).not.toThrow();
            checked++;
          } else if (c.name === 'edge-sync') {
            expect(() => loadConfig(edgeSyncSettings, containerEnv(c)), where).not.toThrow();
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe('the k8s/ example manifests', () => {
  const operatorKinds = ['Kafka', 'KafkaNodePool', 'KafkaTopic', 'MongoDBCommunity', 'Redis', 'OpenTelemetryCollector'];

  it('declare a KafkaTopic for every topic the services use', async () => {
    const docs = JSON.parse(
      await yamlToJson(await readFile(path.join(root, 'k8s/kafka/topics.yaml'), 'utf8')),
    ) as Array<{ kind: string; spec: { topicName: string; partitions: number; replicas: number } }>;
    const topics = docs.filter((d) => d.kind === 'KafkaTopic');
    expect(topics.map((t) => t.spec.topicName).sort()).toEqual(Object.values(Topics).sort());
    for (const t of topics) {
      expect(t.spec.replicas, t.spec.topicName).toBe(3);
      expect(t.spec.partitions, t.spec.topicName).toBeGreaterThanOrEqual(3);
    }
  });

  it('are valid Kubernetes objects (kubeconform -strict; operator kinds by name only)', async () => {
    const files = ['namespaces.yaml', 'kafka/kafka.yaml', 'kafka/topics.yaml', 'mongodb/mongodb.yaml', 'redis/redis.yaml', 'otel/collector.yaml'];
    const { stdout } = await run(
      tools.kubeconform,
      [
        '-strict',
        '-summary',
        '-kubernetes-version',
        tools.kubeVersion,
        ...tools.schemaLocations.flatMap((l) => ['-schema-location', l]),
        '-skip',
        operatorKinds.join(','),
        ...files.map((f) => path.join(root, 'k8s', f)),
      ],
      { env },
    );
    const summary = /Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    const [, valid, invalid, errors, skipped] = summary!.map(Number);
    expect({ invalid, errors }).toEqual({ invalid: 0, errors: 0 });
    expect(valid).toBe(8);
    expect(skipped).toBe(14);
  });
});
