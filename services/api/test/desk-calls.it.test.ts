import { Topics } from '@hotline/contracts';
import { Collections } from '@hotline/provisioning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decisionsCollection } from '@hotline/acd-router';
import { RecorderCollections, type RecordingDoc } from '@hotline/recorder';
import {
  FixedReadModel,
  collect,
  deskTenant,
  publish,
  tracked,
  type DeskTenant,
} from './support/desk-fixtures';
import { startWorld, waitFor, type World } from './support/fixtures';

// Call control from the desk: an agent commands only the call it is on, a supervisor any call
// of its tenant, and nobody another tenant's. What the desk knows of the call (its legs) comes
// from the bus, as the SIP edge and the ACD announce them.

const readModel = new FixedReadModel();
let w: World;
let a: DeskTenant;
let b: DeskTenant;
let commands: Awaited<ReturnType<typeof collect>>;

/** A call in `t` offered to `agentId` and bridged: the edge's and the ACD's events. */
async function connectedCall(t: DeskTenant, callId: string, agentId: string) {
  await publish(w.t, 'call.offered', t.tenantId, {
    callId,
    legId: `${callId}-caller`,
    direction: 'inbound',
    ani: '+4915112345678',
    dnis: '+493012345',
    siteId: 'site-1',
  });
  await publish(w.t, 'agent.reserved', t.tenantId, {
    agentId,
    callId,
    queueId: t.queueId,
    reservationId: `${callId}-res`,
    decisionId: `${callId}-dec`,
    ringTimeoutMs: 20_000,
  });
  await publish(w.t, 'call.bridged', t.tenantId, {
    callId,
    legIds: [`${callId}-caller`, `${callId}-agent`],
    agentId,
    queueId: t.queueId,
  });
  await tracked(w.t, t.tenantId, callId, agentId);
}

const command = (t: DeskTenant, who: 'agent' | 'supervisor', callId: string, body: unknown) =>
  t[who].post(`/v1/calls/${callId}/commands`, body);

beforeAll(async () => {
  w = await startWorld({ readModel });
  [a, b] = await Promise.all([deskTenant(w, 'calls-a'), deskTenant(w, 'calls-b')]);
  commands = await collect(w.t, [Topics.callCommands]);
  await connectedCall(a, 'call-a1', a.agentId);
  await connectedCall(a, 'call-a2', a.otherAgentId);
  await connectedCall(b, 'call-b1', b.agentId);
});
afterAll(async () => {
  await commands?.close();
  await w?.t.close();
});

