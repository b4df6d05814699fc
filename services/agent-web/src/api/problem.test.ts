import { describe, expect, it } from 'vitest';
import { apiErrorOf } from './problem';

describe('problem+json to messages', () => {
  it('a 401 on a signed-in request means the session expired', () => {
    const e = apiErrorOf(401, { detail: 'token expired', code: 'unauthenticated' });
    expect(e.kind).toBe('session-expired');
    expect(e.message).toMatch(/sign in again/);
  });

  it('a 401 to the sign-in shows the server detail (wrong credentials)', () => {
    const e = apiErrorOf(401, { detail: 'wrong tenant, email or password' }, { signedIn: false });
    expect(e.kind).toBe('invalid');
    expect(e.message).toBe('wrong tenant, email or password');
  });

  it('lists field errors after the detail', () => {
    const e = apiErrorOf(422, {
      detail: 'the wrap-up is invalid',
      errors: [{ field: 'dispositionCodeId', message: 'required' }],
    });
    expect(e.message).toBe('the wrap-up is invalid: dispositionCodeId required');
    expect(e.fields).toHaveLength(1);
  });

  it('a 5xx does not leak internals and a body that is not JSON still gives a message', () => {
    expect(apiErrorOf(500, { detail: 'stack trace here' }).message).toBe('The server failed (HTTP 500).');
    expect(apiErrorOf(503, 'Service Unavailable').kind).toBe('unavailable');
    expect(apiErrorOf(403, null).message).toBe('You are not allowed to do that.');
  });
});
