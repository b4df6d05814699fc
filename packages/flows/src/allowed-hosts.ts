// CRM lookups leave the cluster with tenant-written URLs, so the host is fixed by the flow
// author (never taken from a variable a caller could influence) and must be on the tenant's
// allowed list; anything else would let a flow probe internal services.

export type HostCheck = { ok: true; host: string } | { ok: false; message: string };

/** The host a URL template reaches, provided the scheme and host are literal text. */
export function allowedHostOf(urlTemplate: string): HostCheck {
  const match = /^(https?):\/\/([^/?#{}]+)(?=[/?#]|$)/i.exec(urlTemplate);
  if (!match) {
    return {
      ok: false,
      message: 'the URL must start with http:// or https:// and a literal host (no {{ }} before the path)',
    };
  }
  try {
    return { ok: true, host: new URL(`${match[1]}://${match[2]}`).host.toLowerCase() };
  } catch {
    return { ok: false, message: `"${match[2]}" is not a valid host` };
  }
}

/** Whether a rendered URL may be fetched: same check at run time, on the final URL. */
export function isHostAllowed(url: string, allowedHosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  const host = parsed.host.toLowerCase();
  return allowedHosts.some((allowed) => allowed.toLowerCase() === host);
}
