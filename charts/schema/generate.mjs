// Writes every chart's values.schema.json from the building blocks below, so each chart refuses
// the same bad values with the same message (Helm names the failing value's path, e.g.
// "at '/global/kafka/brokers': minItems: got 0, want 1").
//
//   node charts/schema/generate.mjs          write the files
//   node charts/schema/generate.mjs --check  exit 1 if a file differs from what would be written
//
// It also checks that each chart's values.yaml starts with the shared global block
// (charts/schema/global-values.yaml), so the umbrella and every service chart read the same keys.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const chartsDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

// --- small builders -----------------------------------------------------------------------

const obj = (properties, { required = [], open = false, ...rest } = {}) => ({
  type: 'object',
  ...(open ? {} : { additionalProperties: false }),
  properties,
  ...(required.length ? { required } : {}),
  ...rest,
});
const str = (extra = {}) => ({ type: 'string', ...extra });
const int = (minimum, maximum, extra = {}) => ({
  type: 'integer',
  ...(minimum === undefined ? {} : { minimum }),
  ...(maximum === undefined ? {} : { maximum }),
  ...extra,
});
const bool = { type: 'boolean' };
const anyObject = { type: 'object' };
const list = (items, extra = {}) => ({ type: 'array', items, ...extra });
const kubeName = str({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });
const port = int(1, 65535);
const hostPort = str({ pattern: '^[A-Za-z0-9.\\-_\\[\\]:]+:[0-9]{1,5}$' });
const httpUrl = str({ pattern: '^https?://[^\\s]+$' });
const percent = str({ pattern: '^(100|[1-9]?[0-9])%$' });

// --- the shared global block ----------------------------------------------------------------

const image = obj({
  repository: str({ minLength: 1 }),
  tag: { type: ['string', 'number'] },
  digest: str({ pattern: '^(sha256:[a-f0-9]{64})?$' }),
  pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
});

// A store URL comes inline or from a Secret; one of the two must be there.
const storeUrl = (schemes, extra = {}) =>
  obj(
    {
      url: str({ pattern: `^((${schemes.join('|')})://[^\\s]+)?$` }),
      existingSecret: obj({ name: str(), key: str({ minLength: 1 }) }, { required: ['name', 'key'] }),
      ...extra,
    },
    {
      required: ['url', 'existingSecret'],
      anyOf: [
        { properties: { url: { minLength: 1 } } },
        { properties: { existingSecret: { properties: { name: { minLength: 1 } } } } },
      ],
    },
  );

