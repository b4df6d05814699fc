import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Softphone, SoftphoneError, type JsSipApi } from './softphone';

// The wrapper's own logic (JsSIP events → states, commands → JsSIP calls) against a small fake
// of JsSIP's UA and sessions; the real JsSIP in a browser is covered by test/browser.

type Handler = (e: unknown) => void;

class Emitter {
  private handlers = new Map<string, Handler[]>();
  on(event: string, f: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), f]);
    return this;
  }
  once(event: string, f: Handler) {
    return this.on(event, f);
  }
  emit(event: string, e: unknown = {}) {
    for (const f of this.handlers.get(event) ?? []) f(e);
  }
}

class FakeSession extends Emitter {
  calls: string[] = [];
  ended = false;
  connection = null;
  constructor(
    readonly id: string,
    readonly remote_identity = {
      display_name: '',
      uri: { user: '+15550122', toString: () => 'sip:+15550122@x' },
    },
  ) {
    super();
  }
  answer(opts: unknown) {
    this.calls.push(`answer ${JSON.stringify(opts)}`);
  }
  terminate(opts?: { status_code?: number }) {
    this.calls.push(`terminate ${opts?.status_code ?? ''}`.trim());
    this.ended = true;
  }
  hold() {
    this.calls.push('hold');
  }
  unhold() {
    this.calls.push('unhold');
  }
  mute() {
    this.calls.push('mute');
  }
  unmute() {
    this.calls.push('unmute');
  }
  sendDTMF(tones: string, opts: { transportType: string }) {
    this.calls.push(`dtmf ${tones} ${opts.transportType}`);
  }
  isEnded() {
    return this.ended;
  }
}

class FakeUA extends Emitter {
  static last: FakeUA;
  started = false;
  stopped = false;
  registers = 0;
  dialled: string[] = [];
  constructor(readonly config: Record<string, unknown>) {
    super();
    FakeUA.last = this;
  }
  start() {
    this.started = true;
  }
  stop() {
    this.stopped = true;
    this.emit('unregistered');
  }
  register() {
    this.registers++;
  }
  call(uri: string) {
    this.dialled.push(uri);
    const s = new FakeSession(`out-${this.dialled.length}`);
    this.emit('newRTCSession', { originator: 'local', session: s, request: { call_id: 'sip-out' } });
    return s;
  }
}

const fakeJsSip = {
  UA: FakeUA,
  WebSocketInterface: class {
    constructor(readonly url: string) {}
  },
} as unknown as JsSipApi;

const account = {
  uri: 'sip:ann@t1.example',
  username: 'ann',
  realm: 't1.example',
  ha1: 'a'.repeat(32),
  wsServers: ['wss://127.0.0.1:8461'],
};

function incoming(ua: FakeUA, id: string, headers: Record<string, string>) {
  const session = new FakeSession(id);
  ua.emit('newRTCSession', {
    originator: 'remote',
    session,
    request: { getHeader: (h: string) => headers[h] ?? headers[h.toLowerCase()] ?? '' },
  });
  return session;
}

let phone: Softphone;
let ua: FakeUA;

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('window', new EventTarget());
  phone = new Softphone(account, { remoteAudio: () => null, now: () => Date.now(), jssip: fakeJsSip });
  phone.start();
  ua = FakeUA.last;
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const registered = () => {
  ua.emit('connected');
  ua.emit('registered');
};

