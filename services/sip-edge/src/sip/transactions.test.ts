import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeResponse } from './build-message';
import { MemoryNetwork } from './memory-network';
import { parseMessage } from './parse-message';
import { header, type SipRequest, type SipResponse } from './sip-message';
import { defaultTimers, TransactionLayer, type ServerTransaction } from './transactions';

const client = { host: '127.0.0.1', port: 5001 };
const server = { host: '127.0.0.1', port: 5002 };

function request(method: string, branch = 'z9hG4bKtest1'): SipRequest {
  return {
    kind: 'request',
    method,
    uri: 'sip:x@127.0.0.1:5002',
    headers: [
      ['via', `SIP/2.0/UDP 127.0.0.1:5001;branch=${branch}`],
      ['from', '<sip:a@h>;tag=ft'],
      ['to', '<sip:x@h>'],
      ['call-id', 'c1'],
      ['cseq', `1 ${method}`],
      ['route', '<sip:127.0.0.1:5002;lr>'],
    ],
    body: Buffer.alloc(0),
  };
}

let net: MemoryNetwork;
let responses: SipResponse[];
let timeouts: number;
let serverTxs: ServerTransaction[];
let acksToTu: SipRequest[];
let clientLayer: TransactionLayer;
let serverLayer: TransactionLayer;

beforeEach(() => {
  vi.useFakeTimers();
  net = new MemoryNetwork();
  responses = [];
  timeouts = 0;
  serverTxs = [];
  acksToTu = [];
  clientLayer = new TransactionLayer(net.transport(client.host, client.port), defaultTimers, {
    onRequest: () => undefined,
    onStrayResponse: () => undefined,
  });
  serverLayer = new TransactionLayer(net.transport(server.host, server.port), defaultTimers, {
    onRequest: (req, tx) => (tx ? serverTxs.push(tx) : acksToTu.push(req)),
    onStrayResponse: () => undefined,
  });
  const serverTransport = serverLayer.transport;
  const clientTransport = clientLayer.transport;
  // Wire the layers to their transports the way the UA core does.
  serverTransport.onMessage((data, from) => {
    const m = parseFrom(data);
    if (m?.kind === 'request') serverLayer.receiveRequest(m, from);
    else if (m) serverLayer.receiveResponse(m, from);
  });
  clientTransport.onMessage((data, from) => {
    const m = parseFrom(data);
    if (m?.kind === 'response') clientLayer.receiveResponse(m, from);
  });
});

afterEach(() => {
  vi.useRealTimers();
});

function parseFrom(data: Buffer) {
  return parseMessage(data);
}

function sent(method: string): number {
  return net.log.filter((d) => d.message?.kind === 'request' && d.message.method === method).length;
}

const handlers = () => ({
  onResponse: (r: SipResponse) => responses.push(r),
  onTimeout: () => (timeouts += 1),
});

