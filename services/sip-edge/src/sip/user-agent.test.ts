import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Dialog } from './dialog';
import { MemoryNetwork } from './memory-network';
import { header, headerValues, type SipRequest, type SipResponse } from './sip-message';
import { parseNameAddr } from './sip-uri';
import { SipUserAgent, type IncomingInvite, type OutgoingOutcome } from './user-agent';

const A = { host: '127.0.0.1', port: 5001 };
const B = { host: '127.0.0.1', port: 5002 };
const PROXY = { host: '127.0.0.1', port: 5003 };

let net: MemoryNetwork;
let caller: SipUserAgent;
let callee: SipUserAgent;
let incoming: IncomingInvite[];

beforeEach(() => {
  vi.useFakeTimers();
  net = new MemoryNetwork();
  caller = new SipUserAgent({ transport: net.transport(A.host, A.port), contactUser: 'caller' });
  callee = new SipUserAgent({ transport: net.transport(B.host, B.port), contactUser: 'callee' });
  incoming = [];
  callee.onInvite = (invite) => incoming.push(invite);
});

afterEach(() => {
  caller.close();
  callee.close();
  vi.useRealTimers();
});

const sdp = Buffer.from(
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 8\r\n',
);

function call() {
  return caller.invite({
    target: 'sip:callee@127.0.0.1:5002',
    from: parseNameAddr('<sip:caller@127.0.0.1>'),
    to: parseNameAddr('<sip:callee@127.0.0.1>'),
    body: sdp,
  });
}

function requests(method: string, to?: number): SipRequest[] {
  return net.log
    .filter(
      (d) =>
        d.message?.kind === 'request' &&
        d.message.method === method &&
        (to === undefined || d.to.port === to),
    )
    .map((d) => d.message as SipRequest);
}

function responses(status: number): SipResponse[] {
  return net.log
    .filter((d) => d.message?.kind === 'response' && d.message.status === status)
    .map((d) => d.message as SipResponse);
}

async function answered(): Promise<{ uac: Dialog; uas: Dialog }> {
  const outgoing = call();
  await vi.advanceTimersByTimeAsync(0);
  const uas = incoming[0]!.answer(sdp);
  const outcome = await outgoing.outcome;
  if (outcome.kind !== 'answered') throw new Error('not answered');
  await vi.advanceTimersByTimeAsync(0);
  return { uac: outcome.dialog, uas };
}

