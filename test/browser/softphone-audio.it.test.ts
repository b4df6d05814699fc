import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipHa1 } from '../../packages/provisioning/src/sip-digest';
import {
  AGENT_PASSWORD,
  NUMBER,
  REALM,
  startHarness,
  type Harness,
} from '../../services/sip-edge/test/support/edge-harness';
import { KAMAILIO, TRUNK_PHONE_PORT } from '../../services/sip-edge/test/support/media-plane';
import { TestPhone, toneEnergy } from '../../services/sip-edge/test/support/test-phone';
import {
  audioHeard,
  MICROPHONE_TONE_HZ,
  resetAudio,
  TestBrowser,
  type BrowserPage,
} from '../support/browser';
import { serveSoftphonePage, type SoftphonePage } from '../support/softphone-page';

// The browser media path on its own, without the desk: headless Chromium running JsSIP registers
// over WSS (Kamailio's self-signed certificate) with its HA1, is bridged to a caller by sip-edge,
// and the two hear each other through rtpengine (DTLS-SRTP + ICE toward the browser, PCMA toward
// the caller). Run under `flock /tmp/hotline-sip.lock` (fixed sip-edge ports, one Kamailio).
const WSS = `wss://127.0.0.1:${process.env.KAMAILIO_WSS_PORT ?? 8461}`;
const CALLER_TONE_HZ = 440;
const USER = 'agentbrowser';

let h: Harness;
let browser: TestBrowser;
let softphone: SoftphonePage;
let agent: BrowserPage;
let caller: TestPhone;

beforeAll(async () => {
  h = await startHarness();
  await h.provisionAgent('agent-browser', USER);
  [browser, softphone, caller] = await Promise.all([
    TestBrowser.launch(),
    serveSoftphonePage(),
    TestPhone.open(TRUNK_PHONE_PORT),
  ]);
});

afterAll(async () => {
  await caller?.close();
  await browser?.close();
  await softphone?.close();
  await h?.close();
});

describe('a browser softphone (Chromium + JsSIP over WSS)', () => {
  it('registers over WSS with the HA1 it was given, accepting the self-signed certificate', async () => {
    agent = await browser.newPage({ name: 'softphone' });
    await agent.page.goto(
      softphone.url({
        ws: WSS,
        uri: `sip:${USER}@${REALM}`,
        realm: REALM,
        ha1: sipHa1(USER, REALM, AGENT_PASSWORD),
      }),
    );
    await agent.page
      .waitForFunction('window.softphone.registered || window.softphone.failures.length > 0', null, {
        timeout: 10_000,
      })
      .catch(() => undefined);
    const state = (await agent.page.evaluate('window.softphone')) as {
      registered: boolean;
      failures: string[];
    };
    expect(state, browser.logs()).toMatchObject({ registered: true, failures: [] });
  });

  it('hears the caller and is heard: 440 Hz reaches the browser, its microphone reaches the caller', async () => {
    const answered = caller.call(`sip:${NUMBER}@${KAMAILIO.host}:${KAMAILIO.port}`, KAMAILIO);
    const { callId } = (await h.waitFor('call.offered', () => true)).data;
    const bridged = await h.command(callId, {
      action: 'bridge',
      target: { type: 'agent', agentId: 'agent-browser' },
      ringTimeoutMs: 8000,
    });
    expect(bridged.outcome, browser.logs()).toBe('done');
    await answered;
    await agent.page.waitForFunction("window.softphone.calls.at(-1)?.state === 'confirmed'", null, {
      timeout: 5000,
    });

    caller.sendTone(CALLER_TONE_HZ);
    // DTLS and the first packets settle within a few hundred ms (webrtc-lab numbers): measure after.
    await new Promise((r) => setTimeout(r, 500));
    const since = Date.now();
    await resetAudio(agent.page);
    await new Promise((r) => setTimeout(r, 1500));
    const heard = await audioHeard(agent.page, [CALLER_TONE_HZ, MICROPHONE_TONE_HZ]);
    caller.stopTone();
    const callerHeard = caller.heard(since);

    const detail = `${JSON.stringify(heard)}\n${browser.logs()}`;
    expect(heard.inbound.packetsReceived, detail).toBeGreaterThan(50);
    expect(heard.tracks, detail).toBe(1);
    // The caller's tone dominates what the browser plays; its own microphone does not come back.
    expect(heard.tones[CALLER_TONE_HZ]!, detail).toBeGreaterThan(20 * heard.tones[MICROPHONE_TONE_HZ]!);
    // The caller hears the browser's microphone (1300 Hz), not its own tone.
    expect(callerHeard.length).toBeGreaterThan(8000);
    expect(toneEnergy(callerHeard, MICROPHONE_TONE_HZ)).toBeGreaterThan(
      20 * toneEnergy(callerHeard, CALLER_TONE_HZ),
    );

    await h.command(callId, { action: 'hangup', cause: 'normal' });
    await h.waitFor('call.ended', (d) => d.callId === callId);
    await agent.page.waitForFunction("window.softphone.calls.at(-1)?.state === 'ended'", null, {
      timeout: 5000,
    });
  });
});
