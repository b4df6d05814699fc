import { describe, expect, it } from 'vitest';
import { ConfigError } from '@hotline/platform';
import { recorderSettingsFrom } from './settings';

describe('recorder settings', () => {
  it('defaults to local storage under the data directory and rtpengine’s local spool', () => {
    const s = recorderSettingsFrom({ HOTLINE_DATA_DIR: '/var/lib/hotline' });
    expect(s.HOTLINE_RECORDER_STORE).toBe('local');
    expect(s.localDir).toBe('/var/lib/hotline/recordings');
    expect(s.HOTLINE_RECORDER_SPOOL_DIR).toBe('.local/rtpengine/recordings');
    expect(s.HOTLINE_RECORDER_RTPENGINE_URLS).toEqual(['http://127.0.0.1:22622']);
  });

  it('names every S3 setting that is missing when the store is s3, at once', () => {
    const err = (() => {
      try {
        recorderSettingsFrom({ HOTLINE_RECORDER_STORE: 's3', HOTLINE_RECORDER_S3_BUCKET: 'recordings' });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues.map((i) => i.key)).toEqual([
      'HOTLINE_RECORDER_S3_ENDPOINT',
      'HOTLINE_RECORDER_S3_ACCESS_KEY_ID',
      'HOTLINE_RECORDER_S3_SECRET_ACCESS_KEY',
    ]);
  });

  it('reports a malformed value with the key it belongs to', () => {
    expect(() => recorderSettingsFrom({ HOTLINE_RECORDER_RTPENGINE_URLS: 'not a url' })).toThrow(
      /HOTLINE_RECORDER_RTPENGINE_URLS/,
    );
  });
});
