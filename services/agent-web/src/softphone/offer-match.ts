// The ACD tells the agent's browser about a call twice: an `offer` on the live channel (with the
// screen pop) and the SIP INVITE the edge sends to the softphone. The edge stamps the INVITE with
// X-Hotline-Call-Id; when a proxy strips it, the two are paired by time instead (an agent is
// reserved for one call at a time, so the offer nearest in time is the one).

export interface PendingOffer {
  reservationId: string;
  callId: string;
  queueId: string;
  ringTimeoutMs: number;
  receivedAt: number;
}

export interface InviteSeen {
  /** X-Hotline-Call-Id, null when the INVITE carries none. */
  hotlineCallId: string | null;
  at: number;
}

/** How far apart an offer and an INVITE without a call id may arrive and still be paired. */
export const TIMING_WINDOW_MS = 10_000;

export function offerMatches(offer: PendingOffer, invite: InviteSeen): boolean {
  if (invite.hotlineCallId !== null) return invite.hotlineCallId === offer.callId;
  const window = Math.max(TIMING_WINDOW_MS, offer.ringTimeoutMs);
  return Math.abs(invite.at - offer.receivedAt) <= window;
}

/** The offer an INVITE answers: by call id, else the one nearest in time. */
export function matchOffer<T extends PendingOffer>(offers: readonly T[], invite: InviteSeen): T | null {
  let best: T | null = null;
  for (const o of offers) {
    if (!offerMatches(o, invite)) continue;
    if (invite.hotlineCallId !== null) return o;
    if (!best || Math.abs(invite.at - o.receivedAt) < Math.abs(invite.at - best.receivedAt)) best = o;
  }
  return best;
}

/** Offers still worth keeping: their ring time (plus the pairing window) has not run out. */
export function liveOffers<T extends PendingOffer>(offers: readonly T[], now: number): T[] {
  return offers.filter((o) => now - o.receivedAt <= o.ringTimeoutMs + TIMING_WINDOW_MS);
}
