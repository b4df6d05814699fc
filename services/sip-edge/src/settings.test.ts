import { loadConfig, ConfigError } from '@hotline/platform';
import { describe, expect, it } from 'vitest';
import { sipEdgeSettings } from './settings';

const load = (env: Record<string, string>) =>
  loadConfig(sipEdgeSettings, env, { ownedPrefixes: ['HOTLINE_SIP_'] });

describe('sip-edge settings', () => {
  it('defaults to the local media plane of infra/local', () => {
    const s = load({});
    expect(s.HOTLINE_SIP_PORT).toBe(5480);
    expect(s.HOTLINE_SIP_PROXY).toEqual({ host: '127.0.0.1', port: 5460 });
    expect(s.HOTLINE_SIP_RTPENGINE).toEqual([{ host: '127.0.0.1', port: 22620 }]);
    expect(s.HOTLINE_SIP_DTMF_PORT).toBe(5470);
    expect(s.HOTLINE_SIP_KAMAILIO_RPC).toBe('http://127.0.0.1:8460/RPC');
  });

  it('takes several rtpengine instances', () => {
    expect(load({ HOTLINE_SIP_RTPENGINE: '10.0.0.1:22620, 10.0.0.2:22620' }).HOTLINE_SIP_RTPENGINE).toEqual([
      { host: '10.0.0.1', port: 22620 },
      { host: '10.0.0.2', port: 22620 },
    ]);
  });

  it('names every bad setting at once', () => {
    try {
      load({
        HOTLINE_SIP_PROXY: 'kamailio',
        HOTLINE_SIP_EDGE_TOKEN: 'short',
        HOTLINE_SIP_RTPENGINE: ' , ',
        HOTLINE_SIP_PORTT: '1',
      });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).issues.map((i) => i.key)).toEqual([
        'HOTLINE_SIP_EDGE_TOKEN',
        'HOTLINE_SIP_PORTT',
        'HOTLINE_SIP_PROXY',
        'HOTLINE_SIP_RTPENGINE',
      ]);
    }
  });
});
