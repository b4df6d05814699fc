import { isHostAllowed } from '../allowed-hosts';
import type { HttpRequest, HttpResult } from './engine-types';

const maxBodyBytes = 256 * 1024;

export interface HttpLookupOptions {
  /** Hosts (host[:port]) the tenant allows; anything else is refused before a socket opens. */
  allowedHosts: readonly string[];
  fetch?: typeof fetch;
}

/**
 * Carries out a CRM lookup for the http-lookup node. Every failure is an answer, not an exception,
 * because the flow has a fallback branch for it: a refused host, a timeout, a non-2xx status, a
 * body that is too big or not JSON. Redirects are refused, since one could lead off the allowed
 * hosts.
 */
export async function performHttpLookup(
  request: HttpRequest,
  options: HttpLookupOptions,
): Promise<HttpResult> {
  if (!isHostAllowed(request.url, options.allowedHosts)) {
    return { ok: false, reason: `host not allowed: ${safeHost(request.url)}` };
  }
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(request.url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: request.body }),
      redirect: 'error',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = await response.text();
    if (!response.ok) return { ok: false, reason: `HTTP ${response.status}` };
    if (Buffer.byteLength(text) > maxBodyBytes) return { ok: false, reason: 'answer too large' };
    try {
      return { ok: true, status: response.status, body: JSON.parse(text) as unknown };
    } catch {
      return { ok: false, reason: 'answer is not JSON' };
    }
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError')
      return { ok: false, reason: `timeout after ${request.timeoutMs} ms` };
    return { ok: false, reason: `request failed: ${(err as Error).message}` };
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid URL';
  }
}
