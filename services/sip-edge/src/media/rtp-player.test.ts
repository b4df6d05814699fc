import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alawEncode } from './g711';
import { readPcm16, RtpPlayer, WavFormatError } from './rtp-player';
import { pcm16Wav as wav } from './testing/pcm16-wav';

let dir: string;
let sender: Socket;
let receiver: Socket;
let packets: Buffer[];
let player: RtpPlayer;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rtp-player-'));
  packets = [];
  sender = createSocket('udp4');
  receiver = createSocket('udp4');
  receiver.on('message', (m) => packets.push(m));
  await new Promise<void>((r) => sender.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => receiver.bind(0, '127.0.0.1', r));
  player = new RtpPlayer(sender);
  player.open('call-1', { host: '127.0.0.1', port: receiver.address().port }, 'PCMA', 8);
});

afterEach(() => {
  player.shutdown();
  sender.close();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const ramp = Array.from({ length: 1600 }, (_, i) => (i % 160) * 100 - 8000);

describe('RtpPlayer', () => {
  it('sends a prompt as 20 ms PCMA packets with consecutive sequence numbers and timestamps', async () => {
    const file = join(dir, 'ten-frames.wav');
    writeFileSync(file, wav(ramp));
    const { durationMs, ended } = await player.play('call-1', file);
    expect(durationMs).toBe(200);
    const started = Date.now();
    await ended;
    await new Promise((r) => setTimeout(r, 30));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(packets).toHaveLength(10);
    const seq = packets.map((p) => p.readUInt16BE(2));
    const ts = packets.map((p) => p.readUInt32BE(4));
    expect(seq.slice(1).map((s, i) => (s - seq[i]! + 65536) % 65536)).toEqual(Array(9).fill(1));
    expect(ts.slice(1).map((t, i) => t - ts[i]!)).toEqual(Array(9).fill(160));
    expect(packets.map((p) => p[1]! & 0x7f)).toEqual(Array(10).fill(8));
    expect(packets[0]![1]! & 0x80).toBe(0x80);
    expect(packets[1]![1]! & 0x80).toBe(0);
    expect([...packets[0]!.subarray(12, 15)]).toEqual(ramp.slice(0, 3).map(alawEncode));
  });

  it('repeats a prompt the number of times asked', async () => {
    const file = join(dir, 'short.wav');
    writeFileSync(file, wav(ramp.slice(0, 480)));
    const { ended } = await player.play('call-1', file, 3);
    await ended;
    await new Promise((r) => setTimeout(r, 30));
    expect(packets).toHaveLength(9);
  });

  it('stops at once on stop, and the playback counts as ended', async () => {
    const file = join(dir, 'long.wav');
    writeFileSync(file, wav(Array(8000 * 2).fill(1000)));
    const { ended } = await player.play('call-1', file);
    await new Promise((r) => setTimeout(r, 110));
    player.stop('call-1');
    await ended;
    const count = packets.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(packets.length).toBe(count);
    expect(count).toBeGreaterThan(2);
    expect(count).toBeLessThan(20);
  });

  it('refuses WAV files that are not 8 kHz mono 16-bit, and non-WAV data', () => {
    expect(() => readPcm16(wav([1, 2], { rate: 16000 }))).toThrow(WavFormatError);
    expect(() => readPcm16(wav([1, 2], { channels: 2 }))).toThrow(WavFormatError);
    expect(() => readPcm16(Buffer.from('not a wav file at all'))).toThrow(WavFormatError);
    expect([...readPcm16(wav([5, -5]))]).toEqual([5, -5]);
  });

  it('ends a playback when its call is reopened toward a new destination', async () => {
    const file = join(dir, 'long.wav');
    writeFileSync(file, wav(Array(8000 * 2).fill(1000)));
    const { ended } = await player.play('call-1', file);
    player.open('call-1', { host: '127.0.0.1', port: receiver.address().port }, 'PCMU', 0);
    await ended;
    expect(player.active).toBe(0);
  });

  it('refuses to play to a call it has no stream for', async () => {
    await expect(player.play('nobody', join(dir, 'x.wav'))).rejects.toThrow(
      'no media stream for call nobody',
    );
  });
});
