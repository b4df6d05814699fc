import { describe, expect, it } from 'vitest';
import { isDtmfTones, normalizeDialTarget } from './dial-target';

describe('what an agent may dial', () => {
  it('accepts extensions, SIP users and numbers, dropping spaces and dashes', () => {
    expect(normalizeDialTarget(' 2001 ')).toBe('2001');
    expect(normalizeDialTarget('+33 (1) 23-45')).toBe('+3312345');
    expect(normalizeDialTarget('agent.bob')).toBe('agent.bob');
  });

  it('refuses what is no SIP user nor number', () => {
    expect(normalizeDialTarget('')).toBeNull();
    expect(normalizeDialTarget('bob@evil.example')).toBeNull();
    expect(normalizeDialTarget('sip:x;transport=tcp')).toBeNull();
  });

  it('DTMF is 0-9 * # A-D only', () => {
    expect(isDtmfTones('12#*A')).toBe(true);
    expect(isDtmfTones('1x')).toBe(false);
    expect(isDtmfTones('')).toBe(false);
  });
});