describe('client INVITE transaction', () => {
  it('retransmits on Timer A with doubling intervals while nothing answers, then times out on Timer B', async () => {
    net.filter = (d) => d.to.port !== server.port;
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(499);
    expect(sent('INVITE')).toBe(1);
    await vi.advanceTimersByTimeAsync(1); // 500
    expect(sent('INVITE')).toBe(2);
    await vi.advanceTimersByTimeAsync(1000); // 1500
    expect(sent('INVITE')).toBe(3);
    await vi.advanceTimersByTimeAsync(2000); // 3500
    expect(sent('INVITE')).toBe(4);
    await vi.advanceTimersByTimeAsync(32_000 - 3500);
    expect(timeouts).toBe(1);
    expect(clientLayer.size.clients).toBe(0);
  });

  it('stops retransmitting after a provisional and waits for the final without Timer B', async () => {
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    serverTxs[0]!.respond(makeResponse(serverTxs[0]!.request, 180, { toTag: 'tt' }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent('INVITE')).toBe(1);
    expect(timeouts).toBe(0);
    expect(responses.map((r) => r.status)).toEqual([180]);
  });

  it('ACKs a non-2xx final itself on the same branch with the response To tag, and hands the final up once', async () => {
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    const tx = serverTxs[0]!;
    tx.respond(makeResponse(tx.request, 486, { toTag: 'busy-tag' }));
    await vi.advanceTimersByTimeAsync(0);
    const ack = net.log.find((d) => d.message?.kind === 'request' && d.message.method === 'ACK')!
      .message as SipRequest;
    expect(header(ack, 'via')).toContain('branch=z9hG4bKtest1');
    expect(header(ack, 'to')).toContain('tag=busy-tag');
    expect(header(ack, 'cseq')).toBe('1 ACK');
    expect(header(ack, 'route')).toBe('<sip:127.0.0.1:5002;lr>');
    expect(tx.state).toBe('confirmed');
    expect(responses.map((r) => r.status)).toEqual([486]);
  });

  it('re-ACKs a retransmitted non-2xx final without telling the TU again', async () => {
    // Lose the first ACK: the server retransmits the 486 (Timer G), the client ACKs again.
    let acks = 0;
    net.filter = (d) => !(d.message?.kind === 'request' && d.message.method === 'ACK' && ++acks === 1);
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    serverTxs[0]!.respond(makeResponse(serverTxs[0]!.request, 486, { toTag: 'b' }));
    await vi.advanceTimersByTimeAsync(600);
    expect(sent('ACK')).toBe(2);
    expect(serverTxs[0]!.state).toBe('confirmed');
    expect(responses.map((r) => r.status)).toEqual([486]);
  });

  it('passes 2xx retransmissions up in the Accepted state (RFC 6026) so the UA can re-ACK', async () => {
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    const ok = makeResponse(serverTxs[0]!.request, 200, { toTag: 'ok' });
    serverLayer.sendStateless(ok, client);
    serverLayer.sendStateless(ok, client);
    await vi.advanceTimersByTimeAsync(0);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await vi.advanceTimersByTimeAsync(32_000);
    expect(clientLayer.size.clients).toBe(0);
  });
});

describe('client non-INVITE transaction', () => {
  it('retransmits on Timer E capped at T2 and times out on Timer F', async () => {
    net.filter = (d) => d.to.port !== server.port;
    clientLayer.sendRequest(request('OPTIONS'), server, handlers());
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000 + 4000);
    expect(sent('OPTIONS')).toBe(6);
    await vi.advanceTimersByTimeAsync(32_000);
    expect(timeouts).toBe(1);
  });

  it('keeps retransmitting at T2 after a provisional, and completes on the final', async () => {
    clientLayer.sendRequest(request('BYE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    serverTxs[0]!.respond(makeResponse(serverTxs[0]!.request, 100));
    await vi.advanceTimersByTimeAsync(4000);
    expect(sent('BYE')).toBe(2);
    serverTxs[0]!.respond(makeResponse(serverTxs[0]!.request, 200));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(responses.filter((r) => r.status >= 200).map((r) => r.status)).toEqual([200]);
    expect(sent('BYE')).toBe(2);
    expect(timeouts).toBe(0);
  });
});

describe('server transactions', () => {
  it('answer a retransmitted INVITE with the last provisional and hand the TU only the first copy', async () => {
    let hundreds = 0;
    net.filter = (d) => !(d.message?.kind === 'response' && d.message.status === 100 && ++hundreds === 1);
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    const tx = serverTxs[0]!;
    tx.respond(makeResponse(tx.request, 100));
    // The 100 is lost; the client's Timer A fires and the retransmission gets the 100 again.
    await vi.advanceTimersByTimeAsync(500);
    expect(serverTxs).toHaveLength(1);
    expect(hundreds).toBe(2);
    expect(responses.map((r) => r.status)).toEqual([100]);
  });

  it('retransmit a non-2xx final on Timer G until the ACK and report Timer H when it never comes', async () => {
    net.filter = (d) => !(d.message?.kind === 'request' && d.message.method === 'ACK');
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    const tx = serverTxs[0]!;
    let ackTimeout = false;
    tx.onAckTimeout = () => (ackTimeout = true);
    tx.respond(makeResponse(tx.request, 404, { toTag: 'n' }));
    await vi.advanceTimersByTimeAsync(500 + 1000 + 2000 + 4000);
    const finals = net.log.filter((d) => d.message?.kind === 'response' && d.message.status === 404);
    expect(finals).toHaveLength(5);
    await vi.advanceTimersByTimeAsync(32_000);
    expect(ackTimeout).toBe(true);
    expect(serverLayer.size.servers).toBe(0);
  });

  it('give the TU the ACK of a 2xx (its own branch) and absorb INVITE retransmissions after a 2xx', async () => {
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    const tx = serverTxs[0]!;
    tx.respond(makeResponse(tx.request, 200, { toTag: 'x' }));
    serverLayer.receiveRequest(request('INVITE'), client);
    expect(serverTxs).toHaveLength(1);
    serverLayer.receiveRequest(request('ACK', 'z9hG4bKother'), client);
    expect(acksToTu).toHaveLength(1);
  });

  it('answer a retransmitted non-INVITE request with the same final response', async () => {
    clientLayer.sendRequest(request('BYE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    serverTxs[0]!.respond(makeResponse(serverTxs[0]!.request, 200));
    serverLayer.receiveRequest(request('BYE'), client);
    await vi.advanceTimersByTimeAsync(0);
    const finals = net.log.filter((d) => d.message?.kind === 'response' && d.message.status === 200);
    expect(finals).toHaveLength(2);
    expect(serverTxs).toHaveLength(1);
  });

  it('ignore a second final response from the TU', async () => {
    clientLayer.sendRequest(request('INVITE'), server, handlers());
    await vi.advanceTimersByTimeAsync(0);
    const tx = serverTxs[0]!;
    tx.respond(makeResponse(tx.request, 486, { toTag: 'a' }));
    tx.respond(makeResponse(tx.request, 200, { toTag: 'a' }));
    await vi.advanceTimersByTimeAsync(0);
    expect(responses.map((r) => r.status)).toEqual([486]);
  });
});