describe('SipUserAgent: a call from INVITE to BYE', () => {
  it('sends 100 at once, rings, answers, and both sides hold the same dialog after the ACK', async () => {
    const outgoing = call();
    const provisional: number[] = [];
    outgoing.onProvisional = (r) => provisional.push(r.status);
    await vi.advanceTimersByTimeAsync(0);
    expect(responses(100)).toHaveLength(1);
    const invite = incoming[0]!;
    expect(invite.from.uri.user).toBe('caller');
    invite.progress(180);
    await vi.advanceTimersByTimeAsync(0);
    const uas = invite.answer(sdp);
    let confirmed = false;
    uas.onConfirmed = () => (confirmed = true);
    const outcome = (await outgoing.outcome) as Extract<OutgoingOutcome, { kind: 'answered' }>;
    await vi.advanceTimersByTimeAsync(0);
    expect(provisional).toEqual([180]);
    expect(outcome.kind).toBe('answered');
    expect(confirmed).toBe(true);
    expect(outcome.dialog.callId).toBe(uas.callId);
    expect(outcome.dialog.localTag).toBe(uas.remoteTag);
    expect(outcome.dialog.remoteTag).toBe(uas.localTag);
    // The 180 and the 200 carry one To tag.
    const tags = net.log
      .filter((d) => d.message?.kind === 'response' && d.message.status > 100)
      .map((d) => parseNameAddr(header(d.message!, 'to')!).params.tag);
    expect(new Set(tags).size).toBe(1);
  });

  it('ends both sides with BYE from the caller', async () => {
    const { uac, uas } = await answered();
    const ends: string[] = [];
    uas.onEnd = (cause) => ends.push(`uas:${cause}`);
    uac.onEnd = (cause) => ends.push(`uac:${cause}`);
    await uac.bye();
    expect(ends).toEqual(['uac:local-bye', 'uas:remote-bye']);
    expect(caller.stats.dialogs + callee.stats.dialogs).toBe(0);
  });

  it('ends both sides with BYE from the callee, whose CSeq starts its own count', async () => {
    const { uac, uas } = await answered();
    let ended = '';
    uac.onEnd = (cause) => (ended = cause);
    await uas.bye();
    expect(ended).toBe('remote-bye');
    const bye = requests('BYE')[0]!;
    expect(header(bye, 'from')).toContain(`tag=${uas.localTag}`);
    expect(header(bye, 'to')).toContain(`tag=${uas.remoteTag}`);
  });

  it('retransmits the 2xx until a lost ACK finally arrives', async () => {
    let acks = 0;
    net.filter = (d) => !(d.message?.kind === 'request' && d.message.method === 'ACK' && ++acks <= 2);
    const outgoing = call();
    await vi.advanceTimersByTimeAsync(0);
    const uas = incoming[0]!.answer(sdp);
    await outgoing.outcome;
    await vi.advanceTimersByTimeAsync(500 + 1000);
    expect(responses(200).length).toBe(3);
    expect(uas.state).toBe('confirmed');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(responses(200).length).toBe(3);
  });

  it('gives up without an ACK after 64*T1 and sends BYE (RFC 3261 §13.3.1.4)', async () => {
    net.filter = (d) => !(d.message?.kind === 'request' && d.message.method === 'ACK');
    const outgoing = call();
    await vi.advanceTimersByTimeAsync(0);
    const uas = incoming[0]!.answer(sdp);
    let cause = '';
    uas.onEnd = (c) => (cause = c);
    await outgoing.outcome;
    await vi.advanceTimersByTimeAsync(32_000);
    expect(cause).toBe('ack-timeout');
    expect(requests('BYE', A.port)).toHaveLength(1);
  });

  it('places a call without an offer: the 2xx brings it, and the ACK waits for our answer', async () => {
    const answerSdp = Buffer.from(sdp.toString().replace('4000', '5000'));
    const outgoing = caller.invite({
      target: 'sip:callee@127.0.0.1:5002',
      from: parseNameAddr('<sip:caller@127.0.0.1>'),
      to: parseNameAddr('<sip:callee@127.0.0.1>'),
      deferAck: true,
    });
    await vi.advanceTimersByTimeAsync(0);
    const invite = incoming[0]!;
    expect(invite.request.body.length).toBe(0);
    expect(header(invite.request, 'content-type')).toBeUndefined();
    const uas = invite.answer(sdp);
    let confirmed = false;
    uas.onConfirmed = () => (confirmed = true);
    const outcome = (await outgoing.outcome) as Extract<OutgoingOutcome, { kind: 'answered' }>;
    expect(outcome.response.body.toString()).toBe(sdp.toString());
    // The 2xx is retransmitted while our answer is being worked out: no ACK goes out yet.
    await vi.advanceTimersByTimeAsync(600);
    expect(requests('ACK')).toHaveLength(0);
    expect(responses(200).length).toBeGreaterThan(1);
    expect(confirmed).toBe(false);
    outgoing.acknowledge(answerSdp);
    await vi.advanceTimersByTimeAsync(0);
    expect(confirmed).toBe(true);
    expect(uas.ackBody?.toString()).toBe(answerSdp.toString());
    const [ack] = requests('ACK');
    expect(header(ack!, 'content-type')).toBe('application/sdp');
    // A late 2xx retransmission gets the same ACK again; a second acknowledge sends nothing.
    outgoing.acknowledge(answerSdp);
    expect(requests('ACK')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(uas.state).toBe('confirmed');
  });

  it('reports a rejection as a failed outcome after the transaction ACKs it', async () => {
    const outgoing = call();
    await vi.advanceTimersByTimeAsync(0);
    incoming[0]!.reject(486);
    const outcome = await outgoing.outcome;
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toMatchObject({ kind: 'failed', status: 486 });
    expect(requests('ACK')).toHaveLength(1);
  });

  it('times out as 408 when nobody answers', async () => {
    net.filter = (d) => d.to.port !== B.port;
    const outgoing = call();
    await vi.advanceTimersByTimeAsync(32_000);
    expect(await outgoing.outcome).toMatchObject({ kind: 'failed', status: 408 });
  });
});

describe('SipUserAgent: CANCEL', () => {
  it('cancels a ringing call: 200 to CANCEL, 487 to INVITE, the callee is told', async () => {
    const outgoing = call();
    await vi.advanceTimersByTimeAsync(0);
    const invite = incoming[0]!;
    let told = false;
    invite.onCancel = () => (told = true);
    invite.progress(180);
    await vi.advanceTimersByTimeAsync(0);
    outgoing.cancel();
    const outcome = await outgoing.outcome;
    expect(outcome).toMatchObject({ kind: 'failed', status: 487 });
    expect(told).toBe(true);
    expect(invite.state).toBe('cancelled');
    expect(responses(200).map((r) => header(r, 'cseq'))).toEqual(['1 CANCEL']);
  });

  it('holds a CANCEL back until a provisional arrives (RFC 3261 §9.1)', async () => {
    const outgoing = call();
    outgoing.cancel();
    await vi.advanceTimersByTimeAsync(0);
    // Only the 100 arrived so far; the CANCEL goes out right after it.
    expect(requests('CANCEL')).toHaveLength(1);
    expect(await outgoing.outcome).toMatchObject({ status: 487 });
  });

  it('ACKs and BYEs a 2xx that raced the CANCEL', async () => {
    const outgoing = call();
    await vi.advanceTimersByTimeAsync(0);
    // The callee answers while the caller cancels: the CANCEL arrives after the 200.
    const uas = incoming[0]!.answer(sdp);
    outgoing.cancel();
    const outcome = await outgoing.outcome;
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toMatchObject({ kind: 'failed', status: 487 });
    expect(requests('ACK', B.port)).toHaveLength(1);
    expect(requests('BYE', B.port)).toHaveLength(1);
    expect(uas.state).toBe('terminated');
  });

  it('answers 481 to a CANCEL that matches nothing', async () => {
    net.inject(
      [
        'CANCEL sip:x@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5003;branch=z9hG4bKnone',
        'From: <sip:a@h>;tag=1',
        'To: <sip:b@h>',
        'Call-ID: none',
        'CSeq: 1 CANCEL',
        '',
        '',
      ].join('\r\n'),
      PROXY,
      B,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(responses(481)).toHaveLength(1);
  });
});

describe('SipUserAgent: in-dialog requests', () => {
  it('answers a re-INVITE through the handler and the caller ACKs it', async () => {
    const { uac, uas } = await answered();
    uas.onReinvite = async (req) => {
      expect(req.body.toString()).toContain('a=sendonly');
      return { status: 200, body: Buffer.from(sdp.toString() + 'a=recvonly\r\n') };
    };
    const response = await uac.request('INVITE', { body: Buffer.from(sdp.toString() + 'a=sendonly\r\n') });
    await vi.advanceTimersByTimeAsync(0);
    expect(response.status).toBe(200);
    expect(response.body.toString()).toContain('a=recvonly');
    expect(requests('ACK', B.port).map((r) => header(r, 'cseq'))).toEqual(['1 ACK', '2 ACK']);
  });

  it('refuses a re-INVITE that crosses ours with 491 (glare)', async () => {
    const { uac, uas } = await answered();
    uas.onReinvite = () => new Promise(() => undefined);
    uac.onReinvite = async () => ({ status: 200, body: sdp });
    const first = uac.request('INVITE', { body: sdp });
    const second = uas.request('INVITE', { body: sdp });
    await vi.advanceTimersByTimeAsync(0);
    expect((await second).status).toBe(491);
    void first;
  });

  it('answers 481 to a BYE for a dialog it does not know', async () => {
    const { uas } = await answered();
    uas.abandon();
    net.inject(
      [
        'BYE sip:callee@127.0.0.1:5002 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5001;branch=z9hG4bKbye1',
        `From: <sip:caller@127.0.0.1>;tag=${uas.remoteTag}`,
        `To: <sip:callee@127.0.0.1>;tag=${uas.localTag}`,
        `Call-ID: ${uas.callId}`,
        'CSeq: 5 BYE',
        '',
        '',
      ].join('\r\n'),
      A,
      B,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(responses(481)).toHaveLength(1);
  });

  it('refuses an in-dialog request whose CSeq went backwards with 500', async () => {
    const { uac, uas } = await answered();
    uas.onRequest = () => ({ status: 200 });
    await uac.request('INFO');
    uac.localSeq = 0;
    const late = await uac.request('INFO');
    expect(late.status).toBe(500);
  });

  it('routes in-dialog requests through the Record-Route set of the INVITE', async () => {
    net.inject(
      [
        'INVITE sip:callee@127.0.0.1:5002 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5003;branch=z9hG4bKp1',
        'Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bKu1',
        'Record-Route: <sip:127.0.0.1:5003;lr;r2=on>, <sip:127.0.0.1:8460;transport=ws;lr;r2=on>',
        'From: <sip:+15550111@trunk>;tag=trunk1',
        'To: <sip:+15550100@hotline>',
        'Call-ID: rr-1',
        'CSeq: 1 INVITE',
        'Contact: <sip:+15550111@127.0.0.1:5090>',
        'Content-Type: application/sdp',
        `Content-Length: ${sdp.length}`,
        '',
        sdp.toString(),
      ].join('\r\n'),
      PROXY,
      B,
    );
    await vi.advanceTimersByTimeAsync(0);
    const uas = incoming[0]!.answer(sdp);
    const ok = responses(200)[0]!;
    expect(headerValues(ok, 'record-route')).toHaveLength(2);
    expect(net.log.at(-1)!.to).toEqual(PROXY);
    void uas.bye();
    await vi.advanceTimersByTimeAsync(0);
    const bye = requests('BYE')[0]!;
    const byeDelivery = net.log.find((d) => d.message === bye)!;
    expect(byeDelivery.to).toEqual(PROXY);
    expect(bye.uri).toBe('sip:+15550111@127.0.0.1:5090');
    expect(headerValues(bye, 'route')).toEqual([
      '<sip:127.0.0.1:5003;lr;r2=on>',
      '<sip:127.0.0.1:8460;transport=ws;lr;r2=on>',
    ]);
  });
});

describe('SipUserAgent: taking a dialog over', () => {
  it('ends a dialog another UA created, from its snapshot, with a CSeq ahead of the old one', async () => {
    const { uac, uas } = await answered();
    let ended = '';
    uac.onEnd = (cause) => (ended = cause);
    const heir = new SipUserAgent({ transport: net.transport('127.0.0.1', 5004) });
    const restored = heir.restoreDialog(uas.snapshot());
    await restored.bye();
    expect(ended).toBe('remote-bye');
    const bye = requests('BYE', A.port)[0]!;
    expect(header(bye, 'cseq')).toBe(`${uas.localSeq + 101} BYE`);
    expect(header(bye, 'from')).toContain(`tag=${uas.localTag}`);
    heir.close();
  });
});

describe('SipUserAgent: out-of-dialog requests and bad input', () => {
  it('answers OPTIONS with the status call control chooses (503 while draining)', async () => {
    const options = (n: number) =>
      [
        'OPTIONS sip:127.0.0.1:5002 SIP/2.0',
        `Via: SIP/2.0/UDP 127.0.0.1:5003;branch=z9hG4bKo${n}`,
        'From: <sip:probe@h>;tag=p',
        'To: <sip:127.0.0.1:5002>',
        `Call-ID: opt-${n}`,
        `CSeq: ${n} OPTIONS`,
        '',
        '',
      ].join('\r\n');
    net.inject(options(1), PROXY, B);
    await vi.advanceTimersByTimeAsync(0);
    callee.optionsStatus = () => 503;
    net.inject(options(2), PROXY, B);
    await vi.advanceTimersByTimeAsync(0);
    expect(
      net.log.filter((d) => d.message?.kind === 'response').map((d) => (d.message as SipResponse).status),
    ).toEqual([200, 503]);
  });

  it('answers 420 to an INVITE that requires an extension we lack (100rel)', async () => {
    caller.invite({
      target: 'sip:callee@127.0.0.1:5002',
      from: parseNameAddr('<sip:caller@127.0.0.1>'),
      to: parseNameAddr('<sip:callee@127.0.0.1>'),
      headers: [['require', '100rel']],
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(responses(420)).toHaveLength(1);
    expect(incoming).toHaveLength(0);
  });

  it('answers 400 to a request it cannot parse but can address, and stays up', async () => {
    net.inject(
      [
        'INVITE sip:x@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5003;branch=z9hG4bKbad',
        'From: <sip:a@h>;tag=1',
        'To: <sip:b@h>',
        'Call-ID: bad',
        'CSeq: one INVITE',
        '',
        '',
      ].join('\r\n'),
      PROXY,
      B,
    );
    await vi.advanceTimersByTimeAsync(0);
    // The 400 echoes the broken CSeq, so it is found by its bytes, not parsed.
    expect(net.log.filter((d) => d.data.toString().startsWith('SIP/2.0 400 Bad Request'))).toHaveLength(1);
    await answered();
    expect(incoming).toHaveLength(1);
  });

  it('answers 405 to methods it does not serve out of dialog', async () => {
    net.inject(
      [
        'MESSAGE sip:x@127.0.0.1 SIP/2.0',
        'Via: SIP/2.0/UDP 127.0.0.1:5003;branch=z9hG4bKm',
        'From: <sip:a@h>;tag=1',
        'To: <sip:b@h>',
        'Call-ID: m',
        'CSeq: 1 MESSAGE',
        '',
        '',
      ].join('\r\n'),
      PROXY,
      B,
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(header(responses(405)[0]!, 'allow')).toContain('INVITE');
  });

  it('answers 480 when no one handles calls', async () => {
    callee.onInvite = undefined;
    const outgoing = call();
    expect(await outgoing.outcome).toMatchObject({ kind: 'failed', status: 480 });
  });
});
