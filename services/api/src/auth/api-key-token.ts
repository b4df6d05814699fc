import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// An API key token is `hlk_<keyId>_<secret>`: the key id locates the stored hash in one get,
// the secret (256 random bits, base64url) is what proves possession.
const TOKEN = /^hlk_([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)_([A-Za-z0-9_-]{43})$/;

export function newApiKeySecret(keyId: string): { token: string; secretHash: string; hint: string } {
  const secret = randomBytes(32).toString('base64url');
  const token = `hlk_${keyId}_${secret}`;
  return { token, secretHash: sha256Hex(secret), hint: `${token.slice(0, 12)}…` };
}

export function parseApiKeyToken(token: string): { keyId: string; secret: string } | null {
  const m = TOKEN.exec(token);
  return m ? { keyId: m[1]!, secret: m[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(sha256Hex(secret), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function sha256Hex(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Compares two secrets without leaking where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
