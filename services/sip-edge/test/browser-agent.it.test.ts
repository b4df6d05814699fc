import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sipHa1 } from '@hotline/provisioning';
import { kamailio } from './support/agents';
import { AGENT_PASSWORD, NUMBER, REALM, startHarness, type Harness } from './support/edge-harness';
import { TRUNK_SIPP_PORT } from './support/media-plane';
import { sipp } from './support/sipp';
import { digestAuthorization, WsSipClient } from './support/ws-sip-client';

// A browser softphone's view: SIP over secure WebSocket to Kamailio (wss on 8461, self-signed
// certificate made by infra/local/kamailio.sh), digest auth against the provisioned HA1, and a
// call offered with what WebRTC needs (DTLS-SRTP, ICE, rtcp-mux).
let h: Harness;
let ws: WsSipClient;
const user = 'agentw';

beforeAll(async () => {
  h = await startHarness();
  await h.provisionAgent('agent-w', user);
  ws = await WsSipClient.connect('127.0.0.1', Number(process.env.KAMAILIO_WSS_PORT ?? 8461));
});

afterAll(async () => {
  ws?.close();
  await h?.close();
});

function register(cseq: number, authorization?: string, as = user): string {
  const tag = randomBytes(4).toString('hex');
  return [
    `REGISTER sip:${REALM} SIP/2.0`,
    `Via: SIP/2.0/WSS abc123.invalid;branch=z9hG4bK${randomBytes(6).toString('hex')}`,
    'Max-Forwards: 70',
    `From: <sip:${as}@${REALM}>;tag=${tag}`,
    `To: <sip:${as}@${REALM}>`,
    `Call-ID: ws-register-${as}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${as}@abc123.invalid;transport=ws>;expires=300`,
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'User-Agent: hotline-test-browser',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

const header = (message: string, name: string) =>
  new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(message)?.[1]?.trim() ?? '';

describe('an agent in a browser (SIP over WSS)', () => {
  it('registers with digest auth over secure WebSocket', async () => {
    ws.send(register(1));
    const challenge = await ws.next((m) => m.startsWith('SIP/2.0 401'));
    const authorization = digestAuthorization({
      challenge: header(challenge, 'WWW-Authenticate'),
      method: 'REGISTER',
      uri: `sip:${REALM}`,
      username: user,
      ha1: sipHa1(user, REALM, AGENT_PASSWORD),
    });
    ws.send(register(2, authorization));
    const ok = await ws.next((m) => m.startsWith('SIP/2.0 200'));
    expect(header(ok, 'Contact')).toContain(`sip:${user}@abc123.invalid`);
  });

  it('refuses a user that does not exist, even one answering with the placeholder HA1 of zeros', async () => {
    const nobody = 'nobody-here';
    ws.send(register(1, undefined, nobody));
    const challenge = await ws.next((m) => m.startsWith('SIP/2.0 401'));
    const authorization = digestAuthorization({
      challenge: header(challenge, 'WWW-Authenticate'),
      method: 'REGISTER',
      uri: `sip:${REALM}`,
      username: nobody,
      ha1: '0'.repeat(32),
    });
    ws.send(register(2, authorization, nobody));
    const refused = await ws.next((m) => /^SIP\/2\.0 [1-6]\d\d/.test(m) && !m.startsWith('SIP/2.0 100'));
    expect(refused).toMatch(/^SIP\/2\.0 403/);
  });

  it('is offered a call with DTLS-SRTP, ICE and rtcp-mux, and its refusal reaches the IVR as busy', async () => {
    const caller = sipp({
      scenario: 'uac_wait_bye.xml',
      remote: kamailio,
      localPort: TRUNK_SIPP_PORT,
      mediaPort: 47700,
      service: NUMBER,
      timeoutMs: 15_000,
    });
    const { callId } = (await h.waitFor('call.offered', () => true)).data;
    const bridge = h.command(callId, {
      action: 'bridge',
      target: { type: 'agent', agentId: 'agent-w' },
      ringTimeoutMs: 8000,
    });
    const invite = await ws.next((m) => m.startsWith('INVITE '));
    const sdp = invite.slice(invite.indexOf('\r\n\r\n') + 4);
    expect(sdp).toMatch(/m=audio \d+ UDP\/TLS\/RTP\/SAVPF/);
    expect(sdp).toMatch(/a=fingerprint:sha-256 /);
    expect(sdp).toMatch(/a=ice-ufrag:/);
    expect(sdp).toMatch(/a=rtcp-mux/);
    expect(sdp).toMatch(/a=setup:active/);
    const busy = [
      'SIP/2.0 486 Busy Here',
      ...invite.split('\r\n').filter((l) => /^(Via|From|Call-ID|CSeq):/i.test(l)),
      `To: ${header(invite, 'To')};tag=${randomBytes(4).toString('hex')}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    ws.send(busy);
    expect((await bridge).outcome).toBe('busy');
    await h.command(callId, { action: 'hangup', cause: 'normal' });
    const run = await caller.done;
    expect(run.code, run.stdout.slice(-1500)).toBe(0);
  });
});
