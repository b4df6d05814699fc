import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// JWT (RFC 7519) with HS256 (RFC 7518 §3.2) only: the algorithm is fixed here, never read from
// the token's header, so "alg: none" and key-confusion tricks cannot apply.

export const sessionClaims = z.object({
  iss: z.literal('hotline'),
  sub: z.string().min(1),
  tid: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
});

export type SessionClaims = z.infer<typeof sessionClaims>;

const HEADER = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function b64url(text: string | Buffer): string {
  return Buffer.from(text).toString('base64url');
}

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signJwt(claims: SessionClaims, secret: string): string {
  const body = `${HEADER}.${b64url(JSON.stringify(claims))}`;
  return `${body}.${sign(body, secret).toString('base64url')}`;
}

export type JwtResult = { ok: true; claims: SessionClaims } | { ok: false; reason: string };

export function verifyJwt(token: string, secret: string, nowSeconds: number): JwtResult {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER) return { ok: false, reason: 'unsupported token header' };
  const expected = sign(`${header}.${payload}`, secret);
  const actual = Buffer.from(signature, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'bad signature' };
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed claims' };
  }
  const claims = sessionClaims.safeParse(json);
  if (!claims.success) return { ok: false, reason: 'malformed claims' };
  if (claims.data.exp <= nowSeconds) return { ok: false, reason: 'token expired' };
  return { ok: true, claims: claims.data };
}

export function looksLikeJwt(token: string): boolean {
  return token.startsWith('eyJ') && token.split('.').length === 3;
}