describe('an agent on its call', () => {
  it('holds the caller and mutes itself, the legs filled in from the call’s events', async () => {
    const hold = await command(a, 'agent', 'call-a1', { action: 'hold' });
    expect(hold.status).toBe(202);
    const held = await commands.next('call.command.requested', (d) => d.commandId === hold.body.commandId);
    expect(held.tenantId).toBe('calls-a');
    expect(held.data).toMatchObject({
      callId: 'call-a1',
      requestedBy: 'api',
      command: { action: 'hold', legId: 'call-a1-caller' },
    });
    const mute = await command(a, 'agent', 'call-a1', { action: 'mute' });
    const muted = await commands.next('call.command.requested', (d) => d.commandId === mute.body.commandId);
    expect(muted.data.command).toEqual({ action: 'mute', legId: 'call-a1-agent', muted: true });
  });

  it('transfers blind to a colleague of its tenant, never to another tenant’s agent', async () => {
    const ok = await command(a, 'agent', 'call-a1', {
      action: 'transfer',
      target: { type: 'agent', agentId: a.otherAgentId },
    });
    expect(ok.status).toBe(202);
    const sent = await commands.next('call.command.requested', (d) => d.commandId === ok.body.commandId);
    expect(sent.data.command).toEqual({
      action: 'transfer',
      kind: 'blind',
      target: { type: 'agent', agentId: a.otherAgentId },
    });
    const foreign = await command(a, 'agent', 'call-a1', {
      action: 'transfer',
      target: { type: 'agent', agentId: b.agentId },
    });
    expect(foreign.status).toBe(404);
  });

  it('adds a colleague to its call as a third party: the edge’s bridge while bridged', async () => {
    const ok = await command(a, 'agent', 'call-a1', {
      action: 'add-party',
      target: { type: 'agent', agentId: a.otherAgentId },
    });
    expect(ok.status).toBe(202);
    const sent = await commands.next('call.command.requested', (d) => d.commandId === ok.body.commandId);
    expect(sent.data.command).toEqual({
      action: 'bridge',
      target: { type: 'agent', agentId: a.otherAgentId },
      ringTimeoutMs: 30_000,
    });
    const outside = await command(a, 'agent', 'call-a1', {
      action: 'add-party',
      target: { type: 'external', number: '+15557654321' },
      ringTimeoutMs: 15_000,
    });
    const rung = await commands.next('call.command.requested', (d) => d.commandId === outside.body.commandId);
    expect(rung.data.command).toEqual({
      action: 'bridge',
      target: { type: 'external', number: '+15557654321' },
      ringTimeoutMs: 15_000,
    });
  });

  it('adds a party only to its own connected call, and only its tenant’s agents', async () => {
    const colleague = { action: 'add-party', target: { type: 'agent', agentId: a.otherAgentId } };
    expect((await command(a, 'agent', 'call-a2', colleague)).status).toBe(403);
    expect((await command(a, 'agent', 'call-b1', colleague)).status).toBe(404);
    const foreign = { action: 'add-party', target: { type: 'agent', agentId: b.agentId } };
    expect((await command(a, 'agent', 'call-a1', foreign)).status).toBe(404);
    await publish(w.t, 'call.offered', a.tenantId, {
      callId: 'call-a-waiting',
      legId: 'call-a-waiting-caller',
      direction: 'inbound',
      ani: '+4915112345678',
      dnis: '+493012345',
      siteId: 'site-1',
    });
    await waitFor(() => w.t.api.desk.tracker.call(a.tenantId, 'call-a-waiting'));
    const unanswered = await command(a, 'supervisor', 'call-a-waiting', colleague);
    expect(unanswered.status).toBe(409);
    expect(unanswered.body.detail).toMatch(/not connected/);
  });

  it('still mutes its own leg once a colleague joined as a third party', async () => {
    await connectedCall(a, 'call-a4', a.agentId);
    await publish(w.t, 'call.bridged', a.tenantId, {
      callId: 'call-a4',
      legIds: ['call-a4-caller', 'call-a4-third'],
      agentId: a.otherAgentId,
    });
    await tracked(w.t, a.tenantId, 'call-a4', a.otherAgentId);
    const mute = await command(a, 'agent', 'call-a4', { action: 'mute' });
    const muted = await commands.next('call.command.requested', (d) => d.commandId === mute.body.commandId);
    expect(muted.data.command).toEqual({ action: 'mute', legId: 'call-a4-agent', muted: true });
  });

  it('transfers back to a queue of its tenant, the caller’s routing sent along for the edge to announce', async () => {
    const ok = await command(a, 'agent', 'call-a1', {
      action: 'transfer',
      target: { type: 'queue', queueId: a.queueId },
    });
    expect(ok.status).toBe(202);
    const sent = await commands.next('call.command.requested', (d) => d.commandId === ok.body.commandId);
    expect(sent.data).toMatchObject({
      callId: 'call-a1',
      queue: { queueId: a.queueId, priority: 0, skills: [] },
      command: { action: 'transfer', kind: 'blind', target: { type: 'queue', queueId: a.queueId } },
    });
    const foreign = await command(a, 'agent', 'call-a1', {
      action: 'transfer',
      target: { type: 'queue', queueId: b.queueId },
    });
    expect(foreign.status).toBe(404);
    const consult = await command(a, 'agent', 'call-a1', {
      action: 'transfer',
      kind: 'consultative',
      target: { type: 'queue', queueId: a.queueId },
    });
    expect(consult.status).toBe(422);
    expect(consult.body.errors[0].field).toBe('kind');
  });

  it('transfers back into a published IVR flow of its tenant, never a draft or an unknown one', async () => {
    const flows = w.t.store.collection<{ _id: string; _rev: number }>(Collections.flows);
    const flow = (id: string, tenantId: string, publishedVersion: number | null) => ({
      _id: id,
      tenantId,
      name: id,
      status: publishedVersion ? 'published' : 'draft',
      publishedVersion,
    });
    await flows.insert(flow('flow-a-survey', a.tenantId, 2));
    await flows.insert(flow('flow-a-draft', a.tenantId, null));
    await flows.insert(flow('flow-b-survey', b.tenantId, 1));
    const toFlow = (flowId: string) => ({ action: 'transfer', target: { type: 'flow', flowId } });
    const ok = await command(a, 'agent', 'call-a1', toFlow('flow-a-survey'));
    expect(ok.status).toBe(202);
    const sent = await commands.next('call.command.requested', (d) => d.commandId === ok.body.commandId);
    expect(sent.data.command).toEqual({
      action: 'transfer',
      kind: 'blind',
      target: { type: 'flow', flowId: 'flow-a-survey' },
    });
    expect(sent.data.queue).toBeUndefined();
    expect((await command(a, 'agent', 'call-a1', toFlow('flow-a-draft'))).status).toBe(409);
    expect((await command(a, 'agent', 'call-a1', toFlow('flow-b-survey'))).status).toBe(404);
  });

  it('may not command a colleague’s call (403) nor another tenant’s (404)', async () => {
    expect((await command(a, 'agent', 'call-a2', { action: 'hold' })).status).toBe(403);
    expect((await command(a, 'agent', 'call-b1', { action: 'hold' })).status).toBe(404);
    expect((await command(a, 'agent', 'call-nowhere', { action: 'hold' })).status).toBe(404);
  });

  it('may not record, listen in or force-release: those need a supervisor', async () => {
    const asks = [
      { action: 'record', op: 'start' },
      { action: 'supervise', mode: 'listen' },
      { action: 'hangup', cause: 'force-released' },
    ];
    for (const body of asks) expect((await command(a, 'agent', 'call-a1', body)).status).toBe(403);
  });

  it('names the bad fields of a command', async () => {
    const noTarget = await command(a, 'agent', 'call-a1', { action: 'transfer', target: { type: 'agent' } });
    expect(noTarget.status).toBe(422);
    expect(noTarget.body.errors.map((e: { field: string }) => e.field)).toEqual(['target/agentId']);
    const unknown = await command(a, 'agent', 'call-a1', { action: 'dance' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].field).toBe('action');
  });
});

