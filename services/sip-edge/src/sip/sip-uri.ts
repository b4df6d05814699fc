import { SipParseError } from './sip-error';

export type Params = Record<string, string | null>;

/** A sip: or sips: URI (RFC 3261 §19.1). Other schemes (tel:) keep their text in `raw`. */
export interface SipUri {
  scheme: string;
  user?: string;
  host: string;
  port?: number;
  params: Params;
  headers?: string;
}

/** A name-addr or addr-spec with header parameters (From, To, Contact, Route, ...). */
export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  params: Params;
}

export function parseUri(text: string): SipUri {
  const m =
    /^(sips?):(?:([^@]*)@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?((?:;[^?]*)?)(?:\?(.*))?$/.exec(
      text.trim(),
    );
  if (!m) {
    const other = /^([A-Za-z][A-Za-z0-9+.-]*):(.+)$/.exec(text.trim());
    if (other && !/^sips?$/i.test(other[1]!)) {
      // tel: and friends: not routable by us, kept as an opaque host.
      return { scheme: other[1]!.toLowerCase(), host: other[2]!, params: {} };
    }
    throw new SipParseError(`bad SIP URI "${text.slice(0, 80)}"`);
  }
  const uri: SipUri = {
    scheme: m[1]!.toLowerCase(),
    host: m[3]!.toLowerCase(),
    params: parseParams(m[5] ?? ''),
  };
  if (m[2] !== undefined) uri.user = m[2].split(':')[0]!;
  if (m[4] !== undefined) {
    const port = Number(m[4]);
    if (port < 1 || port > 65535) throw new SipParseError(`bad port in "${text.slice(0, 80)}"`);
    uri.port = port;
  }
  if (m[6] !== undefined) uri.headers = m[6];
  return uri;
}

export function formatUri(uri: SipUri): string {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return `${uri.scheme}:${uri.host}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) out += `${uri.user}@`;
  out += uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  out += formatParams(uri.params);
  if (uri.headers) out += `?${uri.headers}`;
  return out;
}

/** ";a=1;lr;b" → {a: "1", lr: null, b: null}; names lower-cased, values as written. */
export function parseParams(text: string): Params {
  const params: Params = {};
  for (const part of splitOutsideQuotes(text, ';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq === -1) params[trimmed.toLowerCase()] = null;
    else params[trimmed.slice(0, eq).trim().toLowerCase()] = trimmed.slice(eq + 1).trim();
  }
  return params;
}

export function formatParams(params: Params): string {
  return Object.entries(params)
    .map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`))
    .join('');
}

export function parseNameAddr(text: string): NameAddr {
  const value = text.trim();
  const lt = indexOutsideQuotes(value, '<');
  if (lt !== -1) {
    const gt = value.indexOf('>', lt);
    if (gt === -1) throw new SipParseError(`unterminated <...> in "${value.slice(0, 80)}"`);
    let display = value.slice(0, lt).trim();
    if (display.startsWith('"') && display.endsWith('"') && display.length >= 2) {
      display = display.slice(1, -1).replace(/\\(.)/g, '$1');
    }
    const result: NameAddr = {
      uri: parseUri(value.slice(lt + 1, gt)),
      params: parseParams(value.slice(gt + 1)),
    };
    if (display) result.displayName = display;
    return result;
  }
  // addr-spec form: parameters after the URI belong to the header, not the URI (§20.10).
  const semi = value.indexOf(';');
  const uriText = semi === -1 ? value : value.slice(0, semi);
  return { uri: parseUri(uriText), params: parseParams(semi === -1 ? '' : value.slice(semi)) };
}

export function formatNameAddr(addr: NameAddr): string {
  const display = addr.displayName ? `"${addr.displayName.replace(/(["\\])/g, '\\$1')}" ` : '';
  return `${display}<${formatUri(addr.uri)}>${formatParams(addr.params)}`;
}

export interface Via {
  transport: string;
  host: string;
  port?: number;
  params: Params;
}

export function parseVia(text: string): Via {
  const m =
    /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?:\s*:\s*(\d{1,5}))?\s*(.*)$/.exec(
      text.trim(),
    );
  if (!m) throw new SipParseError(`bad Via "${text.slice(0, 80)}"`);
  const via: Via = {
    transport: m[1]!.toUpperCase(),
    host: m[2]!.toLowerCase(),
    params: parseParams(m[4] ?? ''),
  };
  if (m[3] !== undefined) via.port = Number(m[3]);
  return via;
}

export function formatVia(via: Via): string {
  return `SIP/2.0/${via.transport} ${via.host}${via.port !== undefined ? `:${via.port}` : ''}${formatParams(via.params)}`;
}

function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted) i++;
    else if (c === separator && !quoted) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function indexOutsideQuotes(text: string, char: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\\' && quoted) i++;
    else if (c === char && !quoted) return i;
  }
  return -1;
}
