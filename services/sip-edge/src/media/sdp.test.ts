import { describe, expect, it } from 'vitest';
import { buildAudioSdp, chooseG711, parseAudio, SdpError, telephoneEvent } from './sdp';

const offer = [
  'v=0',
  'o=- 1 1 IN IP4 10.0.0.1',
  's=-',
  'c=IN IP4 10.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 0 8 101',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=sendonly',
  'm=video 40002 RTP/AVP 96',
  'c=IN IP4 10.9.9.9',
  '',
].join('\r\n');

describe('SDP', () => {
  it('reads the first audio stream: address, port, static and mapped codecs, direction', () => {
    const audio = parseAudio(offer);
    expect(audio).toMatchObject({
      address: '10.0.0.1',
      port: 40000,
      protocol: 'RTP/AVP',
      direction: 'sendonly',
    });
    expect(audio.codecs.map((c) => c.name)).toEqual(['PCMU', 'PCMA', 'TELEPHONE-EVENT']);
    expect(chooseG711(audio)?.name).toBe('PCMA');
    expect(telephoneEvent(audio)?.payloadType).toBe(101);
  });

  it('prefers a media-level connection address over the session one', () => {
    const sdp = offer.replace(
      'm=audio 40000 RTP/AVP 0 8 101',
      'm=audio 40000 RTP/AVP 0 8 101\r\nc=IN IP4 10.0.0.2',
    );
    expect(parseAudio(sdp).address).toBe('10.0.0.2');
  });

  it('refuses an SDP without audio or without an address', () => {
    expect(() => parseAudio('v=0\r\nm=video 1 RTP/AVP 96\r\n')).toThrow(SdpError);
    expect(() => parseAudio('v=0\r\nm=audio 1 RTP/AVP 8\r\n')).toThrow(SdpError);
  });

  it('builds what it parses', () => {
    const built = buildAudioSdp({
      address: '127.0.0.1',
      port: 4000,
      codec: { payloadType: 8, name: 'PCMA', clockRate: 8000 },
      dtmfPayloadType: 101,
    });
    const audio = parseAudio(built);
    expect(audio).toMatchObject({ address: '127.0.0.1', port: 4000, direction: 'sendrecv' });
    expect(audio.codecs.map((c) => `${c.payloadType}:${c.name}`)).toEqual(['8:PCMA', '101:TELEPHONE-EVENT']);
  });
});