describe('a supervisor', () => {
  it('records and force-releases any call of its tenant', async () => {
    const rec = await command(a, 'supervisor', 'call-a2', { action: 'record', op: 'start' });
    expect(rec.status).toBe(202);
    const recorded = await commands.next('call.command.requested', (d) => d.commandId === rec.body.commandId);
    expect(recorded.data.command).toMatchObject({
      action: 'record',
      op: 'start',
      recordingId: expect.any(String),
    });
    const cut = await command(a, 'supervisor', 'call-a2', { action: 'hangup', cause: 'force-released' });
    const released = await commands.next('call.command.requested', (d) => d.commandId === cut.body.commandId);
    expect(released.data.command).toEqual({ action: 'hangup', cause: 'force-released' });
  });

  it('stops or pauses the recording running on the call, and refuses a pause the policy forbids', async () => {
    const none = await command(a, 'supervisor', 'call-a1', { action: 'record', op: 'stop' });
    expect(none.status).toBe(409);
    expect(none.body.detail).toMatch(/no recording is running/);
    const now = new Date().toISOString();
    await w.t.store.collection<RecordingDoc>(RecorderCollections.recordings).insert({
      _id: 'rec-running-a1',
      tenantId: a.tenantId,
      callId: 'call-a1',
      agentId: a.agentId,
      queueId: a.queueId,
      hotlineId: null,
      ani: null,
      dnis: null,
      trigger: 'policy',
      status: 'recording',
      allowPause: false,
      createdAt: now,
      updatedAt: now,
      startedAt: now,
      endedAt: null,
      pauses: [],
      durationMs: null,
      sizeBytes: null,
      sha256: null,
      objectKey: null,
      contentType: null,
      retentionUntil: null,
      callerMedia: null,
      sidesKnown: null,
      error: null,
    });
    const pause = await command(a, 'supervisor', 'call-a1', { action: 'record', op: 'pause' });
    expect(pause.status).toBe(409);
    expect(pause.body.detail).toMatch(/may not be paused/);
    const stop = await command(a, 'supervisor', 'call-a1', { action: 'record', op: 'stop' });
    expect(stop.status).toBe(202);
    const sent = await commands.next('call.command.requested', (d) => d.commandId === stop.body.commandId);
    expect(sent.data.command).toEqual({ action: 'record', op: 'stop', recordingId: 'rec-running-a1' });
  });

  it('listens in on the phone it names, and is asked for one when it has none', async () => {
    const phoneless = await command(a, 'supervisor', 'call-a1', { action: 'supervise', mode: 'listen' });
    expect(phoneless.status).toBe(422);
    expect(phoneless.body.errors[0].field).toBe('supervisorId');
    const listen = await command(a, 'supervisor', 'call-a1', {
      action: 'supervise',
      mode: 'whisper',
      supervisorId: a.otherAgentId,
    });
    expect(listen.status).toBe(202);
    const sent = await commands.next('call.command.requested', (d) => d.commandId === listen.body.commandId);
    expect(sent.data.command).toEqual({ action: 'supervise', mode: 'whisper', supervisorId: a.otherAgentId });
  });

  it('adds a party to any call of its tenant', async () => {
    const ok = await command(a, 'supervisor', 'call-a2', {
      action: 'add-party',
      target: { type: 'external', number: '+15557654321' },
    });
    expect(ok.status).toBe(202);
    const sent = await commands.next('call.command.requested', (d) => d.commandId === ok.body.commandId);
    expect(sent.data).toMatchObject({ callId: 'call-a2', command: { action: 'bridge' } });
  });

  it('gets 404 for another tenant’s call', async () => {
    expect((await command(a, 'supervisor', 'call-b1', { action: 'record', op: 'start' })).status).toBe(404);
  });
});