describe('the softphone over JsSIP', () => {
  it('registers with the HA1 and realm, never a password, over the given WebSocket', () => {
    expect(ua.started).toBe(true);
    expect(ua.config).toMatchObject({
      uri: account.uri,
      realm: 't1.example',
      ha1: account.ha1,
      register: true,
    });
    expect(ua.config).not.toHaveProperty('password');
    registered();
    expect(phone.getSnapshot().status.registration).toBe('registered');
  });

  it('retries a 503 refusal itself with backoff, and stops on a 403', async () => {
    registered();
    ua.emit('registrationFailed', { cause: 'SIP Failure Code', response: { status_code: 503 } });
    expect(phone.getSnapshot().status.registration).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(2000);
    expect(ua.registers).toBe(1);
    ua.emit('registrationFailed', { cause: 'Rejected', response: { status_code: 403 } });
    expect(phone.getSnapshot().status).toMatchObject({ registration: 'failed' });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ua.registers).toBe(1);
  });

  it('keeps an established call when the socket drops and comes back', () => {
    registered();
    const s = incoming(ua, 'in-1', { 'X-Hotline-Call-Id': 'call-9' });
    phone.answer('in-1');
    s.emit('confirmed');
    ua.emit('disconnected');
    expect(phone.getSnapshot().status.registration).toBe('reconnecting');
    expect(phone.getSnapshot().calls[0]).toMatchObject({ phase: 'active' });
    registered();
    expect(phone.getSnapshot().calls[0]).toMatchObject({ phase: 'active', hotlineCallId: 'call-9' });
  });

  it('reports an incoming call with its Hotline call id and caller, and answers with audio only', () => {
    registered();
    const seen: string[] = [];
    phone.onIncoming((c) => seen.push(`${c.remote} ${c.hotlineCallId}`));
    const s = incoming(ua, 'in-1', { 'X-Hotline-Call-Id': 'call-9' });
    expect(seen).toEqual(['+15550122 call-9']);
    phone.answer('in-1');
    expect(s.calls[0]).toContain('"audio":true,"video":false');
    expect(phone.getSnapshot().calls[0]?.phase).toBe('connecting');
  });

  it('rejects with 603 Decline so the ACD moves on to the next agent', () => {
    registered();
    const s = incoming(ua, 'in-1', {});
    phone.reject('in-1');
    expect(s.calls).toEqual(['terminate 603']);
  });

  it('holds by re-INVITE, mutes the track and sends DTMF as RFC 4733, only while active', () => {
    registered();
    const s = incoming(ua, 'in-1', {});
    expect(() => phone.hold('in-1')).toThrow(SoftphoneError);
    phone.answer('in-1');
    s.emit('confirmed');
    phone.hold('in-1');
    s.emit('hold', { originator: 'local' });
    expect(() => phone.sendDtmf('in-1', '5')).toThrow(/Cannot dtmf/);
    phone.resume('in-1');
    s.emit('unhold', { originator: 'local' });
    phone.mute('in-1');
    phone.sendDtmf('in-1', '12#');
    expect(s.calls.slice(1)).toEqual(['hold', 'unhold', 'mute', 'dtmf 12# RFC2833']);
    expect(() => phone.sendDtmf('in-1', 'x')).toThrow(/Only 0–9/);
  });

  it('ends a call with the reason in words and forgets it a little later', async () => {
    registered();
    const s = incoming(ua, 'in-1', {});
    s.emit('failed', { originator: 'remote', cause: 'Canceled' });
    expect(phone.getSnapshot().calls[0]).toMatchObject({
      phase: 'ended',
      endMessage: expect.stringMatching(/stopped ringing/),
    });
    await vi.advanceTimersByTimeAsync(8000);
    expect(phone.getSnapshot().calls).toEqual([]);
  });

  it('dials a normalised target in the account realm, and refuses before registration', () => {
    expect(() => phone.dial('2001')).toThrow(/not registered/);
    registered();
    phone.dial(' 20-01 ');
    expect(ua.dialled).toEqual(['sip:2001@t1.example']);
    expect(phone.getSnapshot().calls[0]).toMatchObject({ direction: 'outgoing', phase: 'dialing' });
    expect(() => phone.dial('bob@evil.example')).toThrow(SoftphoneError);
  });

  it('stop hangs up calls in progress and unregisters', async () => {
    registered();
    const s = incoming(ua, 'in-1', {});
    await phone.stop();
    expect(s.calls).toEqual(['terminate']);
    expect(ua.stopped).toBe(true);
    expect(phone.getSnapshot().status.registration).toBe('stopped');
  });
});
