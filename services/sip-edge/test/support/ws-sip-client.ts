import { createHash, randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';

/**
 * SIP over secure WebSocket (RFC 7118), the way a browser softphone talks to Kamailio: enough of
 * RFC 6455 (client frames masked, text frames, ping/pong) to register and receive calls in tests.
 */
export class WsSipClient {
  readonly messages: string[] = [];
  private buffer = Buffer.alloc(0);
  private waiters: { match: (m: string) => boolean; resolve: (m: string) => void }[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (data: Buffer) => this.onData(data));
  }

  static async connect(host: string, port: number): Promise<WsSipClient> {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    const key = randomBytes(16).toString('base64');
    socket.write(
      [
        'GET / HTTP/1.1',
        `Host: ${host}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${key}`,
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Protocol: sip',
        'Origin: https://agent.hotline.local',
        '',
        '',
      ].join('\r\n'),
    );
    const head = await new Promise<string>((resolve, reject) => {
      let text = '';
      const onData = (d: Buffer) => {
        text += d.toString('latin1');
        if (text.includes('\r\n\r\n')) {
          socket.off('data', onData);
          resolve(text);
        }
      };
      socket.on('data', onData);
      socket.once('error', reject);
    });
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    if (!/^HTTP\/1\.1 101/.test(head) || !head.includes(accept))
      throw new Error(`WebSocket upgrade refused:\n${head}`);
    return new WsSipClient(socket);
  }

  send(text: string): void {
    const payload = Buffer.from(text, 'utf8');
    const mask = randomBytes(4);
    const length = payload.length;
    const header =
      length < 126
        ? Buffer.from([0x81, 0x80 | length])
        : Buffer.from([0x81, 0x80 | 126, (length >> 8) & 0xff, length & 0xff]);
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
    this.socket.write(Buffer.concat([header, mask, masked]));
  }

  /** The next message (already received or arriving) that `match` accepts. */
  next(match: (message: string) => boolean, timeoutMs = 5000): Promise<string> {
    const found = this.messages.find(match);
    if (found) {
      this.messages.splice(this.messages.indexOf(found), 1);
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (m: string) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `no matching SIP message over WebSocket in ${timeoutMs} ms; got:\n${this.messages.join('\n---\n')}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private onData(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = this.buffer[0]! & 0x0f;
      let length = this.buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x9) {
        this.socket.write(
          Buffer.concat([Buffer.from([0x8a, 0x80 | payload.length]), Buffer.alloc(4), payload]),
        );
      } else if (opcode === 0x1) {
        const text = payload.toString('utf8');
        const waiter = this.waiters.find((w) => w.match(text));
        if (waiter) {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          waiter.resolve(text);
        } else {
          this.messages.push(text);
        }
      }
    }
  }
}

/** RFC 2617 digest response (qop=auth) from an HA1, the way a softphone answers a challenge. */
export function digestAuthorization(options: {
  challenge: string;
  method: string;
  uri: string;
  username: string;
  ha1: string;
}): string {
  const param = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(options.challenge)?.[1] ?? '';
  const realm = param('realm');
  const nonce = param('nonce');
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const cnonce = randomBytes(8).toString('hex');
  const nc = '00000001';
  const ha2 = md5(`${options.method}:${options.uri}`);
  const response = md5(`${options.ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${options.username}", realm="${realm}", nonce="${nonce}", uri="${options.uri}", response="${response}", algorithm=MD5, cnonce="${cnonce}", nc=${nc}, qop=auth`;
}
