// Bencode, the ng protocol's encoding. Byte strings decode to UTF-8 text (SDP, tags and reasons
// are text); Buffers encode as they are, so binary blobs are never corrupted (rtpengine-client
// 0.4.12 joins them into a string and breaks them).

export type BValue = number | string | Buffer | BValue[] | { [key: string]: BValue | undefined };

export class BencodeError extends Error {
  readonly code = 'bencode_error';
  readonly retryable = false;
}

export function bencode(value: BValue): Buffer {
  // Text builds up in one string and becomes bytes once (an ng command is a few dozen tokens; a
  // Buffer per token was most of the encoding cost). Buffers cut the string and go in as they are.
  const out: Buffer[] = [];
  const text = write(value, '', out);
  if (out.length === 0) return Buffer.from(text, 'utf8');
  if (text) out.push(Buffer.from(text, 'utf8'));
  return Buffer.concat(out);
}

/** Appends `value` to `text`; returns the text still pending (earlier parts are in `out`). */
function write(value: BValue, text: string, out: Buffer[]): string {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new BencodeError(`bencode integers only, got ${value}`);
    return `${text}i${value}e`;
  }
  if (typeof value === 'string') return `${text}${Buffer.byteLength(value, 'utf8')}:${value}`;
  if (Buffer.isBuffer(value)) {
    out.push(Buffer.from(`${text}${value.length}:`, 'utf8'), value);
    return '';
  }
  if (Array.isArray(value)) {
    text += 'l';
    for (const item of value) text = write(item, text, out);
    return `${text}e`;
  }
  text += 'd';
  // Keys sorted as raw byte strings (the bencode rule).
  for (const key of Object.keys(value).sort()) {
    const item = value[key];
    if (item === undefined) continue;
    text = write(key, text, out);
    text = write(item, text, out);
  }
  return `${text}e`;
}

export type Decoded = number | string | Decoded[] | { [key: string]: Decoded };

export function bdecode(data: Buffer): Decoded {
  const [value, end] = read(data, 0, 0);
  if (end !== data.length) throw new BencodeError(`trailing bytes after bencoded value at ${end}`);
  return value;
}

function read(data: Buffer, at: number, depth: number): [Decoded, number] {
  if (depth > 64) throw new BencodeError('bencode nested too deeply');
  const c = data[at];
  if (c === undefined) throw new BencodeError('bencode ended early');
  if (c === 0x69 /* i */) {
    const end = data.indexOf(0x65, at);
    if (end === -1) throw new BencodeError('unterminated integer');
    const text = data.toString('latin1', at + 1, end);
    if (!/^-?\d+$/.test(text)) throw new BencodeError(`bad integer "${text}"`);
    return [Number(text), end + 1];
  }
  if (c === 0x6c /* l */) {
    const list: Decoded[] = [];
    let i = at + 1;
    while (data[i] !== 0x65) {
      if (i >= data.length) throw new BencodeError('unterminated list');
      const [v, next] = read(data, i, depth + 1);
      list.push(v);
      i = next;
    }
    return [list, i + 1];
  }
  if (c === 0x64 /* d */) {
    const dict: Record<string, Decoded> = {};
    let i = at + 1;
    while (data[i] !== 0x65) {
      if (i >= data.length) throw new BencodeError('unterminated dictionary');
      const [k, afterKey] = read(data, i, depth + 1);
      if (typeof k !== 'string') throw new BencodeError('dictionary key is not a string');
      const [v, afterValue] = read(data, afterKey, depth + 1);
      dict[k] = v;
      i = afterValue;
    }
    return [dict, i + 1];
  }
  if (c >= 0x30 && c <= 0x39) {
    const colon = data.indexOf(0x3a, at);
    if (colon === -1) throw new BencodeError('unterminated string length');
    const text = data.toString('latin1', at, colon);
    if (!/^\d+$/.test(text)) throw new BencodeError(`bad string length "${text}"`);
    const length = Number(text);
    const end = colon + 1 + length;
    if (end > data.length) throw new BencodeError('string runs past the end');
    return [data.toString('utf8', colon + 1, end), end];
  }
  throw new BencodeError(`unexpected byte 0x${c.toString(16)} at ${at}`);
}
