import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signJwt } from '../src/auth/jwt';
import { realtimeChannel, type RealtimePush } from '../src/desk/desk-read-model';
import {
  FixedReadModel,
  agentNow,
  deskTenant,
  publish,
  queueNow,
  tracked,
  type DeskTenant,
} from './support/desk-fixtures';
import { startWorld, waitFor, type World } from './support/fixtures';
import { openLive, type SseConnection, type SseEvent } from './support/sse-client';

// The live channel (GET /v1/live, Server-Sent Events): a snapshot first, then pushes, each to
// exactly the desks that may see it: an agent itself, its queues, its calls and offers; a
// supervisor its whole tenant; nobody another tenant. Two tenants, an agent and a supervisor
// connected in each.

const JWT_SECRET = 'test-jwt-secret-0123456789abcdef0123456789';
const MAX_PER_TENANT = 5;
const readModel = new FixedReadModel();
let w: World;
let a: DeskTenant;
let b: DeskTenant;
const open: SseConnection[] = [];

async function live(token: string): Promise<SseConnection> {
  const conn = await openLive(w.t.url, token);
  open.push(conn);
  if (conn.status === 200) await conn.next('snapshot');
  return conn;
}

const push = (tenantId: string, message: RealtimePush) =>
  w.t.live.publish(realtimeChannel(tenantId), JSON.stringify(message));

/** Every event a connection got before `marker` arrived (pushes reach one desk in order). */
async function before(conn: SseConnection, event: string, match: (d: SseEvent['data']) => boolean) {
  const marker = await conn.next(event, match);
  return conn.events.slice(0, conn.events.indexOf(marker));
}

beforeAll(async () => {
  w = await startWorld({
    readModel,
    env: {
      HOTLINE_API_LIVE_CLIENT_BUFFER_BYTES: String(512 * 1024),
      HOTLINE_API_LIVE_HEARTBEAT_MS: '200',
      HOTLINE_API_LIVE_MAX_CLIENTS_PER_TENANT: String(MAX_PER_TENANT),
    },
  });
  [a, b] = await Promise.all([deskTenant(w, 'live-a'), deskTenant(w, 'live-b')]);
  readModel.agents.set('live-a', [agentNow(a.agentId), agentNow(a.otherAgentId)]);
  readModel.queues.set('live-a', [queueNow(a.queueId), queueNow(a.otherQueueId)]);
  readModel.waiting.set('live-a', [
    { callId: 'w1', queueId: a.queueId, joinedAt: new Date().toISOString(), ani: '+4930111', position: 1 },
    { callId: 'w2', queueId: a.otherQueueId, joinedAt: new Date().toISOString(), ani: null, position: 1 },
  ]);
  readModel.agents.set('live-b', [agentNow(b.agentId)]);
});
afterEach(async () => {
  for (const c of open.splice(0)) c.close();
  await waitFor(() => (w.t.api.desk.hub.clients === 0 ? true : undefined));
});
afterAll(async () => {
  await w?.t.close();
});

describe('the snapshot', () => {
  it('shows an agent itself, its queues and their waiting calls; a supervisor the whole tenant', async () => {
    const agent = await live(a.agentToken);
    expect(agent.contentType).toContain('text/event-stream');
    const mine = agent.events[0]!;
    expect(mine.event).toBe('snapshot');
    expect(mine.data.agents.map((x: { agentId: string }) => x.agentId)).toEqual([a.agentId]);
    expect(mine.data.queues.map((q: { queueId: string }) => q.queueId)).toEqual([a.queueId]);
    expect(mine.data.waiting.map((c: { callId: string }) => c.callId)).toEqual(['w1']);

    const sup = await live(a.supervisorToken);
    const all = sup.events[0]!.data;
    expect(all.agents).toHaveLength(2);
    expect(all.queues).toHaveLength(2);
    expect(all.waiting).toHaveLength(2);
  });

  it('is taken again on every reconnect, so a desk resyncs without a reload', async () => {
    const first = await live(a.agentToken);
    expect(first.events[0]!.data.agents[0].state).toBe('ready');
    first.close();
    readModel.agents.set('live-a', [agentNow(a.agentId, { state: 'break', reason: 'lunch' })]);
    const again = await live(a.agentToken);
    expect(again.events[0]!.data.agents[0]).toMatchObject({ state: 'break', reason: 'lunch' });
    readModel.agents.set('live-a', [agentNow(a.agentId), agentNow(a.otherAgentId)]);
  });
});

