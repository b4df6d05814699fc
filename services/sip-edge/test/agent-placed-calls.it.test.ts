import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailio, registeredAgent } from './support/agents';
import { AGENT_PASSWORD, REALM, startHarness, type Harness } from './support/edge-harness';
import { sipp } from './support/sipp';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.provisionAgent('agent-caller', 'agentcaller', '209');
});

afterAll(async () => {
  await h?.close();
});

/** agentcaller's phone dials `dialled`, authenticating with its provisioned password. */
function agentDials(dialled: string, mediaPort: number) {
  return sipp({
    scenario: 'agent_call.xml',
    remote: kamailio,
    localPort: 5488,
    mediaPort,
    service: dialled,
    extra: [
      '-key',
      'realm',
      REALM,
      '-au',
      'agentcaller',
      '-ap',
      AGENT_PASSWORD,
      '-key',
      'user',
      'agentcaller',
      '-d',
      '1200',
    ],
    timeoutMs: 15_000,
  });
}

describe('calls agents place', () => {
  it("reaches a colleague's phone by extension, with no IVR in between", async () => {
    const colleague = await registeredAgent(h, {
      agentId: 'agent-208',
      username: 'agent208',
      extension: '208',
      port: 5487,
      mediaPort: 46900,
      scenario: 'agent_answer.xml',
    });
    const caller = agentDials('208', 46910);
    const offered = await h.waitFor('call.offered', (d) => d.dnis === '208');
    expect(offered.data).toMatchObject({ direction: 'internal', ani: 'agentcaller' });
    const { callId } = offered.data;
    expect((await h.waitFor('call.bridged', (d) => d.callId === callId)).data.agentId).toBe('agent-208');
    expect((await h.waitFor('call.ended', (d) => d.callId === callId, 10_000)).data).toMatchObject({
      cause: 'caller-hangup',
      by: 'caller',
    });
    const [c, a] = await Promise.all([caller.done, colleague.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(a.code, a.stdout.slice(-1500)).toBe(0);
  });

  it('reaches an outside number through the gateway', async () => {
    // The local PSTN stand-in Kamailio's gateway set points at (KAMAILIO_GATEWAYS default).
    const pstn = sipp({
      scenario: 'uas_echo.xml',
      localPort: 5489,
      mediaPort: 46920,
      extra: ['-rtp_echo'],
      timeoutMs: 15_000,
    });
    const caller = agentDials('+15557654321', 46930);
    const offered = await h.waitFor('call.offered', (d) => d.dnis === '+15557654321');
    expect(offered.data.direction).toBe('outbound');
    const { callId } = offered.data;
    const answered = await h.waitFor('call.answered', (d) => d.callId === callId);
    expect(answered.data.answeredBy).toBe('external');
    await h.waitFor('call.ended', (d) => d.callId === callId, 10_000);
    const [c, p] = await Promise.all([caller.done, pstn.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(p.code, p.stdout.slice(-1500)).toBe(0);
  });
});
