import { describe, expect, it } from 'vitest';
import {
  callControls,
  initialPhoneStatus,
  newCall,
  nextCall,
  nextPhoneStatus,
  type PhoneEvent,
  type PhoneStatus,
} from './phone-state';

const run = (events: PhoneEvent[], from: PhoneStatus = initialPhoneStatus): PhoneStatus =>
  events.reduce((s, e, i) => nextPhoneStatus(s, e, i + 1), from);

const registered = run([{ type: 'start' }, { type: 'ws-connected' }, { type: 'registered' }]);

describe('registration', () => {
  it('goes connecting → registering → registered', () => {
    expect(run([{ type: 'start' }]).registration).toBe('connecting');
    expect(run([{ type: 'start' }, { type: 'ws-connected' }]).registration).toBe('registering');
    expect(registered).toMatchObject({ registration: 'registered', message: null });
  });

  it('stops with a clear message when the server refuses the credentials', () => {
    const s = run([{ type: 'registration-failed', failure: { cause: 'Authentication Error' } }], registered);
    expect(s.registration).toBe('failed');
    expect(s.message).toMatch(/refused your SIP credentials/);
  });

  it('treats a 503 refusal as transient and keeps trying', () => {
    const s = run(
      [{ type: 'registration-failed', failure: { cause: 'SIP Failure Code', status: 503 } }],
      registered,
    );
    expect(s.registration).toBe('reconnecting');
    expect(s.message).toMatch(/503/);
  });

  it('reconnects after the socket is lost and says a call keeps its audio', () => {
    const lost = run([{ type: 'ws-disconnected' }], registered);
    expect(lost.registration).toBe('reconnecting');
    expect(lost.message).toMatch(/call in progress keeps its audio/);
    const back = run([{ type: 'ws-connected' }, { type: 'registered' }], lost);
    expect(back).toMatchObject({ registration: 'registered', message: null });
  });

  it('says the server cannot be reached when the first connection fails', () => {
    const s = run([{ type: 'start' }, { type: 'ws-disconnected' }]);
    expect(s.message).toMatch(/Cannot reach/);
  });

  it('stays failed when the socket drops afterwards (no retry loop on bad credentials)', () => {
    const failed = run([{ type: 'registration-failed', failure: { cause: 'Rejected' } }], registered);
    expect(run([{ type: 'ws-disconnected' }, { type: 'ws-connected' }], failed)).toBe(failed);
  });

  it('keeps the same object when nothing changes', () => {
    expect(nextPhoneStatus(registered, { type: 'registered' }, 99)).toBe(registered);
  });
});

describe('a call', () => {
  const incoming = newCall({
    id: 's1',
    direction: 'incoming',
    remote: '+3312345',
    hotlineCallId: 'call-1',
    sipCallId: 'abc',
    now: 1000,
  });

  it('rings, is answered and becomes active with its answer time', () => {
    const answering = nextCall(incoming, { type: 'answering' }, 1500);
    expect(answering.phase).toBe('connecting');
    const active = nextCall(answering, { type: 'confirmed' }, 1700);
    expect(active).toMatchObject({ phase: 'active', answeredAt: 1700 });
  });

  it('offers answer and reject while ringing, but not hang-up or hold', () => {
    expect(callControls(incoming)).toMatchObject({ answer: true, reject: true, hangup: false, hold: false });
  });

  it('on hold offers resume, no DTMF, and keeps transfer', () => {
    const held = nextCall(nextCall(incoming, { type: 'confirmed' }, 2), { type: 'hold' }, 3);
    expect(callControls(held)).toMatchObject({ hold: false, resume: true, dtmf: false, transfer: true });
  });

  it('mute and unmute flip the muted flag', () => {
    const active = nextCall(incoming, { type: 'confirmed' }, 2);
    const muted = nextCall(active, { type: 'muted' }, 3);
    expect(callControls(muted)).toMatchObject({ mute: false, unmute: true });
    expect(nextCall(muted, { type: 'unmuted' }, 4).muted).toBe(false);
  });

  it('ends with a message naming who hung up, and ignores events after that', () => {
    const active = nextCall(incoming, { type: 'confirmed' }, 2);
    const ended = nextCall(
      active,
      { type: 'ended', originator: 'remote', failure: { cause: 'Terminated' } },
      9,
    );
    expect(ended).toMatchObject({ phase: 'ended', endedAt: 9, endMessage: 'The other party hung up.' });
    expect(nextCall(ended, { type: 'hold' }, 10)).toBe(ended);
    expect(callControls(ended).hangup).toBe(false);
  });

  it('an outgoing call goes dialing → early on 180', () => {
    const out = newCall({
      id: 's2',
      direction: 'outgoing',
      remote: '2001',
      hotlineCallId: null,
      sipCallId: 'x',
      now: 0,
    });
    expect(out.phase).toBe('dialing');
    expect(callControls(out).hangup).toBe(true);
    expect(nextCall(out, { type: 'progress' }, 1).phase).toBe('early');
  });
});
