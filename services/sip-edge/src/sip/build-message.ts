import { randomBytes } from 'node:crypto';
import { header, headerValues, type HeaderList, type SipRequest, type SipResponse } from './sip-message';

export function newTag(): string {
  return randomBytes(8).toString('hex');
}

export function newCallId(host: string): string {
  return `${randomBytes(12).toString('hex')}@${host}`;
}

const reasons: Record<number, string> = {
  100: 'Trying',
  180: 'Ringing',
  181: 'Call Is Being Forwarded',
  182: 'Queued',
  183: 'Session Progress',
  200: 'OK',
  202: 'Accepted',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  480: 'Temporarily Unavailable',
  481: 'Call/Transaction Does Not Exist',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  491: 'Request Pending',
  500: 'Server Internal Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Decline',
};

export function reasonPhrase(status: number): string {
  return reasons[status] ?? (status < 300 ? 'OK' : 'Error');
}

export interface ResponseExtras {
  reason?: string;
  /** Added to To when the request had none (every response but 100 in a dialog-creating exchange). */
  toTag?: string;
  headers?: HeaderList;
  body?: Buffer;
  contentType?: string;
}

/** A response to `request` (RFC 3261 §8.2.6): Via, From, To, Call-ID and CSeq copied. */
export function makeResponse(request: SipRequest, status: number, extras: ResponseExtras = {}): SipResponse {
  const headers: HeaderList = [];
  for (const via of headerValues(request, 'via')) headers.push(['via', via]);
  headers.push(['from', header(request, 'from')!]);
  let to = header(request, 'to')!;
  if (extras.toTag && status !== 100 && !/;\s*tag=/i.test(to)) to = `${to};tag=${extras.toTag}`;
  headers.push(['to', to]);
  headers.push(['call-id', header(request, 'call-id')!]);
  headers.push(['cseq', header(request, 'cseq')!]);
  // Dialog-creating responses carry the Record-Route set back (§12.1.1).
  if (request.method === 'INVITE' && status > 100 && status < 300) {
    for (const rr of headerValues(request, 'record-route')) headers.push(['record-route', rr]);
  }
  if (extras.headers) headers.push(...extras.headers);
  const body = extras.body ?? Buffer.alloc(0);
  if (body.length > 0) headers.push(['content-type', extras.contentType ?? 'application/sdp']);
  return { kind: 'response', status, reason: extras.reason ?? reasonPhrase(status), headers, body };
}
