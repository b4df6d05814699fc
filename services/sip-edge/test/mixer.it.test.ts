import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailio } from './support/agents';
import { AGENT_PASSWORD, NUMBER, REALM, startHarness, type Harness } from './support/edge-harness';
import { KAMAILIO, TRUNK_PHONE_PORT } from './support/media-plane';
import { sipp } from './support/sipp';
import { TestPhone, toneEnergy } from './support/test-phone';

// Calls in the edge's mixer, heard through real rtpengine: each phone sends its own tone, and
// what each one receives says whom it hears.
let h: Harness;
let caller: TestPhone;
let agent: TestPhone;
let third: TestPhone;

async function registeredPhone(agentId: string, username: string, port: number): Promise<TestPhone> {
  await h.provisionAgent(agentId, username);
  const register = await sipp({
    scenario: 'agent_register.xml',
    remote: kamailio,
    localPort: port,
    mediaPort: 47900 + (port % 100),
    service: username,
    extra: ['-key', 'realm', REALM, '-au', username, '-ap', AGENT_PASSWORD],
    timeoutMs: 8000,
  }).done;
  if (register.code !== 0) throw new Error(`${username} did not register: ${register.stdout.slice(-800)}`);
  return TestPhone.open(port);
}

beforeAll(async () => {
  h = await startHarness();
  caller = await TestPhone.open(TRUNK_PHONE_PORT);
  agent = await registeredPhone('agent-m1', 'agentm1', 5492);
  third = await registeredPhone('agent-m2', 'agentm2', 5486);
});

afterAll(async () => {
  await Promise.all([caller, agent, third].filter(Boolean).map((p) => p.close()));
  await h?.close();
});

const FREQ = { caller: 440, agent: 1300, third: 2000 };

/** A caller bridged to agent-m1; resolves the call id. */
async function bridgedCall(): Promise<string> {
  const agentAnswered = agent.answerNext(50);
  const answered = caller.call(`sip:${NUMBER}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO);
  const offered = await h.waitFor(
    'call.offered',
    (d) => !h.events.some((e) => e.type === 'call.ended' && e.data.callId === d.callId),
  );
  const callId = offered.data.callId;
  expect(
    (
      await h.command(callId, {
        action: 'bridge',
        target: { type: 'agent', agentId: 'agent-m1' },
        ringTimeoutMs: 8000,
      })
    ).outcome,
  ).toBe('done');
  await Promise.all([answered, agentAnswered]);
  return callId;
}

/** Who `phone` heard over `ms`: the energy of each party's tone. */
async function listen(
  ms: number,
): Promise<Record<'caller' | 'agent' | 'third', Record<keyof typeof FREQ, number>>> {
  const since = Date.now() + 300;
  await new Promise((r) => setTimeout(r, ms));
  const heardBy = (phone: TestPhone) => {
    const audio = phone.heard(since);
    return {
      caller: toneEnergy(audio, FREQ.caller),
      agent: toneEnergy(audio, FREQ.agent),
      third: toneEnergy(audio, FREQ.third),
    };
  };
  return { caller: heardBy(caller), agent: heardBy(agent), third: heardBy(third) };
}

const hears = (energy: Record<string, number>, party: string, over: string) =>
  energy[party]! > 20 * energy[over]!;

describe('the mixer', () => {
  it('lets a supervisor whisper: the agent hears caller and supervisor, the caller only the agent', async () => {
    const callId = await bridgedCall();
    const supervisorAnswered = third.answerNext(50);
    const whisper = await h.command(callId, {
      action: 'supervise',
      mode: 'whisper',
      supervisorId: 'agent-m2',
    });
    expect(whisper.outcome).toBe('done');
    await supervisorAnswered;
    caller.sendTone(FREQ.caller);
    agent.sendTone(FREQ.agent);
    third.sendTone(FREQ.third);
    const heard = await listen(1500);
    for (const p of [caller, agent, third]) p.stopTone();

    expect(hears(heard.caller, 'agent', 'third')).toBe(true);
    expect(hears(heard.agent, 'caller', 'agent')).toBe(true);
    expect(hears(heard.agent, 'third', 'agent')).toBe(true);
    expect(hears(heard.third, 'caller', 'third')).toBe(true);
    expect(hears(heard.third, 'agent', 'third')).toBe(true);

    await h.command(callId, { action: 'hangup', cause: 'normal' });
    await h.waitFor('call.ended', (d) => d.callId === callId);
  });

  it('transfers attended: caller on music while agent and target talk, then caller and target', async () => {
    const callId = await bridgedCall();
    const targetAnswered = third.answerNext(50);
    const transfer = await h.command(callId, {
      action: 'transfer',
      kind: 'consultative',
      target: { type: 'agent', agentId: 'agent-m2' },
    });
    expect(transfer.outcome).toBe('done');
    await targetAnswered;
    caller.sendTone(FREQ.caller);
    agent.sendTone(FREQ.agent);
    third.sendTone(FREQ.third);
    const consulting = await listen(1200);
    expect(hears(consulting.agent, 'third', 'caller')).toBe(true);
    expect(hears(consulting.third, 'agent', 'caller')).toBe(true);
    // The caller hears neither of them (only the hold music's chime).
    expect(consulting.caller.agent).toBeLessThan(consulting.agent.third / 20);
    expect(consulting.caller.third).toBeLessThan(consulting.agent.third / 20);

    agent.stopTone();
    await agent.dialog!.bye();
    const transferred = await h.waitFor('call.transferred', (d) => d.callId === callId);
    expect(transferred.data).toMatchObject({
      kind: 'consultative',
      fromAgentId: 'agent-m1',
      target: { type: 'agent', agentId: 'agent-m2' },
    });
    const after = await listen(1200);
    for (const p of [caller, third]) p.stopTone();
    expect(hears(after.caller, 'third', 'agent')).toBe(true);
    expect(hears(after.third, 'caller', 'agent')).toBe(true);

    await h.command(callId, { action: 'hangup', cause: 'normal' });
    await h.waitFor('call.ended', (d) => d.callId === callId);
  });
});
