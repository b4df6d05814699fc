import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error';
import { loadConfig } from './load-config';
import { serveSettings, upSettings } from './platform-settings';

const goodServe = {
  HOTLINE_KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.2:19092',
  HOTLINE_MONGO_URL: 'mongodb://127.0.0.1:27018/',
  HOTLINE_REDIS_URL: 'redis://127.0.0.1:16379',
};

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses, converts and applies defaults into a frozen object', () => {
    const config = loadConfig(serveSettings, { ...goodServe, HOTLINE_HTTP_PORT: '9000', PATH: '/usr/bin' });
    expect(config.HOTLINE_KAFKA_BROKERS).toEqual(['127.0.0.1:19092', '127.0.0.2:19092']);
    expect(config.HOTLINE_HTTP_PORT).toBe(9000);
    expect(config.HOTLINE_SITE_ID).toBe('site-1');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every bad, missing and unknown key in one error', () => {
    const err = errorOf(() =>
      loadConfig(serveSettings, {
        HOTLINE_KAFKA_BROKERS: 'no-port-here',
        HOTLINE_HTTP_PORT: 'eighty',
        HOTLINE_REDIS_URL: 'http://wrong-scheme',
        HOTLINE_KAFKA_BROKER: 'typo:9092',
      }),
    );
    expect(err.issues.map((i) => i.key)).toEqual([
      'HOTLINE_HTTP_PORT',
      'HOTLINE_KAFKA_BROKER',
      'HOTLINE_KAFKA_BROKERS',
      'HOTLINE_MONGO_URL',
      'HOTLINE_REDIS_URL',
    ]);
    expect(err.message).toContain('did you mean HOTLINE_KAFKA_BROKERS?');
    expect(err.issues.find((i) => i.key === 'HOTLINE_MONGO_URL')?.message).toBe('required, not set');
    expect(err.issues.find((i) => i.key === 'HOTLINE_HTTP_PORT')?.message).toContain('port');
  });

  it('treats an empty variable as unset', () => {
    const err = errorOf(() => loadConfig(serveSettings, { ...goodServe, HOTLINE_MONGO_URL: '  ' }));
    expect(err.issues).toEqual([{ key: 'HOTLINE_MONGO_URL', message: 'required, not set' }]);
  });

  it('rejects settings of the other shape as unknown', () => {
    const err = errorOf(() => loadConfig(upSettings, { HOTLINE_KAFKA_BROKERS: '127.0.0.1:1' }));
    expect(err.issues[0]?.key).toBe('HOTLINE_KAFKA_BROKERS');
    expect(err.issues[0]?.message).toContain('unknown setting');
  });

  it('ignores variables that are not ours', () => {
    expect(() => loadConfig(upSettings, { HOME: '/root', KAFKA_PORT: '1' })).not.toThrow();
  });
});
