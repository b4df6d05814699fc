import { parseMessage } from './parse-message';
import type { SipAddress, SipMessage } from './sip-message';
import type { SipTransport } from './udp-transport';

export interface Delivery {
  from: SipAddress;
  to: SipAddress;
  data: Buffer;
  message: SipMessage | null;
}

/**
 * An in-process datagram network for tests of the SIP layers: every datagram is recorded, and a
 * filter can drop chosen ones (lost ACKs, lost responses) to exercise retransmission.
 */
export class MemoryNetwork {
  readonly log: Delivery[] = [];
  /** Return false to lose the datagram. */
  filter: (delivery: Delivery) => boolean = () => true;
  private readonly endpoints = new Map<string, (data: Buffer, from: SipAddress) => void>();

  transport(host: string, port: number): SipTransport {
    const key = `${host}:${port}`;
    let closed = false;
    return {
      local: { host, port },
      send: (data, to) => {
        if (closed) return;
        let message: SipMessage | null = null;
        try {
          message = parseMessage(data);
        } catch {
          message = null;
        }
        const delivery = { from: { host, port }, to, data, message };
        this.log.push(delivery);
        if (!this.filter(delivery)) return;
        const target = this.endpoints.get(`${to.host}:${to.port}`);
        if (target) queueMicrotask(() => target(data, { host, port }));
      },
      onMessage: (handler) => {
        this.endpoints.set(key, handler);
      },
      onError: () => undefined,
      close: async () => {
        closed = true;
        this.endpoints.delete(key);
      },
    };
  }

  /** Injects a raw datagram as if `from` had sent it. */
  inject(data: Buffer | string, from: SipAddress, to: SipAddress): void {
    const target = this.endpoints.get(`${to.host}:${to.port}`);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    if (target) queueMicrotask(() => target(bytes, from));
  }

  /** Messages sent so far, as "<from port> → <to port> <method or status>". */
  summary(): string[] {
    return this.log.map((d) => {
      const m = d.message;
      const what = !m ? '?' : m.kind === 'request' ? m.method : String(m.status);
      return `${d.from.port}->${d.to.port} ${what}`;
    });
  }
}