describe('pushes', () => {
  it('sends agent and queue views to the agent concerned, its queues’ members and the tenant’s supervisors only', async () => {
    const [agentA, supA, agentB, supB] = await Promise.all([
      live(a.agentToken),
      live(a.supervisorToken),
      live(b.agentToken),
      live(b.supervisorToken),
    ]);
    await push('live-a', { kind: 'agent', agent: agentNow(a.otherAgentId, { state: 'on-call' }) });
    await push('live-a', { kind: 'queue', queue: queueNow(a.otherQueueId, { waiting: 9 }) });
    await push('live-a', { kind: 'agent', agent: agentNow(a.agentId, { state: 'not-ready' }) });
    await push('live-a', { kind: 'queue', queue: queueNow(a.queueId, { waiting: 7 }) });
    await push('live-b', { kind: 'queue', queue: queueNow(b.queueId, { waiting: 1 }) });

    const seenByAgent = await before(agentA, 'queue', (q: { waiting: number }) => q.waiting === 7);
    expect(seenByAgent.map((e) => [e.event, e.data.agentId ?? e.data.queueId])).toEqual([
      ['snapshot', undefined],
      ['agent', a.agentId],
    ]);
    const seenBySup = await before(supA, 'queue', (q: { waiting: number }) => q.waiting === 7);
    expect(seenBySup.map((e) => e.event)).toEqual(['snapshot', 'agent', 'queue', 'agent']);
    for (const other of [agentB, supB]) {
      const seen = await before(other, 'queue', (q: { queueId: string }) => q.queueId === b.queueId);
      expect(seen.map((e) => e.event)).toEqual(['snapshot']);
    }
  });

  it('rings only the reserved agent, with the screen pop, and tells it when the ring ended', async () => {
    const [agentA, supA, other] = await Promise.all([
      live(a.agentToken),
      live(a.supervisorToken),
      live(b.agentToken),
    ]);
    readModel.contexts.set('live-a/call-ring', {
      callId: 'call-ring',
      ani: '+4915112345678',
      dnis: '+493012345',
      attached: { account: '42' },
      history: [],
    });
    await publish(w.t, 'agent.reserved', 'live-a', {
      agentId: a.agentId,
      callId: 'call-ring',
      queueId: a.queueId,
      reservationId: 'res-1',
      decisionId: 'dec-1',
      ringTimeoutMs: 15_000,
    });
    const offer = await agentA.next('offer');
    expect(offer.data).toEqual({
      reservationId: 'res-1',
      callId: 'call-ring',
      queueId: a.queueId,
      ringTimeoutMs: 15_000,
      context: expect.objectContaining({ attached: { account: '42' } }),
    });
    await publish(w.t, 'agent.reservation.ended', 'live-a', {
      agentId: a.agentId,
      callId: 'call-ring',
      reservationId: 'res-1',
      outcome: 'no-answer',
      misses: 1,
    });
    expect((await agentA.next('offer-ended')).data.outcome).toBe('no-answer');
    await push('live-a', { kind: 'queue', queue: queueNow(a.queueId, { waiting: 3 }) });
    expect(
      (await before(supA, 'queue', (q: { waiting: number }) => q.waiting === 3)).map((e) => e.event),
    ).toEqual(['snapshot']);
    expect(other.events.map((e) => e.event)).toEqual(['snapshot']);
  });

  it('sends a call’s events to the agent on it and the supervisors, and state outcomes to the agent', async () => {
    const [agentA, supA] = await Promise.all([live(a.agentToken), live(a.supervisorToken)]);
    await publish(w.t, 'call.bridged', 'live-a', {
      callId: 'call-other',
      legIds: ['l1', 'l2'],
      agentId: a.otherAgentId,
    });
    await publish(w.t, 'call.bridged', 'live-a', {
      callId: 'call-mine',
      legIds: ['l3', 'l4'],
      agentId: a.agentId,
    });
    await tracked(w.t, 'live-a', 'call-mine', a.agentId);
    await publish(w.t, 'call.held', 'live-a', { callId: 'call-mine', legId: 'l3', by: 'agent' });
    await publish(w.t, 'agent.command.rejected', 'live-a', {
      commandId: 'cmd-1',
      agentId: a.agentId,
      command: 'break',
      code: 'on-call',
      message: 'not during a call',
      state: 'on-call',
    });
    const rejected = await agentA.next('agent-command-rejected');
    expect(rejected.data).toMatchObject({ commandId: 'cmd-1', message: 'not during a call' });
    const calls = agentA.events.filter((e) => e.event === 'call');
    expect(calls.map((e) => [e.data.type, e.data.callId])).toEqual([
      ['call.bridged', 'call-mine'],
      ['call.held', 'call-mine'],
    ]);
    await supA.next('agent-command-rejected');
    expect(supA.events.filter((e) => e.event === 'call').map((e) => e.data.callId)).toEqual([
      'call-other',
      'call-mine',
      'call-mine',
    ]);
  });

  it('tells a queue’s members and the supervisors who joins and leaves it', async () => {
    const [agentA, supA] = await Promise.all([live(a.agentToken), live(a.supervisorToken)]);
    const joined = (callId: string, queueId: string) =>
      publish(w.t, 'queue.joined', 'live-a', { callId, queueId, priority: 0, skills: [], position: 1 });
    await joined('q-call-other', a.otherQueueId);
    await joined('q-call-mine', a.queueId);
    await publish(w.t, 'queue.abandoned', 'live-a', {
      callId: 'q-call-mine',
      queueId: a.queueId,
      waitMs: 900,
    });
    await agentA.next('call', (d: { type: string }) => d.type === 'queue.abandoned');
    expect(agentA.events.filter((e) => e.event === 'call').map((e) => [e.data.type, e.data.callId])).toEqual([
      ['queue.joined', 'q-call-mine'],
      ['queue.abandoned', 'q-call-mine'],
    ]);
    await supA.next('call', (d: { type: string }) => d.type === 'queue.abandoned');
    expect(supA.events.filter((e) => e.event === 'call').map((e) => e.data.callId)).toEqual([
      'q-call-other',
      'q-call-mine',
      'q-call-mine',
    ]);
  });

  it('resends a ring still going to a desk that reconnects mid-ring', async () => {
    await publish(w.t, 'agent.reserved', 'live-a', {
      agentId: a.agentId,
      callId: 'call-reconnect',
      queueId: a.queueId,
      reservationId: 'res-2',
      decisionId: 'dec-2',
      ringTimeoutMs: 30_000,
    });
    await tracked(w.t, 'live-a', 'call-reconnect', a.agentId);
    const desk = await live(a.agentToken);
    const offer = await desk.next('offer');
    expect(offer.data.reservationId).toBe('res-2');
    expect(offer.data.ringTimeoutMs).toBeGreaterThan(20_000);
    expect(offer.data.ringTimeoutMs).toBeLessThanOrEqual(30_000);
  });

  it('keeps an idle stream alive with ping comments', async () => {
    const desk = await live(a.agentToken);
    await waitFor(() => (desk.comments.includes('ping') ? true : undefined));
  });
});

