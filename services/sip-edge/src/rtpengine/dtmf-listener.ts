import { createSocket, type Socket } from 'node:dgram';

/** One RFC 4733 digit as rtpengine's --dtmf-log-dest reports it (a JSON datagram per digit). */
export interface DtmfEvent {
  callId: string;
  /** The ng from-tag of the party that pressed it. */
  sourceTag: string;
  digit: string;
  durationMs: number;
}

const DIGITS = '0123456789*#ABCD';

/** Parses one datagram; null for anything that is not a well-formed DTMF report. */
export function parseDtmfReport(data: Buffer): DtmfEvent | null {
  let report: unknown;
  try {
    report = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof report !== 'object' || report === null) return null;
  const r = report as Record<string, unknown>;
  if (r.type !== undefined && r.type !== 'DTMF') return null;
  if (typeof r.callid !== 'string' || typeof r.source_tag !== 'string' || typeof r.event !== 'number')
    return null;
  const digit = DIGITS[r.event];
  if (digit === undefined || !Number.isInteger(r.event)) return null;
  return {
    callId: r.callid,
    sourceTag: r.source_tag,
    digit,
    durationMs: typeof r.duration === 'number' ? r.duration : 0,
  };
}

/** Listens where rtpengine sends DTMF reports (its --dtmf-log-dest). */
export class DtmfListener {
  private constructor(private readonly socket: Socket) {}

  static async open(host: string, port: number, onDigit: (event: DtmfEvent) => void): Promise<DtmfListener> {
    const socket = createSocket('udp4');
    socket.on('message', (data) => {
      const event = parseDtmfReport(data);
      if (event) onDigit(event);
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new DtmfListener(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }
}
