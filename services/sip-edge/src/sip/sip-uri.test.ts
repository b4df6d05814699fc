import { describe, expect, it } from 'vitest';
import { SipParseError } from './sip-error';
import { splitList } from './sip-message';
import { formatNameAddr, formatUri, parseNameAddr, parseUri, parseVia } from './sip-uri';

describe('SIP URIs', () => {
  it('reads user, host, port and parameters', () => {
    expect(parseUri('sip:agent1@T1.Example:5070;transport=ws;lr;alias=127.0.0.1~43210~5')).toEqual({
      scheme: 'sip',
      user: 'agent1',
      host: 't1.example',
      port: 5070,
      params: { transport: 'ws', lr: null, alias: '127.0.0.1~43210~5' },
    });
  });

  it('reads IPv6 hosts and drops the password part of userinfo', () => {
    expect(parseUri('sips:bob:secret@[::1]:5061')).toMatchObject({
      scheme: 'sips',
      user: 'bob',
      host: '[::1]',
      port: 5061,
    });
  });

  it('keeps tel: URIs as opaque', () => {
    expect(parseUri('tel:+15550100')).toEqual({ scheme: 'tel', host: '+15550100', params: {} });
  });

  it('refuses what is not a URI, and ports out of range', () => {
    expect(() => parseUri('not a uri')).toThrow(SipParseError);
    expect(() => parseUri('sip:a@b:70000')).toThrow(SipParseError);
  });

  it('formats what it parses', () => {
    const text = 'sip:edge@127.0.0.1:5480;lr;r2=on';
    expect(formatUri(parseUri(text))).toBe(text);
  });
});

describe('name-addr', () => {
  it('reads quoted display names with commas and escapes, and header params after >', () => {
    const addr = parseNameAddr('"Smith, \\"Bob\\"" <sip:bob@b.example;user=phone>;tag=9f;x');
    expect(addr.displayName).toBe('Smith, "Bob"');
    expect(addr.uri.params).toEqual({ user: 'phone' });
    expect(addr.params).toEqual({ tag: '9f', x: null });
  });

  it('gives addr-spec parameters to the header, not the URI (RFC 3261 §20.10)', () => {
    const addr = parseNameAddr('sip:alice@a.example;tag=88');
    expect(addr.uri.params).toEqual({});
    expect(addr.params).toEqual({ tag: '88' });
  });

  it('round-trips through formatNameAddr', () => {
    const addr = parseNameAddr('"Q" <sip:q@h:1;lr>;tag=t');
    expect(parseNameAddr(formatNameAddr(addr))).toEqual(addr);
  });
});

describe('Via', () => {
  it('reads transport, sent-by and parameters with odd spacing', () => {
    expect(parseVia('SIP / 2.0 / udp 127.0.0.1 : 5460 ;branch=z9hG4bK1;rport;received=10.0.0.1')).toEqual({
      transport: 'UDP',
      host: '127.0.0.1',
      port: 5460,
      params: { branch: 'z9hG4bK1', rport: null, received: '10.0.0.1' },
    });
  });
});

describe('splitList', () => {
  it('splits on commas outside quotes and angle brackets only', () => {
    expect(splitList('<sip:a,b@h>;x="1,2", "c, d" <sip:e@f> ,g')).toEqual([
      '<sip:a,b@h>;x="1,2"',
      '"c, d" <sip:e@f>',
      'g',
    ]);
  });
});
