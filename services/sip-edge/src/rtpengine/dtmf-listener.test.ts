import { describe, expect, it } from 'vitest';
import { parseDtmfReport } from './dtmf-listener';

const report = (fields: object) => Buffer.from(JSON.stringify(fields));

describe('parseDtmfReport', () => {
  it('reads rtpengine --dtmf-log-dest reports (the format measured in the media lab)', () => {
    expect(
      parseDtmfReport(
        report({
          callid: 'call-1',
          source_tag: 'caller',
          tags: ['caller', 'b'],
          type: 'DTMF',
          timestamp: 1,
          source_ip: '127.0.0.1',
          event: 11,
          duration: 280,
          volume: 10,
        }),
      ),
    ).toEqual({ callId: 'call-1', sourceTag: 'caller', digit: '#', durationMs: 280 });
  });

  it('maps events 0-15 to 0-9, *, #, A-D', () => {
    expect(
      [0, 9, 10, 11, 12, 15].map(
        (event) => parseDtmfReport(report({ callid: 'c', source_tag: 't', event }))?.digit,
      ),
    ).toEqual(['0', '9', '*', '#', 'A', 'D']);
  });

  it('ignores anything else: not JSON, other types, events out of range, missing fields', () => {
    expect(parseDtmfReport(Buffer.from('not json'))).toBeNull();
    expect(parseDtmfReport(report({ callid: 'c', source_tag: 't', event: 1, type: 'OTHER' }))).toBeNull();
    expect(parseDtmfReport(report({ callid: 'c', source_tag: 't', event: 16 }))).toBeNull();
    expect(parseDtmfReport(report({ callid: 'c', event: 1 }))).toBeNull();
    expect(parseDtmfReport(report({ callid: 'c', source_tag: 't', event: 1.5 }))).toBeNull();
  });
});
