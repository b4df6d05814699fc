import { createHash } from 'node:crypto';
import { Topics } from '@hotline/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispositionsCollection } from '../src/desk/wrap-up-routes';
import {
  FixedReadModel,
  agentNow,
  collect,
  deskTenant,
  publish,
  queueNow,
  type DeskTenant,
} from './support/desk-fixtures';
import { startWorld, waitFor, type World } from './support/fixtures';

// The agent's desk over HTTP: who am I (with the softphone account), state changes, wrap-up,
// today's figures; and what a supervisor may do that an agent may not.

const readModel = new FixedReadModel();
let w: World;
let a: DeskTenant;
let b: DeskTenant;

beforeAll(async () => {
  w = await startWorld({ readModel });
  [a, b] = await Promise.all([deskTenant(w, 'desk-a'), deskTenant(w, 'desk-b')]);
});
afterAll(async () => {
  await w?.t.close();
});

describe('who am I', () => {
  it('gives a signed-in agent its agent and softphone account, HA1 included, never cached', async () => {
    const me = await a.agent.get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(me.body.user).toMatchObject({ email: 'agent@desk-a.example', agentId: a.agentId });
    expect(me.body.user).not.toHaveProperty('password');
    expect(me.body.agent._id).toBe(a.agentId);
    const { username, realm } = a.sip;
    expect(me.body.softphone).toEqual({
      uri: `sip:${username}@${realm}`,
      username,
      realm,
      ha1: createHash('md5').update(`${username}:${realm}:a long sip password`).digest('hex'),
      wsServers: ['wss://127.0.0.1:8461'],
    });
  });

  it('gives a supervisor without a phone no agent and no softphone', async () => {
    const me = await a.supervisor.get('/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      tenantId: 'desk-a',
      roles: ['supervisor'],
      agent: null,
      softphone: null,
    });
  });
});

describe('agent state', () => {
  it('publishes the agent’s own request as by agent, and a supervisor’s as by supervisor', async () => {
    const bus = await collect(w.t, [Topics.agents]);
    const own = await a.agent.post(`/v1/agents/${a.agentId}/state`, { state: 'ready' });
    expect(own.status).toBe(202);
    const mine = await bus.next('agent.command.requested', (d) => d.commandId === own.body.commandId);
    expect(mine.tenantId).toBe('desk-a');
    expect(mine.data).toMatchObject({ agentId: a.agentId, command: 'ready', by: 'agent' });

    const forced = await a.supervisor.post(`/v1/agents/${a.agentId}/state`, {
      state: 'break',
      reason: 'coaching',
      lockMs: 600_000,
    });
    expect(forced.status).toBe(202);
    const theirs = await bus.next('agent.command.requested', (d) => d.commandId === forced.body.commandId);
    expect(theirs.data).toMatchObject({
      command: 'break',
      by: 'supervisor',
      reason: 'coaching',
      lockMs: 600_000,
    });
    await bus.close();
  });

  it('refuses an agent acting for a colleague or locking its own break', async () => {
    const colleague = await a.agent.post(`/v1/agents/${a.otherAgentId}/state`, { state: 'logout' });
    expect(colleague.status).toBe(403);
    expect(colleague.contentType).toContain('application/problem+json');
    const lock = await a.agent.post(`/v1/agents/${a.agentId}/state`, { state: 'break', lockMs: 1000 });
    expect(lock.status).toBe(403);
  });

  it('answers 404 for another tenant’s agent, even to its supervisor', async () => {
    const r = await a.supervisor.post(`/v1/agents/${b.agentId}/state`, { state: 'logout' });
    expect(r.status).toBe(404);
  });

  it('names every bad field of a state change', async () => {
    const r = await a.agent.post(`/v1/agents/${a.agentId}/state`, { state: 'dancing', mood: 'good' });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['mood', 'state']);
  });
});

