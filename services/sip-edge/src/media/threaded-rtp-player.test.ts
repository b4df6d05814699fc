import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alawEncode, ulawEncode } from './g711';
import { WavFormatError } from './rtp-player';
import { PromptPlayerError, ThreadedRtpPlayer } from './threaded-rtp-player';
import { pcm16Wav as wav } from './testing/pcm16-wav';

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let sink: Socket;
let packets: Buffer[];
let player: ThreadedRtpPlayer;
const logged: string[] = [];

// One player (one worker start, ~250 ms) for the file; each test gets a fresh sink and call.
beforeAll(async () => {
  player = await ThreadedRtpPlayer.start({
    host: '127.0.0.1',
    workerUrl: new URL('./testing/crash-on-demand-worker.mjs', import.meta.url),
    log: { error: (_obj, msg) => logged.push(msg), warn: (_obj, msg) => logged.push(msg) },
  });
});

afterAll(async () => {
  await player.shutdown();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'threaded-rtp-player-'));
  packets = [];
  logged.length = 0;
  sink = createSocket('udp4');
  sink.on('message', (m) => packets.push(m));
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', r));
  player.open('call-1', { host: '127.0.0.1', port: sink.address().port }, 'PCMA', 8);
});

afterEach(() => {
  player.close('call-1');
  player.close('call-2');
  sink.close();
  rmSync(dir, { recursive: true, force: true });
});

const ramp = Array.from({ length: 1600 }, (_, i) => (i % 160) * 100 - 8000);

describe('ThreadedRtpPlayer', () => {
  it('plays a prompt from its worker as 20 ms RTP packets, from the inner endpoint port', async () => {
    const file = join(dir, 'ten-frames.wav');
    writeFileSync(file, wav(ramp));
    const sources = new Set<number>();
    sink.on('message', (_m, rinfo) => sources.add(rinfo.port));
    const { durationMs, ended } = await player.play('call-1', file);
    expect(durationMs).toBe(200);
    expect(player.active).toBe(1);
    await ended;
    await until(() => packets.length >= 10);
    await new Promise((r) => setTimeout(r, 30));
    expect(packets).toHaveLength(10);
    expect([...sources]).toEqual([player.port]);
    expect(player.active).toBe(0);
    const seq = packets.map((p) => p.readUInt16BE(2));
    const ts = packets.map((p) => p.readUInt32BE(4));
    const ssrc = new Set(packets.map((p) => p.readUInt32BE(8)));
    expect(packets.map((p) => [p.length, p[0]])).toEqual(Array(10).fill([172, 0x80]));
    expect(seq.slice(1).map((s, i) => (s - seq[i]! + 65536) % 65536)).toEqual(Array(9).fill(1));
    expect(ts.slice(1).map((t, i) => (t - ts[i]! + 2 ** 32) % 2 ** 32)).toEqual(Array(9).fill(160));
    expect(ssrc.size).toBe(1);
    expect(packets.map((p) => p[1]! & 0x7f)).toEqual(Array(10).fill(8));
    expect(packets.map((p) => p[1]! & 0x80)).toEqual([0x80, ...Array(9).fill(0)]);
    expect([...packets[0]!.subarray(12, 15)]).toEqual(ramp.slice(0, 3).map(alawEncode));
  });

  it('encodes for the codec of the call it plays to', async () => {
    player.open('call-2', { host: '127.0.0.1', port: sink.address().port }, 'PCMU', 0);
    const file = join(dir, 'one-frame.wav');
    writeFileSync(file, wav(ramp.slice(0, 160)));
    const { ended } = await player.play('call-2', file);
    await ended;
    await until(() => packets.length === 1);
    expect(packets[0]![1]! & 0x7f).toBe(0);
    expect([...packets[0]!.subarray(12, 15)]).toEqual(ramp.slice(0, 3).map(ulawEncode));
  });

  it('stops at once on stop, and the playback counts as ended', async () => {
    const file = join(dir, 'long.wav');
    writeFileSync(file, wav(Array(8000 * 2).fill(1000)));
    const { ended } = await player.play('call-1', file);
    await until(() => packets.length > 2);
    player.stop('call-1');
    expect(player.active).toBe(0);
    await ended;
    const count = packets.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(packets.length).toBe(count);
    expect(count).toBeLessThan(20);
  });

  it('rejects a WAV that is not 8 kHz mono 16-bit with WavFormatError, as the in-thread player does', async () => {
    const file = join(dir, 'wideband.wav');
    writeFileSync(file, wav(ramp, { rate: 16000 }));
    const failure = player.play('call-1', file);
    await expect(failure).rejects.toBeInstanceOf(WavFormatError);
    await expect(failure).rejects.toMatchObject({
      code: 'bad_wav',
      message: expect.stringContaining('wideband.wav'),
    });
  });

  it('rejects a missing file with the file system error code', async () => {
    await expect(player.play('call-1', join(dir, 'absent.wav'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to play to a call it has no stream for', async () => {
    expect(player.has('nobody')).toBe(false);
    await expect(player.play('nobody', join(dir, 'x.wav'))).rejects.toThrow(
      'no media stream for call nobody',
    );
  });

  it('ends a playback whose call is closed', async () => {
    const file = join(dir, 'long.wav');
    writeFileSync(file, wav(Array(8000 * 2).fill(1000)));
    const { ended } = await player.play('call-1', file);
    player.close('call-1');
    await ended;
    expect(player.has('call-1')).toBe(false);
    const count = packets.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(packets.length).toBe(count);
  });

  it('when the worker crashes, rejects the play in flight, logs it, and plays again from a restarted worker on the same port', async () => {
    await expect(player.play('call-1', 'crash')).rejects.toBeInstanceOf(PromptPlayerError);
    expect(logged).toContain('prompt player thread stopped: restarting it');
    const file = join(dir, 'three-frames.wav');
    writeFileSync(file, wav(ramp.slice(0, 480)));
    const sources = new Set<number>();
    sink.on('message', (_m, rinfo) => sources.add(rinfo.port));
    const { ended } = await player.play('call-1', file);
    await ended;
    await until(() => packets.length === 3);
    expect([...sources]).toEqual([player.port]);
  });

  it('terminates its worker on shutdown: the port is free and plays are refused', async () => {
    const own = await ThreadedRtpPlayer.start({ host: '127.0.0.1' });
    own.open('call-1', { host: '127.0.0.1', port: sink.address().port }, 'PCMA', 8);
    const port = own.port;
    await own.shutdown();
    expect(own.has('call-1')).toBe(false);
    await expect(own.play('call-1', join(dir, 'x.wav'))).rejects.toThrow('no media stream for call call-1');
    const probe = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.bind(port, '127.0.0.1', resolve);
    });
    probe.close();
  });
});
