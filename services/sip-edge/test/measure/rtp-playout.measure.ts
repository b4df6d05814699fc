// Prompt RTP playout: the in-thread RtpPlayer (old path, every packet a dgram send on the main
// event loop) against ThreadedRtpPlayer (new path, the same player in a worker thread), in one run.
//   cd services/sip-edge && npx tsx test/measure/rtp-playout.measure.ts [streams=300] [seconds=4] [busyMs=0]
// busyMs > 0 keeps the main thread busy (synchronous work of busyMs in every 20 ms, like the
// event loop of a loaded `hotline up`) to show what that does to the pacing of each path.
// Each stream plays a `seconds`-long G.711 prompt (50 packets/s) to a sink in a child process
// (so receiving costs nothing here), which counts packets per SSRC and how many came late
// (> 40 ms after their 20 ms slot measured from the stream's first packet). Printed per path:
// main-thread event-loop utilisation, worker-thread utilisation, process CPU (all threads) per
// second of playout, packets received of those due, and late packets. The sink's 4 MB receive
// buffer holds a whole tick's burst (every stream sends in the same 20 ms tick).
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RtpPlayer, type PromptPlayer } from '../../src/media/rtp-player';
import { ThreadedRtpPlayer } from '../../src/media/threaded-rtp-player';
import { pcm16Wav } from '../../src/media/testing/pcm16-wav';

const streams = Number(process.argv[2] ?? 300);
const seconds = Number(process.argv[3] ?? 4);
const busyMs = Number(process.argv[4] ?? 0);
const framesPerStream = seconds * 50;

const SINK = `
const dgram = require('node:dgram');
const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
s.on('listening', () => process.send({ port: s.address().port }));
let by = new Map();
s.on('message', (m) => {
  const now = performance.now();
  const ssrc = m.readUInt32BE(8);
  let st = by.get(ssrc);
  if (!st) by.set(ssrc, (st = { first: now, seq0: m.readUInt16BE(2), n: 0, late: 0 }));
  const i = (m.readUInt16BE(2) - st.seq0 + 65536) % 65536;
  if (now - (st.first + i * 20) > 40) st.late++;
  st.n++;
});
process.on('message', (msg) => {
  if (msg === 'report') {
    let packets = 0, late = 0, min = Infinity;
    for (const st of by.values()) { packets += st.n; late += st.late; min = Math.min(min, st.n); }
    process.send({ streams: by.size, packets, late, minPerStream: by.size ? min : 0 });
    by = new Map();
  } else if (msg === 'exit') { s.close(); process.disconnect(); }
});
s.bind(0, '127.0.0.1');
`;

function wav(samples: number): Buffer {
  return pcm16Wav(
    Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((i * 2 * Math.PI * 440) / 8000))),
  );
}

const dir = mkdtempSync(join(tmpdir(), 'rtp-playout-measure-'));
const file = join(dir, 'prompt.wav');
writeFileSync(file, wav(seconds * 8000));

const sink = spawn(process.execPath, ['-e', SINK], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ask = <T>(message?: string): Promise<T> =>
  new Promise((resolve) => {
    sink.once('message', (m) => resolve(m as T));
    if (message) sink.send(message);
  });
const { port: sinkPort } = await ask<{ port: number }>();

interface Report {
  streams: number;
  packets: number;
  late: number;
  minPerStream: number;
}

type Elu = { active: number; idle: number };

async function run(name: string, player: PromptPlayer, threadElu?: () => Elu): Promise<void> {
  for (let i = 0; i < streams; i++)
    player.open(`call-${i}`, { host: '127.0.0.1', port: sinkPort }, i % 2 ? 'PCMU' : 'PCMA', i % 2 ? 0 : 8);
  // Warm the frame cache (decode + encode once per codec) outside the measured window.
  await Promise.all([player.play('call-0', file, 1), player.play('call-1', file, 1)]);
  player.stop('call-0');
  player.stop('call-1');
  await new Promise((r) => setTimeout(r, 200));
  await ask<Report>('report');

  const busy =
    busyMs > 0
      ? setInterval(() => {
          const until = performance.now() + busyMs;
          while (performance.now() < until);
        }, 20)
      : undefined;
  const elu0 = performance.eventLoopUtilization();
  const welu0 = threadElu?.();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const plays = await Promise.all(Array.from({ length: streams }, (_, i) => player.play(`call-${i}`, file)));
  await Promise.all(plays.map((p) => p.ended));
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  clearInterval(busy);
  const welu1 = threadElu?.();
  const welu =
    welu0 && welu1
      ? (welu1.active - welu0.active) / (welu1.active - welu0.active + welu1.idle - welu0.idle)
      : undefined;
  await new Promise((r) => setTimeout(r, 150));
  const got = await ask<Report>('report');
  for (let i = 0; i < streams; i++) player.close(`call-${i}`);
  const due = streams * framesPerStream;
  console.log(
    `${name.padEnd(22)} main ELU ${(elu.utilization * 100).toFixed(1).padStart(5)} %` +
      `  worker ELU ${welu === undefined ? '    -' : (welu * 100).toFixed(1).padStart(5)} %` +
      `  process CPU ${((cpu.user + cpu.system) / 1000 / wall / 10).toFixed(1).padStart(5)} % of a core` +
      `  packets ${got.packets}/${due} (${((got.packets / due) * 100).toFixed(2)} %, min/stream ${got.minPerStream}/${framesPerStream})` +
      `  late ${got.late}  wall ${wall.toFixed(2)} s`,
  );
}

console.log(
  `${streams} streams x ${seconds} s, ${streams * 50} packets/s, main thread busy ${busyMs} ms per 20 ms`,
);
const socket = createSocket('udp4');
await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
const inThread = new RtpPlayer(socket);
await run('old: RtpPlayer (main)', inThread);
inThread.shutdown();
socket.close();

const threaded = await ThreadedRtpPlayer.start({ host: '127.0.0.1' });
await run('new: ThreadedRtpPlayer', threaded, () => threaded.threadUtilization());
await threaded.shutdown();
sink.send('exit');
rmSync(dir, { recursive: true, force: true });