describe('wrap-up', () => {
  it('stores the disposition of the call the agent wraps up, and asks for more time', async () => {
    await publish(w.t, 'agent.state.changed', 'desk-a', {
      agentId: a.agentId,
      from: 'on-call',
      to: 'wrap-up',
      callId: 'call-wrap-1',
    });
    const bus = await collect(w.t, [Topics.agents]);
    const r = await waitFor(async () => {
      const reply = await a.agent.post(`/v1/agents/${a.agentId}/wrap-up`, {
        dispositionCodeId: a.dispositionCodeId,
        notes: 'refund issued',
        extendMs: 30_000,
      });
      return reply.status === 202 ? reply : undefined;
    });
    expect(r.body.callId).toBe('call-wrap-1');
    const stored = await w.t.store
      .collection<{ _id: string; _rev: number } & Record<string, unknown>>(dispositionsCollection)
      .find({ tenantId: 'desk-a', callId: 'call-wrap-1' });
    expect(stored).toEqual([
      expect.objectContaining({
        agentId: a.agentId,
        dispositionCodeId: a.dispositionCodeId,
        code: 'resolved',
        notes: 'refund issued',
        by: 'agent',
      }),
    ]);
    const extend = await bus.next('agent.command.requested', (d) => d.commandId === r.body.commandId);
    expect(extend.data).toMatchObject({ command: 'extend-wrap-up', extendMs: 30_000, by: 'agent' });
    await bus.close();
  });

  it('keeps one disposition per call and agent: sending again corrects it', async () => {
    const body = { dispositionCodeId: a.noteCodeId, notes: 'sent to tier 2', callId: 'call-wrap-2' };
    expect((await a.agent.post(`/v1/agents/${a.agentId}/wrap-up`, body)).status).toBe(202);
    expect(
      (await a.agent.post(`/v1/agents/${a.agentId}/wrap-up`, { ...body, notes: 'sent to tier 3' })).status,
    ).toBe(202);
    const stored = await w.t.store
      .collection<{ _id: string; _rev: number; notes: string }>(dispositionsCollection)
      .find({ callId: 'call-wrap-2' });
    expect(stored.map((d) => d.notes)).toEqual(['sent to tier 3']);
  });

  it('refuses a code that needs a note without one, an unknown code, and malformed fields', async () => {
    const url = `/v1/agents/${a.agentId}/wrap-up`;
    const noNote = await a.agent.post(url, { dispositionCodeId: a.noteCodeId, callId: 'call-x' });
    expect(noNote.status).toBe(422);
    expect(noNote.body.errors).toEqual([
      { field: 'notes', message: 'disposition escalated requires a note' },
    ]);
    const foreign = await a.agent.post(url, { dispositionCodeId: b.dispositionCodeId, callId: 'call-x' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.errors[0].field).toBe('dispositionCodeId');
    const bad = await a.agent.post(url, { dispositionCodeId: 7, extendMs: -1 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'dispositionCodeId',
      'extendMs',
    ]);
  });

  it('answers 409 when the agent has no call to wrap up', async () => {
    const r = await a.supervisor.post(`/v1/agents/${a.otherAgentId}/wrap-up`, {
      dispositionCodeId: a.dispositionCodeId,
    });
    expect(r.status).toBe(409);
  });
});

describe('figures', () => {
  it('shows an agent its own figures today, and any agent’s to a supervisor', async () => {
    readModel.agents.set('desk-a', [agentNow(a.agentId)]);
    const own = await a.agent.get(`/v1/agents/${a.agentId}/stats`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ calls: 3, talkMs: 120_000 });
    expect((await a.agent.get(`/v1/agents/${a.otherAgentId}/stats`)).status).toBe(403);
    const none = await a.supervisor.get(`/v1/agents/${a.otherAgentId}/stats`);
    expect(none.body).toEqual({ calls: 0, talkMs: 0, holdMs: 0, wrapMs: 0, stateMs: {} });
  });

  it('shows the wallboard to supervisors only, of their own tenant', async () => {
    readModel.queues.set('desk-a', [queueNow(a.queueId)]);
    readModel.queues.set('desk-b', [queueNow(b.queueId)]);
    expect((await a.agent.get('/v1/wallboard')).status).toBe(403);
    const board = await a.supervisor.get('/v1/wallboard');
    expect(board.status).toBe(200);
    expect(board.body.queues.map((q: { queueId: string }) => q.queueId)).toEqual([a.queueId]);
    expect(board.body.agents.map((x: { agentId: string }) => x.agentId)).toEqual([a.agentId]);
  });
});
