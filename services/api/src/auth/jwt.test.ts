import { describe, expect, it } from 'vitest';
import { signJwt, verifyJwt } from './jwt';

const secret = 'a-secret-of-at-least-thirty-two-characters';
const claims = { iss: 'hotline' as const, sub: 'usr-1', tid: 'acme', iat: 1000, exp: 2000 };

describe('session JWT (HS256)', () => {
  it('verifies what it signed until it expires', () => {
    const token = signJwt(claims, secret);
    expect(verifyJwt(token, secret, 1500)).toEqual({ ok: true, claims });
    expect(verifyJwt(token, secret, 2000)).toEqual({ ok: false, reason: 'token expired' });
  });

  it('refuses a token signed with another key', () => {
    expect(verifyJwt(signJwt(claims, `${secret}-other`), secret, 1500)).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('refuses changed claims under the original signature', () => {
    const [h, , s] = signJwt(claims, secret).split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, tid: 'globex' })).toString('base64url');
    expect(verifyJwt(`${h}.${forged}.${s}`, secret, 1500)).toMatchObject({
      ok: false,
      reason: 'bad signature',
    });
  });

  it('refuses alg "none" whatever the payload', () => {
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expect(verifyJwt(`${none}.${payload}.`, secret, 1500)).toMatchObject({ ok: false });
  });
});
