// The call command "originate" (callbacks) through the real Kamailio and rtpengine: the edge
// dials a number with an offerless INVITE, Kamailio sends it to the carrier gateway (the local
// PSTN stand-in on KAMAILIO_GATEWAYS' default port), the far end offers in its 200 OK and the edge
// answers in the ACK; then the call takes commands like any caller's.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NUMBER, startHarness, type Harness } from './support/edge-harness';
import { GATEWAY_PORT } from './support/media-plane';
import { TestPhone } from './support/test-phone';
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

const newCallId = () => `cb-${randomBytes(4).toString('hex')}.call`;

describe('calls the edge places (originate)', () => {
  it('reaches the number through the gateway, hears it and is heard, and hangs up', async () => {
    const far = await TestPhone.open(GATEWAY_PORT);
    try {
      const answered = far.answerNext(300);
      const callId = newCallId();
      const placed = h.command(callId, {
        action: 'originate',
        number: '+15557654321',
        callerId: NUMBER,
        ringTimeoutMs: 10_000,
      });
      const dialog = await answered;
      expect(await placed).toMatchObject({ action: 'originate', outcome: 'done' });
      // The INVITE reached the gateway without an offer, from the hotline's number.
      const offered = await h.waitFor('call.offered', (d) => d.callId === callId);
      expect(offered.data).toMatchObject({ direction: 'outbound', ani: NUMBER, dnis: '+15557654321' });
      expect((await h.waitFor('call.answered', (d) => d.callId === callId)).data.answeredBy).toBe('external');
      expect(dialog.ackBody?.toString()).toContain('m=audio');

      // What the far end says reaches the edge (its keys drive a collect) ...
      const collecting = h.command(callId, {
        action: 'collect',
        prompts: [],
        bargeIn: true,
        digits: {
          minDigits: 1,
          maxDigits: 1,
          terminators: '#',
          firstDigitTimeoutMs: 8000,
          interDigitTimeoutMs: 3000,
        },
      });
      await new Promise((r) => setTimeout(r, 500));
      await far.sendDtmf('7');
      expect(await collecting).toMatchObject({ outcome: 'done', digits: '7' });
      // ... and what the edge plays reaches the far end: music on hold, audible.
      const since = Date.now();
      expect((await h.command(callId, { action: 'music-on-hold', on: true })).outcome).toBe('done');
      await new Promise((r) => setTimeout(r, 1500));
      const heard = far.heard(since);
      expect(heard.length).toBeGreaterThan(4000);
      const energy = heard.reduce((sum, x) => sum + x * x, 0) / heard.length;
      expect(energy).toBeGreaterThan(1000);

      expect((await h.command(callId, { action: 'hangup', cause: 'normal' })).outcome).toBe('done');
      expect((await h.waitFor('call.ended', (d) => d.callId === callId)).data).toMatchObject({
        cause: 'normal',
        by: 'system',
      });
      expect(h.edge.calls.has(callId)).toBe(false);
    } finally {
      await far.close();
    }
  }, 30_000);

  it('reports a busy number as busy, and holds no call for it', async () => {
    const far = await TestPhone.open(GATEWAY_PORT);
    try {
      far.ua.onInvite = (invite) => invite.reject(486);
      const callId = newCallId();
      const done = await h.command(callId, {
        action: 'originate',
        number: '+15557654322',
        ringTimeoutMs: 10_000,
      });
      expect(done).toMatchObject({ outcome: 'busy', error: expect.stringContaining('486') });
      expect(h.events.some((e) => e.type === 'call.offered' && e.data.callId === callId)).toBe(false);
      expect(h.edge.calls.has(callId)).toBe(false);
    } finally {
      await far.close();
    }
  }, 20_000);

  it('gives up at the ring timeout with a CANCEL: no answer', async () => {
    const far = await TestPhone.open(GATEWAY_PORT);
    try {
      let cancelled = false;
      far.ua.onInvite = (invite) => {
        invite.progress(180);
        invite.onCancel = () => (cancelled = true);
      };
      const done = await h.command(newCallId(), {
        action: 'originate',
        number: '+15557654323',
        ringTimeoutMs: 1500,
      });
      expect(done.outcome).toBe('no-answer');
      expect(cancelled).toBe(true);
    } finally {
      await far.close();
    }
  }, 20_000);
});
