import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, NUMBER, type Harness } from './support/edge-harness';
import { KAMAILIO, TRUNK_SIPP_PORT } from './support/media-plane';
import { sipp } from './support/sipp';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const kamailio = `${KAMAILIO.host}:${KAMAILIO.port}`;

describe('an inbound call through Kamailio and rtpengine', () => {
  it('is offered with ANI, DNIS and trunk, answered with a prompt, collects 1# and is hung up by the edge', async () => {
    const caller = sipp({
      scenario: 'uac_prompt_dtmf.xml',
      remote: kamailio,
      localPort: TRUNK_SIPP_PORT,
      mediaPort: 46000,
      service: NUMBER,
      timeoutMs: 20_000,
    });
    const offered = await h.waitFor('call.offered', (d) => d.dnis === NUMBER);
    expect(offered.data).toMatchObject({
      ani: '+15550111',
      direction: 'inbound',
      trunk: 'local',
      hotlineId: 'hotline-1',
    });
    expect(offered.tenantId).toBe('t1');
    const { callId } = offered.data;

    const collected = await h.command(callId, {
      action: 'collect',
      prompts: [{ kind: 'tts', text: 'Please enter your account number, then press hash.' }],
      bargeIn: true,
      digits: {
        minDigits: 1,
        maxDigits: 8,
        terminators: '#',
        firstDigitTimeoutMs: 8000,
        interDigitTimeoutMs: 3000,
      },
    });
    expect(collected).toMatchObject({ action: 'collect', outcome: 'done', digits: '1' });
    await h.waitFor('call.answered', (d) => d.callId === callId && d.answeredBy === 'ivr');

    const hangup = await h.command(callId, { action: 'hangup', cause: 'normal' });
    expect(hangup.outcome).toBe('done');
    const ended = await h.waitFor('call.ended', (d) => d.callId === callId);
    expect(ended.data).toMatchObject({ cause: 'normal', by: 'system' });
    const run = await caller.done;
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(h.edge.calls.size).toBe(0);
  });
});
