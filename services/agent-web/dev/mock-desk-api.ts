import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { agentWebRoot } from '../server';

// A stand-in for the Desk API, for looking at the client without the whole contact center:
// serves dist/ and answers the contract's routes with canned data (one agent "agent-1", one
// supervisor, two queues, one caller waiting). `tsx dev/mock-desk-api.ts [port]`, then open it and
// sign in with tenant "demo", any email, password "secret" ("super@..." signs in as supervisor).
// `POST /mock/offer` pushes an offer to the agent, `POST /mock/state/<state>` moves the agent,
// `POST /mock/expire` ends every session. Email "badsip..." gets a softphone HA1 Kamailio refuses.

const port = Number(process.argv[2] ?? 8089);
const root = agentWebRoot();
const now = () => new Date().toISOString();
const clients = new Set<ServerResponse>();
let expired = false;

const agent = {
  agentId: 'agent-1',
  state: 'logged-out',
  since: now(),
  today: { calls: 3, talkMs: 420_000, holdMs: 30_000, wrapMs: 90_000, stateMs: { ready: 1_800_000 } },
} as Record<string, unknown>;
const queues = [
  {
    queueId: 'q-support',
    waiting: 1,
    longestWaitMs: 42_000,
    oldestJoinedAt: new Date(Date.now() - 42_000).toISOString(),
    answered: 17,
    abandoned: 2,
    offered: 19,
    serviceLevelPct: 88.3,
    slThresholdSec: 20,
    agentsByState: { ready: 1, 'on-call': 2 },
    updatedAt: now(),
  },
  {
    queueId: 'q-sales',
    waiting: 0,
    longestWaitMs: 0,
    oldestJoinedAt: null,
    answered: 5,
    abandoned: 0,
    offered: 5,
    serviceLevelPct: 100,
    slThresholdSec: 15,
    agentsByState: { ready: 1 },
    updatedAt: now(),
  },
];
const others = [
  {
    agentId: 'agent-2',
    state: 'on-call',
    since: now(),
    callId: 'call-77',
    queueId: 'q-support',
    today: { calls: 5, talkMs: 0, holdMs: 0, wrapMs: 0, stateMs: {} },
  },
];
const waiting = [
  {
    callId: 'call-9',
    queueId: 'q-support',
    joinedAt: queues[0]!.oldestJoinedAt,
    ani: '+33612345678',
    position: 1,
  },
];
const context = {
  callId: 'call-42',
  ani: '+33698765432',
  dnis: '+33140000000',
  queueId: 'q-support',
  waitMs: 12_000,
  attached: {
    language: 'fr',
    reason: 'billing',
    crm: { name: 'Jeanne Martin', tier: 'gold', account: 'AC-1009' },
  },
  history: [
    {
      callId: 'call-3',
      startedAt: '2026-11-20T10:00:00Z',
      outcome: 'answered',
      agentId: 'agent-2',
      talkMs: 185_000,
    },
  ],
};

