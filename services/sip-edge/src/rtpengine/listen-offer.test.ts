import { describe, expect, it } from 'vitest';
import { forBrowserListener } from './listen-offer';

const subscription = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=rtpengine',
  't=0 0',
  'm=audio 40548 UDP/TLS/RTP/SAVPF 8',
  'a=mid:1',
  'a=ice-ufrag:aaaa',
  'm=audio 40560 UDP/TLS/RTP/SAVPF 8',
  'a=mid:1',
  'a=ice-ufrag:bbbb',
  '',
].join('\r\n');

describe('the listen offer for a browser', () => {
  it('declares ICE-lite once, at session level, so the browser controls every stream', () => {
    const sdp = forBrowserListener(subscription);
    const lines = sdp.split('\r\n');
    expect(lines.filter((l) => l === 'a=ice-lite')).toHaveLength(1);
    expect(lines.indexOf('a=ice-lite')).toBe(lines.indexOf('t=0 0') + 1);
    expect(lines.indexOf('a=ice-lite')).toBeLessThan(lines.findIndex((l) => l.startsWith('m=')));
    expect(
      forBrowserListener(sdp)
        .split('\r\n')
        .filter((l) => l === 'a=ice-lite'),
    ).toHaveLength(1);
  });

  it('gives each stream its own a=mid and keeps the rest as it was', () => {
    const sdp = forBrowserListener(subscription);
    expect(sdp.match(/^a=mid:.*$/gm)).toEqual(['a=mid:1', 'a=mid:2']);
    expect(sdp.replace('a=ice-lite\r\n', '').replace('a=mid:2', 'a=mid:1')).toBe(subscription);
  });

  it('works on LF-only SDP too', () => {
    const sdp = forBrowserListener(subscription.replaceAll('\r\n', '\n'));
    expect(sdp).toContain('t=0 0\na=ice-lite\nm=audio');
  });
});
