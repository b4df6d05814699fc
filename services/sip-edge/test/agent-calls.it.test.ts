import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registeredAgent, kamailio } from './support/agents';
import { NUMBER, startHarness, type Harness } from './support/edge-harness';
import { TRUNK_SIPP_PORT } from './support/media-plane';
import { sipp } from './support/sipp';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

function caller(scenario: string, mediaPort: number, holdMs = 0) {
  return sipp({
    scenario,
    remote: kamailio,
    localPort: TRUNK_SIPP_PORT,
    mediaPort,
    service: NUMBER,
    extra: holdMs ? ['-d', String(holdMs)] : [],
    timeoutMs: 25_000,
  });
}

const handled = new Set<string>();
async function nextCall(): Promise<string> {
  const started = Date.now();
  for (;;) {
    const next = h.events.find((e) => e.type === 'call.offered' && !handled.has(e.data.callId));
    if (next && next.type === 'call.offered') {
      handled.add(next.data.callId);
      return next.data.callId;
    }
    if (Date.now() - started > 10_000) throw new Error('no new call.offered');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('calls that reach agents', () => {
  it('bridges the caller to a registered agent, and the caller hanging up ends the agent leg too', async () => {
    const agent = await registeredAgent(h, {
      agentId: 'agent-1',
      username: 'agent1',
      port: 5493,
      mediaPort: 46100,
      scenario: 'agent_answer.xml',
    });
    const call = caller('uac_hangup.xml', 46000, 1500);
    const callId = await nextCall();
    const bridged = await h.command(callId, {
      action: 'bridge',
      target: { type: 'agent', agentId: 'agent-1' },
      ringTimeoutMs: 8000,
    });
    expect(bridged.outcome).toBe('done');
    const answered = await h.waitFor('call.answered', (d) => d.callId === callId && d.answeredBy === 'agent');
    expect(answered.data.agentId).toBe('agent-1');
    const bridge = await h.waitFor('call.bridged', (d) => d.callId === callId);
    expect(bridge.data.legIds[1]).toBe(answered.data.legId);
    const ended = await h.waitFor('call.ended', (d) => d.callId === callId, 15_000);
    expect(ended.data).toMatchObject({ cause: 'caller-hangup', by: 'caller' });
    const [c, a] = await Promise.all([call.done, agent.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(a.code, a.stdout.slice(-1500)).toBe(0);
  });

  it('reports an agent who rejects as busy and keeps the caller', async () => {
    const agent = await registeredAgent(h, {
      agentId: 'agent-2',
      username: 'agent2',
      port: 5494,
      mediaPort: 46200,
      scenario: 'agent_reject.xml',
    });
    const call = caller('uac_wait_bye.xml', 46010);
    const callId = await nextCall();
    const bridged = await h.command(callId, {
      action: 'bridge',
      target: { type: 'agent', agentId: 'agent-2' },
      ringTimeoutMs: 8000,
    });
    expect(bridged.outcome).toBe('busy');
    expect(h.edge.calls.get(callId)?.state).toBe('answered');
    expect((await h.command(callId, { action: 'hangup', cause: 'normal' })).outcome).toBe('done');
    const [c, a] = await Promise.all([call.done, agent.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(a.code, a.stdout.slice(-1500)).toBe(0);
  });

  it('cancels the ringing agent when the caller hangs up while queued', async () => {
    const agent = await registeredAgent(h, {
      agentId: 'agent-3',
      username: 'agent3',
      port: 5496,
      mediaPort: 46300,
      scenario: 'agent_ring_cancel.xml',
    });
    const call = caller('uac_hangup.xml', 46020, 1500);
    const callId = await nextCall();
    expect((await h.command(callId, { action: 'music-on-hold', on: true })).outcome).toBe('done');
    const bridge = await h.command(
      callId,
      { action: 'bridge', target: { type: 'agent', agentId: 'agent-3' }, ringTimeoutMs: 20_000 },
      20_000,
    );
    expect(bridge.outcome).toBe('call-gone');
    const ended = await h.waitFor('call.ended', (d) => d.callId === callId);
    expect(ended.data).toMatchObject({ cause: 'caller-hangup', by: 'caller' });
    const [c, a] = await Promise.all([call.done, agent.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(a.code, a.stdout.slice(-1500)).toBe(0);
  });

  it('holds and resumes a bridged caller', async () => {
    const agent = await registeredAgent(h, {
      agentId: 'agent-4',
      username: 'agent4',
      port: 5497,
      mediaPort: 46400,
      scenario: 'agent_answer.xml',
    });
    const call = caller('uac_hangup.xml', 46030, 2500);
    const callId = await nextCall();
    expect(
      (
        await h.command(callId, {
          action: 'bridge',
          target: { type: 'agent', agentId: 'agent-4' },
          ringTimeoutMs: 8000,
        })
      ).outcome,
    ).toBe('done');
    const callerLeg = h.edge.calls.get(callId)!.callerLegId;
    expect((await h.command(callId, { action: 'hold', legId: callerLeg })).outcome).toBe('done');
    expect((await h.waitFor('call.held', (d) => d.callId === callId)).data).toMatchObject({
      legId: callerLeg,
      by: 'agent',
    });
    expect((await h.command(callId, { action: 'resume', legId: callerLeg })).outcome).toBe('done');
    await h.waitFor('call.resumed', (d) => d.callId === callId);
    await h.waitFor('call.ended', (d) => d.callId === callId, 15_000);
    const [c, a] = await Promise.all([call.done, agent.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(a.code, a.stdout.slice(-1500)).toBe(0);
  });

  it('transfers a caller blind from one agent to another', async () => {
    const first = await registeredAgent(h, {
      agentId: 'agent-5',
      username: 'agent5',
      port: 5498,
      mediaPort: 46500,
      scenario: 'agent_answer.xml',
    });
    const second = await registeredAgent(h, {
      agentId: 'agent-6',
      username: 'agent6',
      port: 5499,
      mediaPort: 46600,
      scenario: 'agent_answer.xml',
    });
    const call = caller('uac_hangup.xml', 46040, 3500);
    const callId = await nextCall();
    expect(
      (
        await h.command(callId, {
          action: 'bridge',
          target: { type: 'agent', agentId: 'agent-5' },
          ringTimeoutMs: 8000,
        })
      ).outcome,
    ).toBe('done');
    const transfer = await h.command(callId, {
      action: 'transfer',
      kind: 'blind',
      target: { type: 'agent', agentId: 'agent-6' },
    });
    expect(transfer.outcome).toBe('done');
    expect((await h.waitFor('call.transferred', (d) => d.callId === callId)).data).toMatchObject({
      kind: 'blind',
      fromAgentId: 'agent-5',
      target: { type: 'agent', agentId: 'agent-6' },
    });
    await h.waitFor('call.bridged', (d) => d.callId === callId && d.agentId === 'agent-6');
    const firstDone = await first.done;
    expect(firstDone.code, firstDone.stdout.slice(-1500)).toBe(0);
    await h.waitFor('call.ended', (d) => d.callId === callId, 15_000);
    const [c, s] = await Promise.all([call.done, second.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(s.code, s.stdout.slice(-1500)).toBe(0);
  });
});

describe('a caller who gives up', () => {
  it('CANCELs before the answer: 487, and the call ends as cancelled by the caller', async () => {
    const call = caller('uac_cancel.xml', 46050, 500);
    const callId = await nextCall();
    const ended = await h.waitFor('call.ended', (d) => d.callId === callId);
    expect(ended.data).toMatchObject({ cause: 'cancelled', by: 'caller', sipStatus: 487 });
    const c = await call.done;
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(h.edge.calls.has(callId)).toBe(false);
  });
});
