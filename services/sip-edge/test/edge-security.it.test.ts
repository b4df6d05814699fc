import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailio } from './support/agents';
import { REALM, startHarness, type Harness } from './support/edge-harness';
import { KAMAILIO } from './support/media-plane';
import { sipp } from './support/sipp';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.provisionAgent('agent-sec', 'agentsec');
});

afterAll(async () => {
  await h?.close();
});

describe('the edge proxy refuses what it must', () => {
  it('answers malformed requests with 400/483, ignores scanners, and refuses unauthenticated INVITEs (407, then 403)', async () => {
    const run = await sipp({
      scenario: 'malformed_refused.xml',
      remote: kamailio,
      localPort: 5495,
      mediaPort: 46700,
      service: 'agentsec',
      extra: ['-key', 'realm', REALM, '-au', 'agentsec', '-ap', 'not-the-password'],
      timeoutMs: 15_000,
    }).done;
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
    expect(h.events.filter((e) => e.type === 'call.offered')).toHaveLength(0);
  });

  it('challenges a REGISTER without credentials and refuses one with a wrong password', async () => {
    const run = await sipp({
      scenario: 'register_refused.xml',
      remote: kamailio,
      localPort: 5495,
      mediaPort: 46710,
      service: 'agentsec',
      extra: ['-key', 'realm', REALM, '-au', 'agentsec', '-ap', 'not-the-password'],
      timeoutMs: 10_000,
    }).done;
    expect(run.code, run.stdout.slice(-2000)).toBe(0);
  });

  it('drops a flood from one untrusted address (pike) while others still get answers', async () => {
    // 127.0.0.2 is loopback too: the flooder is a different source than the test's other traffic.
    const flooder = createSocket('udp4');
    await new Promise<void>((resolve) => flooder.bind(0, '127.0.0.2', resolve));
    let answered = 0;
    flooder.on('message', () => (answered += 1));
    const sent = 150;
    for (let i = 0; i < sent; i++) {
      const options = [
        `OPTIONS sip:${KAMAILIO.host}:${KAMAILIO.port} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.2:${flooder.address().port};branch=z9hG4bKflood${i}`,
        'Max-Forwards: 70',
        `From: <sip:flood@127.0.0.2>;tag=f${i}`,
        `To: <sip:${KAMAILIO.host}:${KAMAILIO.port}>`,
        `Call-ID: flood-${i}-${Date.now()}`,
        `CSeq: ${i + 1} OPTIONS`,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      flooder.send(options, KAMAILIO.port, KAMAILIO.host);
    }
    await new Promise((r) => setTimeout(r, 800));
    flooder.close();
    // Pike lets the first requests of a 2 s window through, then drops the rest unanswered.
    expect(answered).toBeGreaterThan(0);
    expect(answered).toBeLessThan(sent / 2);
    const ping = await import('node:child_process');
    const ok = await new Promise<number | null>((resolve) => {
      const p = ping.spawn('node', [
        new URL('../../../infra/local/kamailio/sip-ping.mjs', import.meta.url).pathname,
        KAMAILIO.host,
        String(KAMAILIO.port),
        '1500',
      ]);
      p.on('exit', resolve);
    });
    expect(ok).toBe(0);
  });
});