function send(res: ServerResponse, status: number, body: unknown, type = 'application/json') {
  res.writeHead(status, { 'Content-Type': type });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
function problem(res: ServerResponse, status: number, detail: string) {
  send(
    res,
    status,
    { type: 'about:blank', title: 'Error', status, detail, code: 'x' },
    'application/problem+json',
  );
}
function push(event: string, data: unknown) {
  for (const c of clients) c.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}
async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
const roleOf = (token: string | null | undefined) => (token?.includes('super') ? 'supervisor' : 'agent');
const tokenOf = (req: IncomingMessage, url: URL) =>
  req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('access_token');

const server = createServer((req, res) => {
  void (async () => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    if (req.method === 'POST' && path === '/v1/sessions') {
      const b = await body(req);
      if (b.password !== 'secret') return problem(res, 401, 'wrong tenant, email or password');
      expired = false;
      const supervisor = String(b.email).startsWith('super');
      // "badsip..." gets a wrong SIP HA1: the softphone's refused registration can be seen.
      const badSip = String(b.email).startsWith('badsip') ? '-badsip' : '';
      return send(res, 201, {
        token: (supervisor ? 'tok-super' : 'tok-agent') + badSip,
        tokenType: 'Bearer',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        user: {},
      });
    }
    if (path.startsWith('/mock/')) {
      if (path === '/mock/offer')
        push('offer', {
          reservationId: 'r-1',
          callId: 'call-42',
          queueId: 'q-support',
          ringTimeoutMs: 20_000,
          context,
        });
      if (path === '/mock/expire') {
        // Every session ends: live streams drop and the next request gets 401.
        expired = true;
        for (const c of clients) c.destroy();
      }
      const m = /^\/mock\/state\/(.+)$/.exec(path);
      if (m) {
        Object.assign(agent, { state: m[1], since: now() });
        push('agent', agent);
      }
      return send(res, 200, { ok: true });
    }
    if (path.startsWith('/v1/')) {
      const token = tokenOf(req, url);
      if (!token?.startsWith('tok-') || expired) return problem(res, 401, 'session expired');
      const supervisor = roleOf(token) === 'supervisor';
      if (path === '/v1/me')
        return send(res, 200, {
          tenantId: 'demo',
          roles: supervisor ? ['supervisor'] : ['agent'],
          user: {
            _id: 'usr-1',
            tenantId: 'demo',
            email: 'a@x',
            displayName: supervisor ? 'Sam Supervisor' : 'Alice Agent',
            roles: supervisor ? ['supervisor'] : ['agent'],
            agentId: supervisor ? null : 'agent-1',
          },
          agent: supervisor
            ? null
            : {
                _id: 'agent-1',
                displayName: 'Alice Agent',
                extension: '2001',
                queueIds: ['q-support', 'q-sales'],
              },
          softphone: {
            uri: 'sip:alice@demo.hotline.local',
            username: 'alice',
            realm: 'demo.hotline.local',
            ha1: token.endsWith('-badsip') ? 'f'.repeat(32) : '0'.repeat(32),
            wsServers: ['wss://127.0.0.1:8461'],
          },
        });
      if (path === '/v1/live') {
        res.writeHead(200, {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-store',
          Connection: 'keep-alive',
        });
        clients.add(res);
        req.on('close', () => clients.delete(res));
        res.write(
          `event: snapshot\ndata: ${JSON.stringify({ agents: supervisor ? [agent, ...others] : [agent], queues, waiting })}\n\n`,
        );
        return;
      }
      if (path === '/v1/wallboard') return send(res, 200, { agents: [agent, ...others], queues, waiting });
      if (path === '/v1/disposition-codes')
        return send(res, 200, {
          items: [
            {
              _id: 'dsp-1',
              code: 'resolved',
              label: 'Resolved',
              description: '',
              requiresNote: false,
              active: true,
            },
            {
              _id: 'dsp-2',
              code: 'callback',
              label: 'Callback promised',
              description: '',
              requiresNote: true,
              active: true,
            },
          ],
          nextCursor: null,
        });
      if (path === '/v1/agents')
        return send(res, 200, {
          items: [
            { _id: 'agent-1', displayName: 'Alice Agent', extension: '2001', active: true },
            { _id: 'agent-2', displayName: 'Bob', extension: '2002', active: true },
          ],
          nextCursor: null,
        });
      if (path === '/v1/queues')
        return send(res, 200, {
          items: [
            { _id: 'q-support', name: 'Support' },
            { _id: 'q-sales', name: 'Sales' },
          ],
          nextCursor: null,
        });
      if (/^\/v1\/calls\/[^/]+\/context$/.test(path)) return send(res, 200, context);
      if (/^\/v1\/agents\/[^/]+\/stats$/.test(path)) return send(res, 200, agent.today);
      const st = /^\/v1\/agents\/([^/]+)\/state$/.exec(path);
      if (req.method === 'POST' && st) {
        const b = await body(req);
        const to = {
          login: 'not-ready',
          ready: 'ready',
          'not-ready': 'not-ready',
          break: 'break',
          logout: 'logged-out',
        }[String(b.state)];
        if (!to) return problem(res, 422, 'state is invalid');
        // As the real API: the ACD's agent.state.changed comes first, reporting's view after.
        setTimeout(() => {
          const from = agent.state;
          Object.assign(agent, { state: to, since: now(), reason: b.reason });
          push('agent-state', { agentId: 'agent-1', from, to, reason: b.reason, at: agent.since });
        }, 100);
        setTimeout(() => push('agent', agent), 300);
        return send(res, 202, { commandId: 'cmd-1' });
      }
      if (req.method === 'POST') return send(res, 202, { commandId: 'cmd-2' });
      return problem(res, 404, `no route ${path}`);
    }
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile())
      return send(res, 404, 'not found', 'text/plain');
    const types: Record<string, string> = {
      '.html': 'text/html',
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.map': 'application/json',
    };
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  })().catch((err: unknown) => problem(res, 500, String(err)));
});
server.listen(port, '127.0.0.1', () => console.log(`mock desk API + client on http://127.0.0.1:${port}/`));
