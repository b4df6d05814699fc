import { describe, expect, it } from 'vitest';
import { startRootSpan } from './root-span';

describe('a root span without an OpenTelemetry SDK', () => {
  it('still names a fresh, valid W3C trace for each unit of work', () => {
    const first = startRootSpan('call', { 'hotline.call.id': 'call-1' });
    const second = startRootSpan('call', { 'hotline.call.id': 'call-2' });
    expect(first.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(second.traceparent.split('-')[1]).not.toBe(first.traceparent.split('-')[1]);
    expect(() => first.end({ 'hotline.call.outcome': 'ended' })).not.toThrow();
  });
});
