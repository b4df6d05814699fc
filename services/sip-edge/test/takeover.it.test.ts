import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, Registry } from '@hotline/platform';
import { startSipEdge, type SipEdge } from '../src/edge/start-sip-edge';
import { sipEdgeSettings } from '../src/settings';
import { kamailio, registeredAgent } from './support/agents';
import { NUMBER, startHarness, type Harness } from './support/edge-harness';
import { TRUNK_SIPP_PORT } from './support/media-plane';
import { sipp } from './support/sipp';
import { TestPhone } from './support/test-phone';

// Two call-control instances sharing live state and the bus. The one holding a bridged call dies
// without a word; the other notices its heartbeat is gone and ends the call cleanly.
const fast = { HOTLINE_SIP_TAKEOVER_CHECK_MS: '300', HOTLINE_SIP_INSTANCE_TTL_MS: '900' };
let h: Harness;
let survivor: SipEdge;

beforeAll(async () => {
  h = await startHarness({ ...fast, HOTLINE_SIP_INSTANCE: 'edge-a' });
  const settings = loadConfig(
    sipEdgeSettings,
    {
      ...fast,
      HOTLINE_SIP_INSTANCE: 'edge-b',
      HOTLINE_SIP_PORT: '5482',
      HOTLINE_SIP_DTMF_PORT: '5472',
      HOTLINE_SIP_DIRECTORY_PORT: '5483',
      HOTLINE_SIP_KAMAILIO_RPC: 'none',
      HOTLINE_SIP_PROMPT_DIR: join(mkdtempSync(join(tmpdir(), 'edge-b-')), 'prompts'),
    },
    { ownedPrefixes: [] },
  );
  survivor = await startSipEdge(
    {
      log: pino({ level: 'silent' }),
      bus: h.bus,
      store: h.store,
      live: h.live,
      metrics: new Registry(),
      siteId: 'site-1',
      shape: 'up',
    },
    settings,
    { commandGroup: 'sip-edge-it-survivor' },
  );
});

afterAll(async () => {
  await survivor?.stop();
  await h?.close();
});

describe('several instances', () => {
  it("forwards a caller's digits to the instance holding the call (rtpengine reports them to one)", async () => {
    // A call placed straight at the second instance; rtpengine's DTMF reports go to the first.
    const phone = await TestPhone.open(5484);
    try {
      const answered = phone.call(`sip:${NUMBER}@127.0.0.1:5482`, { host: '127.0.0.1', port: 5482 });
      const { callId } = (await h.waitFor('call.offered', () => true)).data;
      expect(survivor.calls.has(callId)).toBe(true);
      const collected = h.command(callId, {
        action: 'collect',
        prompts: [],
        bargeIn: true,
        digits: {
          minDigits: 1,
          maxDigits: 1,
          terminators: '#',
          firstDigitTimeoutMs: 5000,
          interDigitTimeoutMs: 2000,
        },
      });
      await answered;
      const report = JSON.stringify({
        callid: callId,
        source_tag: 'caller',
        type: 'DTMF',
        event: 7,
        duration: 200,
        volume: 10,
      });
      const socket = createSocket('udp4');
      socket.send(report, 5470, '127.0.0.1', () => socket.close());
      expect(await collected).toMatchObject({ outcome: 'done', digits: '7' });
      await h.command(callId, { action: 'hangup', cause: 'normal' });
      await h.waitFor('call.ended', (d) => d.callId === callId);
    } finally {
      await phone.close();
    }
  });
});

describe('an instance that dies', () => {
  it('has its calls ended cleanly by another: BYE to caller and agent, media released, call.ended', async () => {
    const agent = await registeredAgent(h, {
      agentId: 'agent-t',
      username: 'agentt',
      port: 5485,
      mediaPort: 47800,
      scenario: 'agent_answer.xml',
    });
    const caller = sipp({
      scenario: 'uac_wait_bye.xml',
      remote: kamailio,
      localPort: TRUNK_SIPP_PORT,
      mediaPort: 47810,
      service: NUMBER,
      timeoutMs: 20_000,
    });
    // The call of the test before has ended: this is the next one.
    const finished = (id: string) => h.events.some((e) => e.type === 'call.ended' && e.data.callId === id);
    const { callId } = (await h.waitFor('call.offered', (d) => !finished(d.callId))).data;
    expect(
      (
        await h.command(callId, {
          action: 'bridge',
          target: { type: 'agent', agentId: 'agent-t' },
          ringTimeoutMs: 8000,
        })
      ).outcome,
    ).toBe('done');
    expect(await h.live.hget(`sip-edge:call:${callId}`, 'owner')).toBe('edge-a');

    await h.edge.kill();
    const ended = await h.waitFor('call.ended', (d) => d.callId === callId, 10_000);
    expect(ended.data).toMatchObject({ cause: 'failed', by: 'system' });
    const [c, a] = await Promise.all([caller.done, agent.done]);
    expect(c.code, c.stdout.slice(-1500)).toBe(0);
    expect(a.code, a.stdout.slice(-1500)).toBe(0);
    expect(await h.live.hget(`sip-edge:call:${callId}`, 'owner')).toBeNull();
  });
});
