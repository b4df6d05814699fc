// SIP messages (RFC 3261 §7) as the rest of the stack sees them: a start line, an ordered header
// list with lower-case full names (compact forms expanded), and a raw body.

export type HeaderList = [name: string, value: string][];

export interface SipRequest {
  readonly kind: 'request';
  method: string;
  uri: string;
  headers: HeaderList;
  body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  status: number;
  reason: string;
  headers: HeaderList;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Where a message came from or goes to (UDP). */
export interface SipAddress {
  host: string;
  port: number;
}

/** RFC 3261 §7.3.3 compact header names. */
const compactNames: Record<string, string> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
  u: 'allow-events',
};

export function canonicalHeaderName(name: string): string {
  const lower = name.toLowerCase();
  return compactNames[lower] ?? lower;
}

/** How header names are written on the wire (the usual capitalisation; SIP is case-insensitive). */
const wireNames: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'max-forwards': 'Max-Forwards',
  rack: 'RAck',
  rseq: 'RSeq',
};

export function wireHeaderName(name: string): string {
  return (
    wireNames[name] ?? name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase())
  );
}

/** Headers that may be combined as a comma-separated list (RFC 3261 §7.3.1). */
const listHeaders = new Set([
  'via',
  'route',
  'record-route',
  'contact',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'allow-events',
]);

export function isListHeader(name: string): boolean {
  return listHeaders.has(name);
}

export function header(message: SipMessage, name: string): string | undefined {
  const wanted = canonicalHeaderName(name);
  for (const [n, v] of message.headers) if (n === wanted) return v;
  return undefined;
}

/** Every value of a header, list headers split on top-level commas. */
export function headerValues(message: SipMessage, name: string): string[] {
  const wanted = canonicalHeaderName(name);
  const out: string[] = [];
  for (const [n, v] of message.headers) {
    if (n !== wanted) continue;
    if (isListHeader(n)) out.push(...splitList(v));
    else out.push(v);
  }
  return out;
}

export function setHeader(message: SipMessage, name: string, value: string): void {
  const wanted = canonicalHeaderName(name);
  const index = message.headers.findIndex(([n]) => n === wanted);
  if (index === -1) {
    message.headers.push([wanted, value]);
    return;
  }
  message.headers[index] = [wanted, value];
  message.headers = message.headers.filter(([n], i) => n !== wanted || i === index);
}

export function removeHeader(message: SipMessage, name: string): void {
  const wanted = canonicalHeaderName(name);
  message.headers = message.headers.filter(([n]) => n !== wanted);
}

/** Splits "a, <sip:b,c>;x=\"1,2\", d" on commas outside quotes and angle brackets. */
export function splitList(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '<') depth++;
    else if (c === '>') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

export function cloneMessage<T extends SipMessage>(message: T): T {
  return { ...message, headers: message.headers.map(([n, v]) => [n, v]) } as T;
}
