import { ConfigError, loadConfig } from '@hotline/platform';
import { describe, expect, it } from 'vitest';
import { edgeSyncSettings } from './config';

const good = {
  HOTLINE_EDGE_SYNC_NAMESPACE: 'hotline-edge',
  HOTLINE_EDGE_SYNC_CALL_CONTROL_SELECTOR:
    'app.kubernetes.io/name=sip-edge,app.kubernetes.io/component=sip-edge',
  HOTLINE_EDGE_SYNC_DISPATCHER_FILE: '/var/run/hotline-edge/dispatcher.list',
  HOTLINE_EDGE_SYNC_KAMAILIO_RPC_URL: 'http://127.0.0.1:5071/RPC',
};

describe('edge sync settings', () => {
  it('takes the settings the sip-edge chart gives it, with defaults for the rest', () => {
    const config = loadConfig(edgeSyncSettings, good);
    expect(config.HOTLINE_EDGE_SYNC_DISPATCHER_SET).toBe(1);
    expect(config.HOTLINE_EDGE_SYNC_CALL_CONTROL_PORT).toBe(5480);
    expect(config.HOTLINE_EDGE_SYNC_RTPENGINE_SELECTOR).toBeUndefined();
  });

  it('reports every bad setting at once, by name', () => {
    const env = {
      ...good,
      HOTLINE_EDGE_SYNC_NAMESPACE: 'Not_A_Namespace',
      HOTLINE_EDGE_SYNC_CALL_CONTROL_SELECTOR: 'no selector here',
      HOTLINE_EDGE_SYNC_DISPATCHER_FILE: 'relative/dispatcher.list',
      HOTLINE_EDGE_SYNC_KAMAILIO_RPC: 'typo',
    };
    let error: unknown;
    try {
      loadConfig(edgeSyncSettings, env);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.key)).toEqual([
      'HOTLINE_EDGE_SYNC_CALL_CONTROL_SELECTOR',
      'HOTLINE_EDGE_SYNC_DISPATCHER_FILE',
      'HOTLINE_EDGE_SYNC_KAMAILIO_RPC',
      'HOTLINE_EDGE_SYNC_NAMESPACE',
    ]);
  });

  it('lets the RPC be turned off: files only', () => {
    expect(
      loadConfig(edgeSyncSettings, { ...good, HOTLINE_EDGE_SYNC_KAMAILIO_RPC_URL: 'none' })
        .HOTLINE_EDGE_SYNC_KAMAILIO_RPC_URL,
    ).toBe('none');
  });
});
