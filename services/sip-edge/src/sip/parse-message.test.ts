import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCSeq, parseMessage } from './parse-message';
import { serializeMessage } from './serialize-message';
import { SipParseError } from './sip-error';
import { header, headerValues, type SipMessage, type SipRequest } from './sip-message';

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n'));

const invite = [
  'INVITE sip:+15550100@127.0.0.1:5480 SIP/2.0',
  'Via: SIP/2.0/UDP 127.0.0.1:5460;branch=z9hG4bKa1;rport, SIP/2.0/UDP 127.0.0.1:5490;branch=z9hG4bKb2',
  'v: SIP/2.0/UDP 10.0.0.9:5060;branch=z9hG4bKc3',
  'f: "Caller, Jr." <sip:+15550111@trunk.example>;tag=abc',
  't: <sip:+15550100@hotline.example>',
  'i: 1-2-3@trunk',
  'CSeq: 10 INVITE',
  'Max-Forwards: 69',
  'Subject: a long',
  '  folded header',
  'c: application/sdp',
  'l: 5',
  '',
  'v=0\r\nEXTRA-IGNORED',
];

describe('parseMessage', () => {
  it('reads a request with compact names, folded lines, list headers and a body cut at Content-Length', () => {
    const message = parseMessage(crlf(invite)) as SipRequest;
    expect(message.kind).toBe('request');
    expect(message.method).toBe('INVITE');
    expect(message.uri).toBe('sip:+15550100@127.0.0.1:5480');
    expect(headerValues(message, 'via')).toHaveLength(3);
    expect(header(message, 'from')).toBe('"Caller, Jr." <sip:+15550111@trunk.example>;tag=abc');
    expect(header(message, 'call-id')).toBe('1-2-3@trunk');
    expect(header(message, 'subject')).toBe('a long folded header');
    expect(message.body.toString()).toBe('v=0\r\n');
  });

  it('reads a response status line with an empty reason', () => {
    const message = parseMessage(
      crlf([
        'SIP/2.0 180',
        'Via: SIP/2.0/UDP h;branch=z9hG4bK1',
        'From: <sip:a@b>;tag=1',
        'To: <sip:c@d>',
        'Call-ID: x',
        'CSeq: 1 INVITE',
        '',
        '',
      ]),
    );
    expect(message).toMatchObject({ kind: 'response', status: 180, reason: '' });
  });

  it('treats CRLF keep-alives as nothing', () => {
    expect(parseMessage(Buffer.from('\r\n\r\n'))).toBeNull();
  });

  it('tolerates bare LF line ends and leading blank lines', () => {
    const text = '\r\n' + invite.slice(0, 9).join('\n') + '\nContent-Length: 0\n\n';
    expect(parseMessage(Buffer.from(text))).toMatchObject({ kind: 'request', method: 'INVITE' });
  });

  const broken: [string, string[]][] = [
    ['a missing Call-ID', invite.filter((l) => !l.startsWith('i:'))],
    [
      'a CSeq method that is not the request method',
      invite.map((l) => (l.startsWith('CSeq') ? 'CSeq: 10 BYE' : l)),
    ],
    ['a CSeq without number', invite.map((l) => (l.startsWith('CSeq') ? 'CSeq: INVITE' : l))],
    ['a body shorter than Content-Length', invite.map((l) => (l === 'l: 5' ? 'l: 500' : l))],
    ['two different Content-Lengths', [...invite.slice(0, 12), 'Content-Length: 6', ...invite.slice(12)]],
    ['a request line with four parts', ['INVITE sip:a@b SIP/2.0 extra', ...invite.slice(1)]],
    ['another SIP version', ['INVITE sip:a@b SIP/3.0', ...invite.slice(1)]],
    ['a header without colon', [...invite.slice(0, 5), 'Garbage line', ...invite.slice(5)]],
    ['a status code out of range', ['SIP/2.0 99 Odd', ...invite.slice(1)]],
  ];
  for (const [what, lines] of broken) {
    it(`refuses ${what}`, () => {
      expect(() => parseMessage(crlf(lines))).toThrow(SipParseError);
    });
  }

  it('never throws anything but SipParseError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        try {
          parseMessage(Buffer.from(bytes));
        } catch (err) {
          return err instanceof SipParseError;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but SipParseError on mutated real messages', () => {
    const base = crlf(invite);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (edits) => {
          const copy = Buffer.from(base);
          for (const [at, byte] of edits) copy[at] = byte;
          try {
            parseMessage(copy);
          } catch (err) {
            return err instanceof SipParseError;
          }
          return true;
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('serializeMessage', () => {
  const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,10}$/);
  const value = fc.stringMatching(/^[!-~]([ -~]{0,30}[!-~])?$/).filter((v) => !v.includes(','));

  it('round-trips through parseMessage', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('INVITE', 'BYE', 'OPTIONS', 'INFO'),
        fc.array(
          fc.tuple(
            token.map((t) => `x-${t.toLowerCase()}`),
            value,
          ),
          { maxLength: 6 },
        ),
        fc.uint8Array({ maxLength: 200 }),
        (method, extra, body) => {
          const message: SipMessage = {
            kind: 'request',
            method,
            uri: 'sip:user@host.example:5060;transport=udp',
            headers: [
              ['via', 'SIP/2.0/UDP 127.0.0.1:5480;branch=z9hG4bK77'],
              ['from', '<sip:a@b>;tag=1'],
              ['to', '<sip:c@d>'],
              ['call-id', 'abc@def'],
              ['cseq', `7 ${method}`],
              ...extra,
            ],
            body: Buffer.from(body),
          };
          const parsed = parseMessage(serializeMessage(message));
          expect(parsed).toEqual({
            ...message,
            headers: [...message.headers, ['content-length', String(body.length)]],
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('writes Content-Length from the body, whatever the headers said', () => {
    const out = serializeMessage({
      kind: 'response',
      status: 200,
      reason: 'OK',
      headers: [
        ['content-length', '99'],
        ['call-id', 'x'],
      ],
      body: Buffer.from('abc'),
    }).toString();
    expect(out).toBe('SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 3\r\n\r\nabc');
  });
});

describe('parseCSeq', () => {
  it('reads number and method, and refuses numbers beyond 2^31', () => {
    expect(parseCSeq('  42   ACK ')).toEqual({ seq: 42, method: 'ACK' });
    expect(() => parseCSeq('4294967296 INVITE')).toThrow(SipParseError);
  });
});
