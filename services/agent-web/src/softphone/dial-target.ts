// What an agent may dial from the softphone: a colleague's extension or SIP user, or a number
// (digits with an optional +). The edge decides which it is (services/sip-edge directory).
const DIALABLE = /^(\+?[0-9*#]{1,32}|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

export function normalizeDialTarget(raw: string): string | null {
  const compact = raw.trim().replace(/[\s()-]/g, '');
  return DIALABLE.test(compact) ? compact : null;
}

/** DTMF keys RFC 4733 carries (events 0–15). */
export function isDtmfTones(tones: string): boolean {
  return /^[0-9*#A-Da-d]{1,32}$/.test(tones);
}
