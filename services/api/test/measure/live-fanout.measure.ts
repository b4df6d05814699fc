// Measures the live channel's fan-out on one API process: N agent desks and S supervisor desks
// connected over real loopback HTTP (Server-Sent Events), then bursts of realtime pushes routed
// to the desks that may see them. The desks are raw sockets that only count events, in this
// same process (so the figures include the readers' own CPU: conservative).
//
//   cd services/api && npx tsx test/measure/live-fanout.measure.ts [agents=2000] [supervisors=20] [pushes=2000]
import http from 'node:http';
import { signJwt } from '../../src/auth/jwt';
import { realtimeChannel } from '../../src/desk/desk-read-model';
import { startTestApi } from '../support/api-harness';
import { agentNow, FixedReadModel, queueNow } from '../support/desk-fixtures';

const [agents = 2000, supervisors = 20, pushes = 2000] = process.argv.slice(2).map(Number);
const SECRET = 'test-jwt-secret-0123456789abcdef0123456789';
const QUEUES = 10;
const tenantId = 'measure';

const t = await startTestApi({
  readModel: new FixedReadModel(),
  env: { HOTLINE_API_LIVE_MAX_CLIENTS_PER_TENANT: '100000', HOTLINE_API_LIVE_HEARTBEAT_MS: '60000' },
});
const now = new Date().toISOString();
const meta = { tenantId, _rev: 1, createdAt: now, updatedAt: now } as const;
await t.store.collection('tenants').insert({
  _id: tenantId,
  name: 'Measure',
  sipRealm: 'measure.sip.hotline.local',
  status: 'active',
  createdAt: now,
  updatedAt: now,
} as never);
const password = { algorithm: 'scrypt', n: 16384, r: 8, p: 1, salt: 'x', hash: 'x' };
const tokens: string[] = [];
const iat = Math.floor(Date.now() / 1000);
for (let i = 0; i < agents + supervisors; i++) {
  const agent = i < agents;
  const userId = `usr-${i}`;
  if (agent) {
    await t.store.collection('agents').insert({
      ...meta,
      _id: `agt-${i}`,
      displayName: `A${i}`,
      extension: null,
      skills: [],
      siteId: 'site',
      maxConcurrentInteractions: 1,
      queueIds: [`q-${i % QUEUES}`],
      active: true,
      sip: { username: `a${i}`, realm: 'measure.sip.hotline.local', ha1: '0'.repeat(32) },
    } as never);
  }
  await t.store.collection('users').insert({
    ...meta,
    _id: userId,
    email: `u${i}@measure.example`,
    displayName: `U${i}`,
    roles: [agent ? 'agent' : 'supervisor'],
    agentId: agent ? `agt-${i}` : null,
    disabled: false,
    password,
  } as never);
  tokens.push(signJwt({ iss: 'hotline', sub: userId, tid: tenantId, iat, exp: iat + 3600 }, SECRET));
}

let delivered = 0;
const httpAgent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const rssBefore = process.memoryUsage().rss;
const connectStart = performance.now();
const connect = (token: string) =>
  new Promise<void>((resolve, reject) => {
    http
      .get(`${t.url}/v1/live?access_token=${token}`, { agent: httpAgent }, (res) => {
        let first = true;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (first && chunk.includes('event: snapshot')) {
            first = false;
            resolve();
          }
          for (let at = chunk.indexOf('event: '); at >= 0; at = chunk.indexOf('event: ', at + 1)) delivered++;
        });
      })
      .on('error', reject);
  });
// In batches: a burst of thousands of connects at once overflows the listen backlog.
for (let i = 0; i < tokens.length; i += 200) await Promise.all(tokens.slice(i, i + 200).map(connect));
const connectMs = performance.now() - connectStart;
const rssConnected = process.memoryUsage().rss;
delivered = 0;

async function burst(what: string, expectedPer: number, message: (i: number) => unknown) {
  const start = performance.now();
  for (let i = 0; i < pushes; i++) {
    await t.live.publish(realtimeChannel(tenantId), JSON.stringify(message(i)));
    if (i % 50 === 0) await new Promise((r) => setImmediate(r));
  }
  const expected = pushes * expectedPer;
  while (delivered < expected) await new Promise((r) => setTimeout(r, 5));
  const ms = performance.now() - start;
  console.log(
    `${what}: ${pushes} pushes x ${expectedPer} desks = ${expected} deliveries in ${ms.toFixed(0)} ms ` +
      `(${Math.round((pushes / ms) * 1000)} pushes/s, ${Math.round((expected / ms) * 1000)} deliveries/s)`,
  );
  delivered = 0;
}

console.log(
  `${agents} agent + ${supervisors} supervisor desks connected (snapshots received) in ${connectMs.toFixed(0)} ms; ` +
    `rss +${((rssConnected - rssBefore) / 1e6).toFixed(1)} MB (server and readers)`,
);
await burst('agent views', 1 + supervisors, (i) => ({ kind: 'agent', agent: agentNow(`agt-${i % agents}`) }));
await burst('queue views', agents / QUEUES + supervisors, (i) => ({
  kind: 'queue',
  queue: queueNow(`q-${i % QUEUES}`, { waiting: i }),
}));
httpAgent.destroy();
await t.close();
process.exit(0);
