import { ConfigError, loadConfig } from '@hotline/platform';
import { describe, expect, it } from 'vitest';
import { acdSettings } from './settings';

const load = (env: Record<string, string>) => loadConfig(acdSettings, env, { ownedPrefixes: [] });

describe('acd-router settings', () => {
  it('callbacks default to a 30 s ring, 3 attempts, 5 min apart', () => {
    expect(load({})).toMatchObject({
      HOTLINE_ACD_CALLBACK_RING_TIMEOUT_MS: 30_000,
      HOTLINE_ACD_CALLBACK_MAX_ATTEMPTS: 3,
      HOTLINE_ACD_CALLBACK_RETRY_MS: 300_000,
    });
  });

  it('reads the callback settings from the environment', () => {
    expect(
      load({
        HOTLINE_ACD_CALLBACK_RING_TIMEOUT_MS: '45000',
        HOTLINE_ACD_CALLBACK_MAX_ATTEMPTS: '5',
        HOTLINE_ACD_CALLBACK_RETRY_MS: '60000',
      }),
    ).toMatchObject({
      HOTLINE_ACD_CALLBACK_RING_TIMEOUT_MS: 45_000,
      HOTLINE_ACD_CALLBACK_MAX_ATTEMPTS: 5,
      HOTLINE_ACD_CALLBACK_RETRY_MS: 60_000,
    });
  });

  it.each([
    ['HOTLINE_ACD_CALLBACK_RING_TIMEOUT_MS', '400000'],
    ['HOTLINE_ACD_CALLBACK_MAX_ATTEMPTS', '0'],
    ['HOTLINE_ACD_CALLBACK_MAX_ATTEMPTS', 'three'],
    ['HOTLINE_ACD_CALLBACK_RETRY_MS', '-1'],
  ])('refuses %s=%s, naming the key', (key, value) => {
    const err = (() => {
      try {
        load({ [key]: value });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.key)).toEqual([key]);
  });
});
