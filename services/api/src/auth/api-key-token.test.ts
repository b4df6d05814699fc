import { describe, expect, it } from 'vitest';
import { newApiKeySecret, parseApiKeyToken, secretMatches } from './api-key-token';

describe('API key tokens', () => {
  it('carries the key id and a secret that matches only its stored hash', () => {
    const { token, secretHash } = newApiKeySecret('key-0abc');
    const parsed = parseApiKeyToken(token);
    expect(parsed?.keyId).toBe('key-0abc');
    expect(secretMatches(parsed!.secret, secretHash)).toBe(true);
    expect(
      secretMatches(
        parsed!.secret.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
        secretHash,
      ),
    ).toBe(false);
  });

  it('does not parse tokens of another shape', () => {
    expect(parseApiKeyToken('hlk_key_short')).toBeNull();
    expect(parseApiKeyToken('Bearer whatever')).toBeNull();
  });
});
