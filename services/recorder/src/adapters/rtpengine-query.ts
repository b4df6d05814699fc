import { randomUUID } from 'node:crypto';
import type { CallerMedia } from '../media/capture-to-wav';

// rtpengine's ng protocol over its HTTP listener (POST /ng, "<cookie> <message>"): rtpengine
// 10.5 accepts a JSON message there as well as bencode and answers in kind, so no bencode codec
// is needed for the one command the recorder sends. The cookie must be unique per request:
// rtpengine caches replies by cookie.

/** Where the caller's media meets rtpengine, from ng `query`; null if no instance knows the call. */
export async function queryCallerMedia(
  urls: readonly string[],
  callId: string,
  timeoutMs = 2000,
): Promise<CallerMedia | null> {
  for (const url of urls) {
    const reply = await ngCommand(url, { command: 'query', 'call-id': callId }, timeoutMs).catch(() => null);
    if (!reply || reply.result !== 'ok') continue;
    const media = callerMediaOf(reply);
    if (media) return media;
  }
  return null;
}

type Json = Record<string, unknown>;

export async function ngCommand(url: string, message: Json, timeoutMs: number): Promise<Json> {
  const cookie = randomUUID();
  const response = await fetch(`${url.replace(/\/$/, '')}/ng`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-rtpengine-ng' },
    body: `${cookie} ${JSON.stringify(message)}`,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`rtpengine ${url}: HTTP ${response.status}`);
  if (!text.startsWith(`${cookie} `)) throw new Error(`rtpengine ${url}: reply for another cookie`);
  return JSON.parse(text.slice(cookie.length + 1)) as Json;
}

/** The "caller" monologue's streams (sip-edge names the caller's from-tag "caller"). */
export function callerMediaOf(reply: Json): CallerMedia | null {
  const tags = reply.tags as Record<string, Json> | undefined;
  const caller = tags?.caller;
  if (!caller) return null;
  const localPorts: number[] = [];
  const endpoints: string[] = [];
  for (const media of (caller.medias as Json[] | undefined) ?? []) {
    for (const stream of (media.streams as Json[] | undefined) ?? []) {
      const port = stream['local port'];
      if (typeof port === 'number' && port > 0) localPorts.push(port);
      const endpoint = stream.endpoint as Json | undefined;
      if (typeof endpoint?.address === 'string' && typeof endpoint.port === 'number' && endpoint.port > 0) {
        endpoints.push(`${endpoint.address}:${endpoint.port}`);
      }
    }
  }
  return localPorts.length > 0 || endpoints.length > 0 ? { localPorts, endpoints } : null;
}
