import { createSocket, type Socket } from 'node:dgram';
import type { SipAddress } from './sip-message';

/** Moves datagrams; knows nothing of SIP. One per SIP listening address. */
export interface SipTransport {
  /** The address written into Via and Contact. */
  readonly local: SipAddress;
  send(data: Buffer, to: SipAddress): void;
  onMessage(handler: (data: Buffer, from: SipAddress) => void): void;
  /** Errors of individual sends (ICMP unreachable and the like); the transport stays open. */
  onError(handler: (err: Error) => void): void;
  close(): Promise<void>;
}

export interface UdpTransportOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Advertised address when it differs from the bound one (not needed on loopback). */
  advertisedHost?: string;
  /** Socket buffers: a loaded edge receives bursts of retransmissions. */
  receiveBufferBytes?: number;
}

export async function openUdpTransport(options: UdpTransportOptions): Promise<SipTransport> {
  const socket: Socket = createSocket({ type: 'udp4', reuseAddr: false });
  let onMessage: (data: Buffer, from: SipAddress) => void = () => undefined;
  let onError: (err: Error) => void = () => undefined;
  socket.on('message', (data, rinfo) => onMessage(data, { host: rinfo.address, port: rinfo.port }));
  socket.on('error', (err) => onError(err));
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => reject(err);
    socket.once('error', fail);
    socket.bind(options.port, options.host, () => {
      socket.off('error', fail);
      resolve();
    });
  });
  if (options.receiveBufferBytes) {
    try {
      socket.setRecvBufferSize(options.receiveBufferBytes);
    } catch {
      // The kernel caps it (net.core.rmem_max); the default still works, only less burst-tolerant.
    }
  }
  const bound = socket.address();
  let closed = false;
  return {
    local: { host: options.advertisedHost ?? bound.address, port: bound.port },
    send(data, to) {
      if (closed) return;
      socket.send(data, to.port, to.host, (err) => {
        if (err) onError(err);
      });
    },
    onMessage(handler) {
      onMessage = handler;
    },
    onError(handler) {
      onError = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        socket.close(() => resolve());
      }),
  };
}
