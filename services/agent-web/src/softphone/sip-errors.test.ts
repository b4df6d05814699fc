import { describe, expect, it } from 'vitest';
import { callEndMessage, registrationFailureIsTransient, registrationFailureMessage } from './sip-errors';

describe('SIP failures in words', () => {
  it('names a connection failure and the self-signed certificate fix', () => {
    expect(registrationFailureMessage({ cause: 'Connection Error' })).toMatch(/certificate/);
  });

  it('only connection problems and 5xx-like refusals are transient', () => {
    expect(registrationFailureIsTransient({ cause: 'Connection Error' })).toBe(true);
    expect(registrationFailureIsTransient({ cause: 'SIP Failure Code', status: 503 })).toBe(true);
    expect(registrationFailureIsTransient({ cause: 'SIP Failure Code', status: 404 })).toBe(false);
    expect(registrationFailureIsTransient({ cause: 'Authentication Error' })).toBe(false);
  });

  it('tells a caller who gave up apart from an agent who cancelled', () => {
    expect(callEndMessage({ cause: 'Canceled', originator: 'remote' })).toMatch(/stopped ringing/);
    expect(callEndMessage({ cause: 'Canceled', originator: 'local' })).toBe('Call cancelled.');
  });

  it('keeps an unknown cause and its SIP code visible', () => {
    expect(callEndMessage({ cause: 'Weird', status: 599, originator: 'system' })).toBe(
      'Call ended: Weird (SIP 599).',
    );
  });
});
