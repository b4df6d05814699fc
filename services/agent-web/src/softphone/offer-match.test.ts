import { describe, expect, it } from 'vitest';
import { liveOffers, matchOffer, type PendingOffer } from './offer-match';

const offer = (callId: string, receivedAt: number): PendingOffer => ({
  reservationId: `r-${callId}`,
  callId,
  queueId: 'q1',
  ringTimeoutMs: 15_000,
  receivedAt,
});

describe('pairing an INVITE with the live offer', () => {
  it('uses X-Hotline-Call-Id when the INVITE has it', () => {
    const offers = [offer('call-a', 1000), offer('call-b', 5000)];
    expect(matchOffer(offers, { hotlineCallId: 'call-a', at: 5000 })?.callId).toBe('call-a');
  });

  it('does not fall back to timing when the header names another call (an internal call)', () => {
    expect(matchOffer([offer('call-a', 1000)], { hotlineCallId: 'call-z', at: 1000 })).toBeNull();
  });

  it('without the header, picks the offer nearest in time', () => {
    const offers = [offer('call-a', 1000), offer('call-b', 9000)];
    expect(matchOffer(offers, { hotlineCallId: null, at: 8000 })?.callId).toBe('call-b');
  });

  it('without the header, an INVITE long after any offer matches nothing', () => {
    expect(matchOffer([offer('call-a', 0)], { hotlineCallId: null, at: 60_000 })).toBeNull();
  });

  it('forgets offers whose ring time ran out', () => {
    expect(liveOffers([offer('old', 0), offer('new', 30_000)], 40_000).map((o) => o.callId)).toEqual(['new']);
  });
});
