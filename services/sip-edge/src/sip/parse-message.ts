import { SipParseError } from './sip-error';
import { canonicalHeaderName, header, type HeaderList, type SipMessage } from './sip-message';

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const MAX_MESSAGE = 65_535;

/**
 * Parses one datagram into a SIP message (RFC 3261 §7, §18.3 for UDP framing). Returns null for
 * keep-alives (bare CRLFs). Throws SipParseError for anything else that is not SIP.
 */
export function parseMessage(data: Buffer): SipMessage | null {
  if (data.length > MAX_MESSAGE) throw new SipParseError('message larger than 64 KiB');
  let start = 0;
  // RFC 3261 §7.5: empty lines before the start line are ignored (and CRLF keep-alives, RFC 5626).
  while (start < data.length && (data[start] === 0x0d || data[start] === 0x0a)) start++;
  if (start === data.length) return null;

  const { headEnd, bodyStart } = findHeadEnd(data, start);
  const head = data.toString('utf8', start, headEnd);
  const lines = unfold(head.split(/\r?\n/));
  const startLine = lines.shift();
  if (startLine === undefined || startLine.length === 0) throw new SipParseError('no start line');
  const headers = parseHeaders(lines);
  const rest = data.subarray(bodyStart);
  const body = bodyOf(headers, rest);

  if (startLine.startsWith('SIP/')) {
    const m = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(startLine);
    if (!m) throw new SipParseError(`bad status line "${clip(startLine)}"`);
    const message: SipMessage = { kind: 'response', status: Number(m[1]), reason: m[2] ?? '', headers, body };
    checkMandatory(message);
    return message;
  }
  const parts = startLine.split(' ');
  if (parts.length !== 3) throw new SipParseError(`bad request line "${clip(startLine)}"`);
  const [method, uri, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) throw new SipParseError(`bad method "${clip(method)}"`);
  if (version !== 'SIP/2.0') throw new SipParseError(`unsupported version "${clip(version)}"`);
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri)) throw new SipParseError(`bad request URI "${clip(uri)}"`);
  const message: SipMessage = { kind: 'request', method, uri, headers, body };
  checkMandatory(message);
  return message;
}

function findHeadEnd(data: Buffer, from: number): { headEnd: number; bodyStart: number } {
  const crlf = data.indexOf('\r\n\r\n', from, 'latin1');
  const lf = data.indexOf('\n\n', from, 'latin1');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { headEnd: crlf, bodyStart: crlf + 4 };
  if (lf !== -1) return { headEnd: lf, bodyStart: lf + 2 };
  // A datagram without the empty line: headers only, no body (tolerated like most stacks do).
  return { headEnd: data.length, bodyStart: data.length };
}

/** Header folding (RFC 3261 §7.3.1): a line starting with whitespace continues the previous one. */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && out.length > 0) {
      out[out.length - 1] = `${out[out.length - 1]!.trimEnd()} ${line.trim()}`;
    } else {
      out.push(line);
    }
  }
  return out;
}

function parseHeaders(lines: string[]): HeaderList {
  const headers: HeaderList = [];
  for (const line of lines) {
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new SipParseError(`bad header line "${clip(line)}"`);
    const name = line.slice(0, colon).trim();
    if (!TOKEN.test(name)) throw new SipParseError(`bad header name "${clip(name)}"`);
    headers.push([canonicalHeaderName(name), line.slice(colon + 1).trim()]);
  }
  return headers;
}

function bodyOf(headers: HeaderList, rest: Buffer): Buffer {
  const lengths = headers.filter(([n]) => n === 'content-length').map(([, v]) => v);
  if (lengths.length === 0) return Buffer.from(rest);
  if (new Set(lengths).size > 1) throw new SipParseError('conflicting Content-Length headers');
  const text = lengths[0]!;
  if (!/^\d{1,6}$/.test(text)) throw new SipParseError(`bad Content-Length "${clip(text)}"`);
  const length = Number(text);
  // §18.3: over UDP, bytes beyond Content-Length are discarded; fewer bytes is a broken message.
  if (length > rest.length)
    throw new SipParseError(`body shorter (${rest.length}) than Content-Length ${length}`);
  return Buffer.from(rest.subarray(0, length));
}

/** RFC 3261 §8.1.1: every request and response carries these. */
function checkMandatory(message: SipMessage): void {
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    if (header(message, name) === undefined) throw new SipParseError(`missing ${name} header`);
  }
  const cseq = parseCSeq(header(message, 'cseq')!);
  if (message.kind === 'request' && cseq.method !== message.method) {
    throw new SipParseError(`CSeq method ${cseq.method} does not match ${message.method}`);
  }
}

export interface CSeq {
  seq: number;
  method: string;
}

export function parseCSeq(value: string): CSeq {
  const m = /^(\d{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)$/.exec(value.trim());
  if (!m) throw new SipParseError(`bad CSeq "${clip(value)}"`);
  const seq = Number(m[1]);
  if (seq > 2 ** 31 - 1) throw new SipParseError('CSeq number out of range');
  return { seq, method: m[2]! };
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
