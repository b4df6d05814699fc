import { describe, expect, it } from 'vitest';
import { renderDispatcherList } from './dispatcher-list';
import { renderRtpengineTable, renderVersionTable } from './rtpengine-table';
import type { Target } from './targets';

const target = (pod: string, ip: string, state: Target['state'], port = 5480): Target => ({
  role: 'call-control',
  key: `uid-${pod}`,
  pod,
  namespace: 'edge',
  node: 'n1',
  ip,
  port,
  state,
});

describe('the dispatcher list file', () => {
  it('lists active targets probed (8) and draining ones disabled (4), sorted, in our set', () => {
    const text = renderDispatcherList(
      [target('b', '10.0.0.2', 'draining'), target('a', '10.0.0.1', 'active')],
      {
        setId: 1,
        transport: 'udp',
      },
    );
    expect(text.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      '1 sip:10.0.0.1:5480 8 0 duid=a;pod=edge/a',
      '1 sip:10.0.0.2:5480 4 0 duid=b;pod=edge/b',
      '',
    ]);
  });

  it("keeps the base list's other sets and drops its lines for our set", () => {
    const text = renderDispatcherList([target('a', '10.0.0.1', 'active')], {
      setId: 1,
      transport: 'tcp',
      base: '# trunks\n10 sip:192.0.2.1:5060 0 0 trunk=carrier\n1 sip:192.0.2.9:5060 0 0\n\n3 sip:192.0.2.2 8 0\n',
    });
    expect(text.split('\n').filter((l) => l && !l.startsWith('#'))).toEqual([
      '10 sip:192.0.2.1:5060 0 0 trunk=carrier',
      '3 sip:192.0.2.2 8 0',
      '1 sip:10.0.0.1:5480;transport=tcp 8 0 duid=a;pod=edge/a',
    ]);
  });

  it('brackets IPv6 addresses', () => {
    expect(
      renderDispatcherList([target('a', 'fd00::5', 'active')], { setId: 2, transport: 'udp' }),
    ).toContain('2 sip:[fd00::5]:5480 8 0');
  });

  it('gives the same bytes for the same targets in any order (no needless reload)', () => {
    const a = target('a', '10.0.0.1', 'active');
    const b = target('b', '10.0.0.2', 'active');
    expect(renderDispatcherList([a, b], { setId: 1, transport: 'udp' })).toBe(
      renderDispatcherList([b, a], { setId: 1, transport: 'udp' }),
    );
  });
});

describe('the rtpengine db_text table', () => {
  it('escapes the colons of each ng socket and disables draining nodes', () => {
    const text = renderRtpengineTable(
      [target('r1', '10.0.1.1', 'active', 2223), target('r2', 'fd00::7', 'draining', 2223)],
      0,
    );
    expect(text).toBe(
      'setid(int) url(string) weight(int) disabled(int)\n0:udp\\:10.0.1.1\\:2223:1:0\n0:udp6\\:[fd00\\:\\:7]\\:2223:1:1\n',
    );
  });

  it('declares the table version the rtpengine module checks', () => {
    expect(renderVersionTable()).toBe('table_name(string) table_version(int)\nrtpengine:1\n');
  });
});