describe('after the call', () => {
  it('refuses commands for a call that ended', async () => {
    await connectedCall(a, 'call-a3', a.agentId);
    expect((await command(a, 'agent', 'call-a3', { action: 'hold' })).status).toBe(202);
    await publish(w.t, 'call.ended', 'calls-a', {
      callId: 'call-a3',
      cause: 'caller-hangup',
      by: 'caller',
      durationMs: 1000,
    });
    await waitFor(() => (w.t.api.desk.tracker.call('calls-a', 'call-a3') ? undefined : true));
    expect((await command(a, 'agent', 'call-a3', { action: 'hold' })).status).toBe(404);
  });
});

describe('reading a call', () => {
  it('shows the screen pop to the agent on the call and to supervisors, not to a colleague', async () => {
    const context = {
      callId: 'call-a2',
      ani: '+4915112345678',
      dnis: '+493012345',
      attached: { account: '42' },
      history: [],
    };
    readModel.contexts.set('calls-a/call-a2', context);
    readModel.contexts.set('calls-a/call-a1', { ...context, callId: 'call-a1' });
    const own = await a.agent.get('/v1/calls/call-a1/context');
    expect(own.status).toBe(200);
    expect(own.body.attached).toEqual({ account: '42' });
    expect((await a.agent.get('/v1/calls/call-a2/context')).status).toBe(403);
    expect((await a.supervisor.get('/v1/calls/call-a2/context')).status).toBe(200);
    expect((await b.supervisor.get('/v1/calls/call-a2/context')).status).toBe(404);
  });

  it('explains routing decisions to supervisors of the call’s tenant only', async () => {
    const decision = (tenantId: string, decisionId: string) => ({
      _id: decisionId,
      decisionId,
      tenantId,
      callId: 'call-shared-id',
      queueId: 'q',
      at: Date.now(),
      instance: 'test',
      trigger: 'joined',
      waitMs: 0,
      stage: 'targets',
      targets: [],
      relaxed: false,
      candidates: [{ agentId: 'agt-1', target: 0 }],
      candidatesTotal: 1,
      readyInQueue: 1,
      outcome: 'reserved',
      agentId: 'agt-1',
    });
    const decisions = w.t.store.collection<{ _id: string; _rev: number }>(decisionsCollection);
    await decisions.insert(decision('calls-a', 'dec-a'));
    await decisions.insert(decision('calls-b', 'dec-b'));
    const mine = await a.supervisor.get('/v1/calls/call-shared-id/routing-decisions');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((d: { decisionId: string }) => d.decisionId)).toEqual(['dec-a']);
    expect((await a.agent.get('/v1/calls/call-shared-id/routing-decisions')).status).toBe(403);
  });
});

describe('placing a call', () => {
  it('resolves an extension to a colleague and a number to the gateway, for the softphone to dial', async () => {
    const internal = await a.agent.post('/v1/calls', { to: '208' });
    expect(internal.status).toBe(200);
    expect(internal.body).toEqual({
      direction: 'internal',
      to: '208',
      dialUri: `sip:208@${a.sip.realm}`,
      targetAgentId: a.otherAgentId,
    });
    const outbound = await a.agent.post('/v1/calls', { to: '+15557654321' });
    expect(outbound.body).toMatchObject({ direction: 'outbound', targetAgentId: null });
  });

  it('refuses an unknown extension, a malformed number, and a caller without a phone', async () => {
    expect((await a.agent.post('/v1/calls', { to: '999' })).status).toBe(404);
    const bad = await a.agent.post('/v1/calls', { to: 'call mom' });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe('to');
    expect((await a.supervisor.post('/v1/calls', { to: '208' })).status).toBe(409);
  });
});