/** The global block; `stores`: the chart runs processes that need Kafka, MongoDB and Redis. */
const globalSchema = ({ stores }) =>
  obj(
    {
      siteId: str({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$' }),
      image,
      imagePullSecrets: list(kubeName),
      kafka: obj(
        { brokers: list(hostPort, stores ? { minItems: 1 } : {}) },
        { required: ['brokers'] },
      ),
      mongo: stores
        ? storeUrl(['mongodb', 'mongodb\\+srv'], {
            database: str({ pattern: '^[A-Za-z0-9_-]{1,63}$' }),
          })
        : anyObject,
      redis: stores ? storeUrl(['redis', 'rediss'], { prefix: str({ maxLength: 64 }) }) : anyObject,
      telemetry: obj(
        {
          traces: { enum: ['none', 'otlp', 'console'] },
          otlpEndpoint: httpUrl,
          nodeLocalCollector: bool,
          nodeLocalPort: port,
        },
        { required: ['traces'] },
      ),
      logLevel: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
      logPii: bool,
      placement: obj({
        pinToSiteNodes: bool,
        siteNodeLabel: str({ minLength: 1 }),
        zoneSpread: obj({
          enabled: bool,
          topologyKey: str({ minLength: 1 }),
          maxSkew: int(1),
          whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
        }),
      }),
    },
    { required: ['siteId', 'image', 'kafka', 'mongo', 'redis', 'telemetry', 'placement'] },
  );

// --- a workload's own values -----------------------------------------------------------------

const resources = obj({ requests: anyObject, limits: anyObject, claims: list(anyObject) });
const probe = obj({ periodSeconds: int(1), timeoutSeconds: int(1), failureThreshold: int(1) });
const maxBudget = 50;
const disruptionBudget = obj(
  {
    enabled: bool,
    minAvailable: { oneOf: [int(0, maxBudget), percent] },
    maxUnavailable: { oneOf: [int(1), percent] },
  },
);
const autoscaling = obj({
  enabled: bool,
  minReplicas: int(1),
  maxReplicas: int(1),
  targetCPUUtilizationPercentage: int(1, 100),
  targetMemoryUtilizationPercentage: int(1, 100),
  behavior: anyObject,
});
const keda = obj({
  enabled: bool,
  minReplicaCount: int(0),
  maxReplicaCount: int(1),
  lagThreshold: int(1),
  pollingInterval: int(1),
  cooldownPeriod: int(0),
  consumerGroup: str({ minLength: 1 }),
  topics: list(str({ pattern: '^[a-zA-Z0-9._-]+$' }), { minItems: 1 }),
  authenticationRef: str(),
});
const callHolding = obj(
  {
    // How long a stopping pod may keep its calls. Shorter than a long call drops it.
    drainSeconds: int(30, 86400),
    pollSeconds: int(1, 30),
  },
  { required: ['drainSeconds', 'pollSeconds'] },
);
const spread = obj({
  enabled: bool,
  maxSkew: int(1),
  whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
});
const ingress = obj({
  enabled: bool,
  className: str(),
  host: str(),
  path: str({ pattern: '^/' }),
  tlsSecretName: str(),
  annotations: anyObject,
});

/**
 * Replicas must stay above a minAvailable budget: with replicas == minAvailable no pod may ever
 * be evicted, so node drains and cluster upgrades hang. JSON Schema cannot compare two values,
 * so each possible budget (0..maxBudget) gets its own rule on the replica counts.
 */
const enabled = { properties: { enabled: { const: true } }, required: ['enabled'] };
const enabledIn = (key) => ({ properties: { [key]: enabled }, required: [key] });
const replicasAboveBudget = (prefix = []) => {
  const at = (inner) => prefix.reduceRight((acc, key) => ({ properties: { [key]: acc } }), inner);
  const rules = [];
  for (let k = 1; k <= maxBudget; k++) {
    rules.push({
      if: at({
        properties: {
          disruptionBudget: {
            properties: { enabled: { const: true }, minAvailable: { const: k } },
            required: ['enabled', 'minAvailable'],
          },
        },
        required: ['disruptionBudget'],
      }),
      then: at({
        allOf: [
          {
            if: { anyOf: [enabledIn('autoscaling'), enabledIn('keda')] },
            else: { properties: { replicaCount: { minimum: k + 1 } } },
          },
          {
            properties: {
              autoscaling: { if: enabled, then: { properties: { minReplicas: { minimum: k + 1 } } } },
              keda: { if: enabled, then: { properties: { minReplicaCount: { minimum: k + 1 } } } },
            },
          },
        ],
      }),
    });
  }
  return rules;
};

// Two controllers must not fight over one Deployment's replica count.
const oneScaler = { not: { allOf: [enabledIn('autoscaling'), enabledIn('keda')] } };

/** The values of one Deployment built by hotline-lib.deployment. */
const workloadProperties = ({ withKeda = false, withCallHolding = false, withIngress = false } = {}) => ({
  // Helm adds each dependency's values under its name; the library chart has none.
  'hotline-lib': anyObject,
  // The umbrella chart's switch for this service.
  enabled: bool,
  nameOverride: str(),
  fullnameOverride: str({ maxLength: 63 }),
  commonLabels: anyObject,
  image: obj(image.properties),
  replicaCount: int(1),
  logLevel: { enum: ['', 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  shutdownTimeoutSeconds: int(1, 3600),
  http: obj({ port: int(1024, 65535) }, { required: ['port'] }),
  service: obj({ type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }, port, annotations: anyObject }),
  metrics: obj({ scrapeAnnotations: bool }),
  resources,
  probes: obj(
    { startup: probe, liveness: probe, readiness: probe },
    { required: ['startup', 'liveness', 'readiness'] },
  ),
  rollingUpdate: obj({
    maxSurge: { oneOf: [int(0), percent] },
    maxUnavailable: { oneOf: [int(0), percent] },
  }),
  disruptionBudget,
  autoscaling,
  ...(withKeda ? { keda } : {}),
  ...(withCallHolding ? { callHolding } : {}),
  ...(withIngress ? { ingress } : {}),
  serviceAccount: obj({ create: bool, name: str(), automountToken: bool }),
  podSecurityContext: anyObject,
  securityContext: anyObject,
  podAnnotations: anyObject,
  podLabels: anyObject,
  priorityClassName: str(),
  nodeSelector: anyObject,
  tolerations: list(anyObject),
  affinity: anyObject,
  hostSpread: spread,
  extraEnv: list(obj({ name: str({ minLength: 1 }), value: str(), valueFrom: anyObject }, { required: ['name'] })),
});

const workloadRequired = ['replicaCount', 'http', 'probes', 'disruptionBudget', 'autoscaling'];

const serviceChart = (options = {}) => ({
  $schema: 'https://json-schema.org/draft-07/schema#',
  title: options.title,
  ...obj(
    { global: globalSchema({ stores: true }), ...workloadProperties(options), ...(options.extra ?? {}) },
    {
      required: ['global', ...workloadRequired, ...(options.withCallHolding ? ['callHolding'] : [])],
      allOf: [...replicasAboveBudget(), ...(options.withKeda ? [oneScaler] : [])],
    },
  ),
});

// --- sip-edge: call control plus Kamailio, rtpengine and the edge sync --------------------------

const nodePool = obj({
  nodeSelector: anyObject,
  tolerations: list(anyObject),
});
const publicAddress = obj(
  {
    // hostIP: the node's own address is the one peers reach (public node addresses); fixed:
    // one address in front of the pool (a single node, or a load balancer/NAT).
    mode: { enum: ['hostIP', 'fixed'] },
    address: str({ pattern: '^([0-9]{1,3}\\.){3}[0-9]{1,3}$|^$' }),
  },
  {
    required: ['mode'],
    if: { properties: { mode: { const: 'fixed' } } },
    then: { properties: { address: { minLength: 7 } }, required: ['address'] },
  },
);
const kamailio = obj(
  {
    enabled: bool,
    image: obj(image.properties, { required: ['repository'] }),
    pool: nodePool,
    publicAddress,
    sip: obj(
      {
        udpPort: port,
        tcpPort: port,
        tlsPort: port,
        wssPort: port,
      },
      { required: ['udpPort'] },
    ),
    // Kamailio's JSON-RPC (jsonrpcs over xhttp), on loopback only: the edge sync calls it.
    rpcPort: port,
    rpcTokenSecret: obj({ name: str(), key: str({ minLength: 1 }) }),
    dispatcherBase: str(),
    dispatcherSetId: int(1, 65535),
    rtpengineSetId: int(0, 65535),
    configMap: str(),
    sharedMemoryMb: int(64),
    privateMemoryMb: int(4),
    drainSeconds: int(0, 600),
    extraArgs: list(str()),
    resources,
    securityContext: anyObject,
    updateStrategy: obj({ maxUnavailable: { oneOf: [int(1), percent] } }),
  },
  { required: ['image', 'pool', 'publicAddress', 'sip', 'rpcPort', 'dispatcherSetId', 'rtpengineSetId'] },
);
const rtpengine = obj(
  {
    enabled: bool,
    image: obj(image.properties, { required: ['repository'] }),
    pool: nodePool,
    publicAddress,
    ngPort: port,
    cliPort: port,
    // The UDP range media flows on: [min, min + count - 1]. Each call takes four ports (RTP and
    // RTCP on both legs), so count bounds the calls one node can carry; open it in the firewall.
    ports: obj(
      {
        min: int(1024, 65000),
        // 400 ports = 100 calls per node: less is not a production media node.
        count: int(400, 64000),
      },
      { required: ['min', 'count'] },
    ),
    // Kernel forwarding table (-1 = userspace only, needs no kernel module).
    table: int(-1, 255),
    drainSeconds: int(0, 86400),
    extraArgs: list(str()),
    resources,
    securityContext: anyObject,
    updateStrategy: obj({ maxUnavailable: { oneOf: [int(1), percent] } }),
  },
  { required: ['image', 'pool', 'publicAddress', 'ngPort', 'ports'] },
);
const edgeSync = obj(
  {
    image: obj(image.properties),
    command: list(str(), { minItems: 1 }),
    http: obj({ port: int(1024, 65535) }, { required: ['port'] }),
    debounceMs: int(0, 10000),
    resources,
  },
  { required: ['http'] },
);
const callControl = obj(
  {
    sipPort: int(1024, 65535),
    transport: { enum: ['udp', 'tcp'] },
    directoryPort: int(1024, 65535),
    kamailioRpcUrl: str({ pattern: '^(none|https?://[^\\s]+)$' }),
  },
  { required: ['sipPort', 'transport', 'directoryPort', 'kamailioRpcUrl'] },
);

// --- agent-web: a static single-page app -------------------------------------------------------

const agentWebChart = () => {
  const props = workloadProperties({ withIngress: true });
  delete props.shutdownTimeoutSeconds;
  delete props.logLevel;
  delete props.extraEnv;
  return {
    $schema: 'https://json-schema.org/draft-07/schema#',
    title: 'agent-web values',
    ...obj(
      {
        global: globalSchema({ stores: false }),
        ...props,
        image: obj(image.properties),
        probes: obj({ liveness: probe, readiness: probe, path: str({ pattern: '^/' }) }),
        config: obj({ apiUrl: httpUrl, sipWssUrl: str({ pattern: '^wss?://' }), mountPath: str({ pattern: '^/' }) }),
      },
      { required: ['global', 'replicaCount', 'http', 'disruptionBudget', 'autoscaling'], allOf: replicasAboveBudget() },
    ),
  };
};

// --- the umbrella -----------------------------------------------------------------------------

const umbrellaChart = () => {
  const enabled = obj({ enabled: bool }, { open: true });
  const services = ['api', 'agent-web', 'acd-router', 'ivr-runner', 'recorder', 'reporting', 'sip-edge'];
  return {
    $schema: 'https://json-schema.org/draft-07/schema#',
    title: 'hotline (umbrella) values; each service section is checked by its own chart',
    ...obj(
      { global: globalSchema({ stores: true }), ...Object.fromEntries(services.map((s) => [s, enabled])) },
      { required: ['global'] },
    ),
  };
};

// --- the charts ---------------------------------------------------------------------------------

const secretKey = obj({ name: str(), key: str({ minLength: 1 }) }, { required: ['name', 'key'] });
const charts = {
  api: serviceChart({
    title: 'api values',
    withIngress: true,
    extra: {
      auth: obj(
        {
          // `hotline serve api` refuses to start without the shared session-signing key.
          jwtSecret: obj({ name: str({ minLength: 1 }), key: str({ minLength: 1 }) }, { required: ['name', 'key'] }),
          adminKey: secretKey,
        },
        { required: ['jwtSecret'] },
      ),
    },
  }),
  'agent-web': agentWebChart(),
  'acd-router': serviceChart({ title: 'acd-router values', withKeda: true }),
  recorder: serviceChart({ title: 'recorder values', withKeda: true }),
  reporting: serviceChart({ title: 'reporting values', withKeda: true }),
  'ivr-runner': serviceChart({ title: 'ivr-runner values', withCallHolding: true }),
  'sip-edge': serviceChart({
    title: 'sip-edge values',
    withCallHolding: true,
    extra: { callControl, kamailio, rtpengine, edgeSync },
  }),
  hotline: umbrellaChart(),
};
charts['sip-edge'].required.push('callControl', 'kamailio', 'rtpengine', 'edgeSync');
charts.api.required.push('auth');

const check = process.argv.includes('--check');
const problems = [];
const globalBlock = readFileSync(path.join(chartsDir, 'schema', 'global-values.yaml'), 'utf8');
for (const [name, schema] of Object.entries(charts)) {
  const file = path.join(chartsDir, name, 'values.schema.json');
  const text = `${JSON.stringify(schema, null, 2)}\n`;
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // a new chart: written below
  }
  if (check) {
    if (current !== text) problems.push(`${name}/values.schema.json is out of date`);
  } else if (current !== text) {
    writeFileSync(file, text);
    console.error(`wrote ${path.relative(process.cwd(), file)}`);
  }
  const values = readFileSync(path.join(chartsDir, name, 'values.yaml'), 'utf8');
  if (!values.startsWith(globalBlock)) problems.push(`${name}/values.yaml does not start with schema/global-values.yaml`);
}
if (problems.length) {
  console.error(`${problems.join('\n')}\n(run: node charts/schema/generate.mjs, and copy the global block)`);
  process.exit(1);
}

// --- READMEs: each chart's values, from its values.yaml comments -----------------------------

/** [path, default, comment] for every key of a values.yaml, in file order. */
function valuesTable(text) {
  const rows = [];
  const stack = [];
  let comment = [];
  for (const line of text.split('\n')) {
    const c = /^(\s*)#\s?(.*)$/.exec(line);
    if (c) {
      comment.push(c[2]);
      continue;
    }
    const m = /^(\s*)("?[A-Za-z0-9_.\/-]+"?):(?:\s+(.*))?$/.exec(line);
    if (!m) {
      if (!line.trim()) comment = [];
      continue;
    }
    const indent = m[1].length;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const key = m[2].replace(/"/g, '');
    const keyPath = [...stack.map((s) => s.key), key].join('.');
    const value = (m[3] ?? '').replace(/\s+#.*$/, '');
    stack.push({ indent, key });
    const doc = comment.filter((l) => !/^[-=]{3}/.test(l)).join(' ').trim();
    if (value !== '' || doc) rows.push([keyPath, value === '' ? '' : value, doc]);
    comment = [];
  }
  return rows;
}

const cell = (s) => s.replace(/\|/g, '\\|');
for (const name of Object.keys(charts)) {
  const dir = path.join(chartsDir, name);
  const chart = readFileSync(path.join(dir, 'Chart.yaml'), 'utf8');
  const description = /^description: (.*)$/m.exec(chart)?.[1] ?? '';
  const rows = valuesTable(readFileSync(path.join(dir, 'values.yaml'), 'utf8'));
  const text = [
    `# ${name}`,
    '',
    description,
    '',
    'Install, upgrade, scaling, sites and the runbook: [docs/operations.md](../../docs/operations.md).',
    `Example values: [examples/](examples/) (one site, several sites). \`values.schema.json\` refuses`,
    'bad values with a message naming the value; it is generated by `charts/schema/generate.mjs`,',
    'as is this file (from the comments in `values.yaml`).',
    '',
    '## Values',
    '',
    '| key | default | meaning |',
    '| --- | --- | --- |',
    ...rows.map(([k, v, d]) => `| \`${cell(k)}\` | ${v ? `\`${cell(v)}\`` : ''} | ${cell(d)} |`),
    '',
  ].join('\n');
  const file = path.join(dir, 'README.md');
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // new
  }
  if (check) {
    if (current !== text) problems.push(`${name}/README.md is out of date`);
  } else if (current !== text) {
    writeFileSync(file, text);
    console.error(`wrote ${path.relative(process.cwd(), file)}`);
  }
}
if (problems.length) {
  console.error(`${problems.join('\n')}\n(run: node charts/schema/generate.mjs)`);
  process.exit(1);
}
