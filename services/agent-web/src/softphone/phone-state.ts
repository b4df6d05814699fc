import {
  callEndMessage,
  registrationFailureIsTransient,
  registrationFailureMessage,
  type SipFailure,
} from './sip-errors';

// The softphone's states as plain data and pure transitions, so the rules (what a lost socket
// does to a registration and to a call in progress) are testable without a browser.

export type RegistrationState =
  'stopped' | 'connecting' | 'registering' | 'registered' | 'reconnecting' | 'failed';

export interface PhoneStatus {
  registration: RegistrationState;
  /** What the agent should know about the registration (an error or a notice); null when fine. */
  message: string | null;
  since: number;
}

export type PhoneEvent =
  | { type: 'start' }
  | { type: 'ws-connected' }
  | { type: 'ws-disconnected' }
  | { type: 'registered' }
  | { type: 'registration-failed'; failure: SipFailure }
  | { type: 'unregistered' }
  | { type: 'stop' };

export const initialPhoneStatus: PhoneStatus = { registration: 'stopped', message: null, since: 0 };

const LOST = 'Connection to the phone server lost; reconnecting. A call in progress keeps its audio.';

export function nextPhoneStatus(s: PhoneStatus, e: PhoneEvent, now: number): PhoneStatus {
  const to = (registration: RegistrationState, message: string | null = null): PhoneStatus =>
    registration === s.registration && message === s.message ? s : { registration, message, since: now };
  switch (e.type) {
    case 'start':
      return to('connecting');
    case 'stop':
      return to('stopped');
    case 'ws-connected':
      // JsSIP registers as soon as the socket is up (again).
      return s.registration === 'stopped' || s.registration === 'failed' ? s : to('registering', s.message);
    case 'ws-disconnected':
      if (s.registration === 'stopped' || s.registration === 'failed') return s;
      return to(
        'reconnecting',
        s.registration === 'connecting' ? 'Cannot reach the phone server; retrying.' : LOST,
      );
    case 'registered':
      return s.registration === 'stopped' ? s : to('registered');
    case 'registration-failed':
      if (s.registration === 'stopped') return s;
      return registrationFailureIsTransient(e.failure)
        ? to('reconnecting', registrationFailureMessage(e.failure))
        : to('failed', registrationFailureMessage(e.failure));
    case 'unregistered':
      return s.registration === 'failed' ? s : to('stopped');
  }
}

/** Whether the agent can take and place calls right now. */
export function canCall(s: PhoneStatus): boolean {
  return s.registration === 'registered';
}

export type CallDirection = 'incoming' | 'outgoing';
export type CallPhase = 'ringing' | 'dialing' | 'early' | 'connecting' | 'active' | 'ended';

export interface CallInfo {
  /** Our own handle (JsSIP's session id). */
  id: string;
  direction: CallDirection;
  phase: CallPhase;
  /** Who is on the other side, as SIP shows it (user part or display name). */
  remote: string;
  /** Hotline's call id (X-Hotline-Call-Id of the INVITE), when the edge sent one. */
  hotlineCallId: string | null;
  sipCallId: string;
  held: boolean;
  muted: boolean;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  endMessage: string | null;
}

export type CallEvent =
  | { type: 'progress' }
  | { type: 'answering' }
  | { type: 'accepted' }
  | { type: 'confirmed' }
  | { type: 'hold' }
  | { type: 'unhold' }
  | { type: 'muted' }
  | { type: 'unmuted' }
  | { type: 'ended'; originator: 'local' | 'remote' | 'system'; failure: SipFailure };

export function newCall(init: {
  id: string;
  direction: CallDirection;
  remote: string;
  hotlineCallId: string | null;
  sipCallId: string;
  now: number;
}): CallInfo {
  return {
    id: init.id,
    direction: init.direction,
    phase: init.direction === 'incoming' ? 'ringing' : 'dialing',
    remote: init.remote,
    hotlineCallId: init.hotlineCallId,
    sipCallId: init.sipCallId,
    held: false,
    muted: false,
    startedAt: init.now,
    answeredAt: null,
    endedAt: null,
    endMessage: null,
  };
}

export function nextCall(c: CallInfo, e: CallEvent, now: number): CallInfo {
  if (c.phase === 'ended') return c;
  switch (e.type) {
    case 'progress':
      return c.direction === 'outgoing' && c.phase === 'dialing' ? { ...c, phase: 'early' } : c;
    case 'answering':
      return c.phase === 'ringing' ? { ...c, phase: 'connecting' } : c;
    case 'accepted':
    case 'confirmed':
      return c.phase === 'active' ? c : { ...c, phase: 'active', answeredAt: c.answeredAt ?? now };
    case 'hold':
      return { ...c, held: true };
    case 'unhold':
      return { ...c, held: false };
    case 'muted':
      return { ...c, muted: true };
    case 'unmuted':
      return { ...c, muted: false };
    case 'ended':
      return {
        ...c,
        phase: 'ended',
        held: false,
        endedAt: now,
        endMessage: callEndMessage({ ...e.failure, originator: e.originator }),
      };
  }
}

/** Which controls make sense for a call in its current phase. */
export function callControls(c: CallInfo | null) {
  const live = c !== null && c.phase !== 'ended';
  const active = live && c.phase === 'active';
  return {
    answer: live && c.direction === 'incoming' && c.phase === 'ringing',
    reject: live && c.direction === 'incoming' && c.phase === 'ringing',
    hangup: live && !(c.direction === 'incoming' && c.phase === 'ringing'),
    hold: active && !c.held,
    resume: active && c.held,
    mute: active && !c.muted,
    unmute: active && c.muted,
    dtmf: active && !c.held,
    transfer: active,
  };
}