describe('refusals and drops', () => {
  it('answers 401 problem+json before any stream to an expired, forged or missing token', async () => {
    const me = await a.agent.get('/v1/me');
    const now = Math.floor(Date.now() / 1000);
    const expired = signJwt(
      { iss: 'hotline', sub: me.body.user._id, tid: 'live-a', iat: now - 100, exp: now - 10 },
      JWT_SECRET,
    );
    for (const token of [expired, `${a.agentToken.slice(0, -4)}AAAA`, '']) {
      const conn = await openLive(w.t.url, token);
      expect(conn.status).toBe(401);
      expect(conn.contentType).toContain('application/problem+json');
      expect(conn.problem.code).toBe('unauthenticated');
    }
  });

  it('ends the stream when the session token expires, saying so', async () => {
    const me = await a.agent.get('/v1/me');
    const now = Math.floor(Date.now() / 1000);
    const short = signJwt(
      { iss: 'hotline', sub: me.body.user._id, tid: 'live-a', iat: now, exp: now + 1 },
      JWT_SECRET,
    );
    const desk = await live(short);
    const end = await desk.next('error', () => true, 3000);
    expect(end.data.code).toBe('token_expired');
    await waitFor(() => (desk.ended ? true : undefined));
  });

  it('refuses a tenant’s connection past its limit with 429, other tenants unaffected', async () => {
    for (let i = 0; i < MAX_PER_TENANT; i++) await live(a.supervisorToken);
    const over = await openLive(w.t.url, a.agentToken);
    expect(over.status).toBe(429);
    expect(over.contentType).toContain('application/problem+json');
    expect((await live(b.agentToken)).status).toBe(200);
  });

  it('drops a client that stops reading with a final error event, and keeps serving the others', async () => {
    const fast = await live(a.supervisorToken);
    // A desk that stops reading: its socket buffers fill, then the server's bound is crossed.
    const slow = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http
        .get(`${w.t.url}/v1/live?access_token=${a.supervisorToken}`, (res) => {
          res.pause();
          resolve(res);
        })
        .on('error', reject);
    });
    await waitFor(() => (w.t.api.desk.hub.clientsOf('live-a') === 2 ? true : undefined));
    const pad = 'x'.repeat(32 * 1024);
    let sent = 0;
    while (w.t.api.desk.hub.clientsOf('live-a') === 2 && sent < 1000) {
      await push('live-a', {
        kind: 'queue',
        queue: { ...queueNow(a.queueId, { waiting: sent }), pad } as never,
      });
      sent++;
      // Let the server write (and the fast client read) before the next push.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(w.t.api.desk.hub.clientsOf('live-a')).toBe(1);
    await push('live-a', { kind: 'queue', queue: queueNow(a.queueId, { waiting: -1 }) });
    await fast.next('queue', (q: { waiting: number }) => q.waiting === -1, 10_000);
    expect(fast.events.filter((e) => e.event === 'queue')).toHaveLength(sent + 1);

    const text = await new Promise<string>((resolve) => {
      let body = '';
      slow.setEncoding('utf8');
      slow.on('data', (d: string) => (body += d));
      slow.on('end', () => resolve(body));
      slow.on('close', () => resolve(body));
      slow.resume();
    });
    const frames = text.trim().split('\n\n');
    expect(frames.at(-1)).toMatch(/^event: error\ndata: \{"code":"slow_consumer"/);
    // What was already buffered still arrives; nothing pushed after the drop does.
    expect(text).not.toContain('"waiting":-1');
  });

  it('ends every stream with shutting_down when the API drains, so desks reconnect to another replica', async () => {
    const [agent, sup] = await Promise.all([live(a.agentToken), live(b.supervisorToken)]);
    await w.t.api.drain?.();
    for (const desk of [agent, sup]) expect((await desk.next('error')).data.code).toBe('shutting_down');
    await waitFor(() => (w.t.api.desk.hub.clients === 0 ? true : undefined));
  });
});
