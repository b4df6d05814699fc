import { createSocket, type Socket } from 'node:dgram';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bdecode, bencode } from './bencode';
import { NgClient, RtpengineError } from './ng-client';

// A stand-in rtpengine on loopback: answers ng commands the way the real one does.
let server: Socket;
let received: { cookie: string; command: unknown }[];
let answer: (command: Record<string, unknown>) => object | null;
let client: NgClient;

beforeEach(async () => {
  received = [];
  answer = () => ({ result: 'ok' });
  server = createSocket('udp4');
  server.on('message', (data, rinfo) => {
    const space = data.indexOf(0x20);
    const cookie = data.toString('latin1', 0, space);
    const command = bdecode(data.subarray(space + 1)) as Record<string, unknown>;
    received.push({ cookie, command });
    const reply = answer(command);
    if (reply)
      server.send(
        Buffer.concat([Buffer.from(`${cookie} `), bencode(reply as never)]),
        rinfo.port,
        rinfo.address,
      );
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  client = await NgClient.open({ timeoutMs: 600, resendMs: 200 });
});

afterEach(async () => {
  await client.close();
  server.close();
});

const target = () => ({ host: '127.0.0.1', port: server.address().port });

describe('NgClient', () => {
  it('sends "<cookie> <bencoded dict>" with the command and resolves the reply', async () => {
    answer = () => ({ result: 'ok', duration: 4820 });
    const reply = await client.command(target(), 'play media', {
      'call-id': 'c1',
      'from-tag': 'caller',
      file: '/p.wav',
    });
    expect(reply).toEqual({ result: 'ok', duration: 4820 });
    expect(received[0]!.command).toEqual({
      command: 'play media',
      'call-id': 'c1',
      'from-tag': 'caller',
      file: '/p.wav',
    });
  });

  it('uses a new cookie for every command (rtpengine answers repeated cookies from its cache)', async () => {
    await client.command(target(), 'ping');
    await client.command(target(), 'ping');
    expect(new Set(received.map((r) => r.cookie)).size).toBe(2);
  });

  it('rejects an error reply with its reason, not retryable', async () => {
    answer = () => ({ result: 'error', 'error-reason': 'Unknown call-id' });
    const err = await client.command(target(), 'query', { 'call-id': 'nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RtpengineError);
    expect(err).toMatchObject({ code: 'rtpengine_error', reason: 'Unknown call-id', retryable: false });
  });

  it('resends with the same cookie while there is no reply, then gives up as unavailable', async () => {
    answer = () => null;
    const err = await client.command(target(), 'ping').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'rtpengine_unavailable', retryable: true });
    expect(received.length).toBeGreaterThanOrEqual(3);
    expect(new Set(received.map((r) => r.cookie)).size).toBe(1);
  });

  it('gets its answer from a resend when the first datagram is lost', async () => {
    let first = true;
    answer = () => {
      if (first) {
        first = false;
        return null;
      }
      return { result: 'pong' };
    };
    expect(await client.command(target(), 'ping')).toEqual({ result: 'pong' });
  });
});
