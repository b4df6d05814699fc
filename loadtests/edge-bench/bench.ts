/* eslint-disable no-restricted-syntax -- an entry point: it hands its environment on to the processes it starts */
// The SIP edge benchmark: calls per second and concurrent calls with media, through the whole edge
// (Kamailio + sip-edge call control + rtpengine) beside bare Kamailio + rtpengine (the proxy
// anchoring media itself, no call control) on the same machine in the same run.
//
//   npx tsx loadtests/edge-bench/bench.ts [--quick] [--rates=100,200,300] [--seconds=10]
//                                         [--concurrent=100,200] [--out=docs/benchmarks/sip-edge.md]
//
// Everything runs on 127.0.0.1 with its own ports and state (.local/bench), separate from the test
// servers. Every SIPp run is bounded (-m calls, -timeout) and the whole run has a hard deadline.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { mediaPlaneEnv } from '../support/media-plane-env';

const root = resolve(new URL('../..', import.meta.url).pathname);
const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k!, v ?? 'true'];
  }),
);
const quick = args.has('quick');
const rates = (args.get('rates') ?? (quick ? '50,100' : '100,200,300,400')).split(',').map(Number);
const seconds = Number(args.get('seconds') ?? (quick ? 5 : 10));
const concurrency = (args.get('concurrent') ?? (quick ? '50' : '100,200'))
  .split(',')
  .filter(Boolean)
  .map(Number);
const mediaSeconds = Number(args.get('media-seconds') ?? (quick ? 6 : 10));
const out = resolve(root, args.get('out') ?? 'docs/benchmarks/sip-edge.md');
const deadline = Date.now() + 30 * 60_000;

const local = join(root, '.local/bench');
const runDir = join(local, `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(runDir, { recursive: true });
const pcap = join(local, `g711a-20ms-${mediaSeconds}s.pcap`);

const ports = {
  kamailio: 5660,
  kamailioWs: 8560,
  edgeSip: 5680,
  edgeDtmf: 5670,
  edgeDirectory: 5681,
  trunk: 5650,
  bareUas: 5690,
  agent: 5691,
  ngUdp: 22720,
  ngHttp: 22722,
  ngCli: 22723,
};

const infraEnv = mediaPlaneEnv({
  base: process.env,
  localDir: local,
  ports,
  trunkName: 'bench',
  rtpPorts: [50000, 57999],
});

const edgeEnv = {
  ...process.env,
  HOTLINE_SIP_PORT: String(ports.edgeSip),
  HOTLINE_SIP_PROXY: `127.0.0.1:${ports.kamailio}`,
  HOTLINE_SIP_RTPENGINE: `127.0.0.1:${ports.ngUdp}`,
  HOTLINE_SIP_DTMF_PORT: String(ports.edgeDtmf),
  HOTLINE_SIP_DIRECTORY_PORT: String(ports.edgeDirectory),
  HOTLINE_SIP_KAMAILIO_RPC: `http://127.0.0.1:${ports.kamailioWs}/RPC`,
  HOTLINE_SIP_PROMPT_DIR: join(local, 'prompts'),
  HOTLINE_SIP_MAX_CALLS: '5000',
};

const children: ChildProcess[] = [];

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

function infra(script: string, command: string): void {
  execFileSync('bash', [join(root, 'infra/local', script), command], {
    env: infraEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** CPU ticks (user+system) of a process and its threads. */
function ticks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function kamailioPids(): number[] {
  const main = Number(readFileSync(join(local, 'kamailio/kamailio.pid'), 'utf8'));
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return pid === main || ppid === main;
      } catch {
        return false;
      }
    });
}

function udpErrors(): { rcvbuf: number; inErrors: number } {
  const lines = readFileSync('/proc/net/snmp', 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('Udp:'));
  const names = lines[0]!.split(/\s+/);
  const values = lines[1]!.split(/\s+/).map(Number);
  const at = (n: string) => values[names.indexOf(n)] ?? 0;
  return { rcvbuf: at('RcvbufErrors'), inErrors: at('InErrors') };
}

async function rtpengineRelayed(): Promise<{ packets: number; errors: number }> {
  const text = await (await fetch(`http://127.0.0.1:${ports.ngHttp}/metrics`)).text();
  const value = (name: string) =>
    Number(new RegExp(`^${name}\\{type="userspace"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  return { packets: value('rtpengine_packets_total'), errors: value('rtpengine_packet_errors_total') };
}

interface SippResult {
  code: number | null;
  successful: number;
  failed: number;
  retransmissions: number;
  responseMs: number | null;
  wallMs: number;
}

/** One bounded SIPp run; statistics from its -trace_stat CSV (cumulative counters, last line). */
function sipp(label: string, scenario: string, extra: string[], timeoutS: number): Promise<SippResult> {
  const stats = join(runDir, `${label}.csv`);
  const argv = [
    ...extra,
    '-sf',
    join(root, 'loadtests/sipp', scenario),
    '-i',
    '127.0.0.1',
    '-mi',
    '127.0.0.1',
    '-timeout',
    `${timeoutS}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_stat',
    '-stf',
    stats,
    '-fd',
    '1',
    '-trace_err',
    '-error_file',
    join(runDir, `${label}-errors.log`),
  ];
  const started = Date.now();
  return new Promise((resolveRun) => {
    const child = spawn('sipp', argv, { stdio: ['ignore', 'ignore', 'ignore'], cwd: runDir });
    const kill = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 10) * 1000);
    child.on('exit', (code) => {
      clearTimeout(kill);
      const result: SippResult = {
        code,
        successful: 0,
        failed: 0,
        retransmissions: 0,
        responseMs: null,
        wallMs: Date.now() - started,
      };
      if (existsSync(stats)) {
        const rows = readFileSync(stats, 'utf8').trim().split('\n');
        const head = rows[0]!.split(';');
        const last = rows[rows.length - 1]!.split(';');
        const col = (name: string) => last[head.indexOf(name)] ?? '';
        result.successful = Number(col('SuccessfulCall(C)')) || 0;
        result.failed = Number(col('FailedCall(C)')) || 0;
        result.retransmissions = Number(col('Retransmissions(C)')) || 0;
        const rt = col('ResponseTime1(C)');
        const m = /(\d+):(\d+):(\d+):(\d+)/.exec(rt);
        if (m)
          result.responseMs =
            ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + Number(m[4]) / 1000;
      }
      resolveRun(result);
    });
  });
}

function background(label: string, command: string, argv: string[], env = process.env): ChildProcess {
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: runDir });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child.on('exit', () => writeFileSync(join(runDir, `${label}.log`), output));
  children.push(child);
  return child;
}

async function waitFor(what: string, check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Row {
  target: 'bare' | 'edge';
  rate: number;
  calls: number;
  result: SippResult;
  cpu: Record<string, number>;
  udp: { rcvbuf: number };
}

async function measured(pids: Record<string, number[]>, run: () => Promise<SippResult>) {
  const hz = 100;
  const before = Object.fromEntries(
    Object.entries(pids).map(([k, v]) => [k, v.reduce((s, p) => s + ticks(p), 0)]),
  );
  const udpBefore = udpErrors();
  const relayedBefore = await rtpengineRelayed();
  const started = Date.now();
  const result = await run();
  const elapsed = (Date.now() - started) / 1000;
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([k, v]) => [
      k,
      Math.round(((v.reduce((s, p) => s + ticks(p), 0) - before[k]!) / hz / elapsed) * 1000) / 10,
    ]),
  );
  const relayedAfter = await rtpengineRelayed();
  return {
    result,
    cpu,
    udp: { rcvbuf: udpErrors().rcvbuf - udpBefore.rcvbuf },
    relayed: relayedAfter.packets - relayedBefore.packets,
    relayErrors: relayedAfter.errors - relayedBefore.errors,
  };
}

async function main(): Promise<void> {
  if (!existsSync(pcap))
    execFileSync('node', [join(root, 'loadtests/edge-bench/make-pcap.mjs'), pcap, String(mediaSeconds)]);
  log(`state in ${runDir}`);
  infra('rtpengine.sh', 'stop');
  infra('kamailio.sh', 'stop');
  infra('rtpengine.sh', 'start');
  infra('kamailio.sh', 'start');

  const edge = background(
    'edge',
    join(root, 'node_modules/.bin/tsx'),
    [join(root, 'services/sip-edge/test/bench/edge-under-test.ts')],
    edgeEnv,
  );
  let edgeOut = '';
  edge.stdout?.on('data', (d: Buffer) => (edgeOut += d.toString()));
  await waitFor('the edge', () => /ready \d+/.test(edgeOut), 60_000);
  const edgePid = Number(/ready (\d+)/.exec(edgeOut)![1]);

  background('bare-uas', 'sipp', [
    '-sf',
    join(root, 'loadtests/sipp/uas_echo.xml'),
    '-i',
    '127.0.0.1',
    '-p',
    String(ports.bareUas),
    '-mi',
    '127.0.0.1',
    '-mp',
    '47000',
    '-rtp_echo',
    '-nostdin',
    '-timeout',
    '1700s',
  ]);
  const reg = await sipp(
    'agent-register',
    'agent_register.xml',
    [
      `127.0.0.1:${ports.kamailio}`,
      '-s',
      'bench',
      '-key',
      'realm',
      'bench.example',
      '-au',
      'bench',
      '-ap',
      'bench-password-1',
      '-p',
      String(ports.agent),
      '-m',
      '1',
    ],
    10,
  );
  if (reg.code !== 0) throw new Error('the load agent did not register');
  background('agent-uas', 'sipp', [
    '-sf',
    join(root, 'loadtests/sipp/uas_echo.xml'),
    '-i',
    '127.0.0.1',
    '-p',
    String(ports.agent),
    '-mi',
    '127.0.0.1',
    '-mp',
    '47100',
    '-rtp_echo',
    '-nostdin',
    '-timeout',
    '1700s',
  ]);
  await new Promise((r) => setTimeout(r, 1500));

  const rtpenginePid = Number(readFileSync(join(local, 'rtpengine/rtpengine.pid'), 'utf8'));
  const pids = { kamailio: kamailioPids(), rtpengine: [rtpenginePid], edge: [edgePid] };

  const cps: Row[] = [];
  for (const rate of rates) {
    for (const target of ['bare', 'edge'] as const) {
      if (Date.now() > deadline) break;
      const calls = rate * seconds;
      log(`cps ${target} ${rate}/s x ${seconds}s`);
      const m = await measured(pids, () =>
        sipp(
          `cps-${target}-${rate}`,
          'uac_hangup.xml',
          [
            `127.0.0.1:${ports.kamailio}`,
            '-s',
            target === 'bare' ? 'bare' : '+15550100',
            '-p',
            String(ports.trunk),
            '-mp',
            '48000',
            '-r',
            String(rate),
            '-m',
            String(calls),
            '-l',
            String(rate * 4),
            '-d',
            '1000',
          ],
          seconds + 40,
        ),
      );
      cps.push({ target, rate, calls, result: m.result, cpu: m.cpu, udp: m.udp });
      log(
        `  ${JSON.stringify({ ok: m.result.successful, failed: m.result.failed, retrans: m.result.retransmissions, cpu: m.cpu })}`,
      );
      await new Promise((r) => setTimeout(r, 3000));
    }
  }

  const media: (Row & { expected: number; relayed: number; relayErrors: number })[] = [];
  const pcapPackets = mediaSeconds * 50;
  for (const n of concurrency) {
    for (const target of ['bare', 'edge'] as const) {
      if (Date.now() > deadline) break;
      log(`media ${target} ${n} concurrent calls x ${mediaSeconds}s`);
      const rate = Math.min(n, 50);
      const m = await measured(pids, () =>
        sipp(
          `media-${target}-${n}`,
          'uac_media.xml',
          [
            `127.0.0.1:${ports.kamailio}`,
            '-s',
            target === 'bare' ? 'bare' : '+15550200',
            '-key',
            'pcap',
            pcap,
            '-p',
            String(ports.trunk),
            '-mp',
            '48000',
            '-r',
            String(rate),
            '-m',
            String(n),
            '-l',
            String(n),
            '-d',
            String(mediaSeconds * 1000 + 500),
          ],
          mediaSeconds + 60,
        ),
      );
      // Each caller packet is relayed twice by rtpengine: toward the far end, and its echo back.
      const expected = n * pcapPackets * 2;
      media.push({
        target,
        rate,
        calls: n,
        result: m.result,
        cpu: m.cpu,
        udp: m.udp,
        expected,
        relayed: m.relayed,
        relayErrors: m.relayErrors,
      });
      log(
        `  ${JSON.stringify({ ok: m.result.successful, failed: m.result.failed, expected, relayed: m.relayed, cpu: m.cpu })}`,
      );
      await new Promise((r) => setTimeout(r, 3000));
    }
  }

  edge.kill('SIGTERM');
  await waitFor('the edge to stop', () => edge.exitCode !== null, 20_000).catch(() => edge.kill('SIGKILL'));
  const summary = /\{"summary".*\}/.exec(edgeOut)?.[0] ?? '{}';
  writeFileSync(
    join(runDir, 'results.json'),
    JSON.stringify({ cps, media, edgeSummary: JSON.parse(summary) }, null, 2),
  );
  writeReport(cps, media, summary);
  log(`report written to ${out}`);
}

function writeReport(
  cps: Row[],
  media: (Row & { expected: number; relayed: number; relayErrors: number })[],
  summary: string,
): void {
  const cpuText = (c: Record<string, number>) =>
    `${c.kamailio ?? 0} / ${c.rtpengine ?? 0} / ${c.edge ?? '-'}`;
  const lines = [
    '# SIP edge benchmark',
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB), everything on 127.0.0.1, SIPp on the same cores.`,
    'Regenerate with `npx tsx loadtests/edge-bench/bench.ts` (about 10 minutes; `--quick` for a short run). Raw SIPp statistics and logs: `.local/bench/run-*/`.',
    '',
    'Two targets, same run, same Kamailio and rtpengine processes:',
    '',
    '- **bare**: Kamailio relays the call to a SIPp UAS and anchors the media in rtpengine itself (offer/answer/delete per call): the cost of the proxy and media plane alone.',
    '- **edge**: the whole edge. Kamailio looks the number up (sip-edge directory over HTTP, cached), dispatches the INVITE to sip-edge call control (our Node SIP stack), which anchors the media in rtpengine (offer, answer, block, play, delete over ng), publishes call.offered, and carries out the command its IVR sends back over the event bus: a prompt played with rtpengine (cps runs) or a bridge to a registered agent (a SIPp UAS, media runs). sip-edge runs with the in-process bus, as in `hotline up`.',
    '',
    '## Calls per second',
    '',
    `Each run: N calls at R calls/s (INVITE → 200 → ACK, 1 s hold with the prompt playing, caller BYE), ${seconds} s per rate.`,
    'CPU is % of one core over the run: Kamailio (all processes) / rtpengine / sip-edge.',
    '',
    '| target | calls/s | calls | successful | failed | retransmissions | INVITE→200 avg ms | CPU % kamailio / rtpengine / sip-edge | UDP receive-buffer drops |',
    '|---|---|---|---|---|---|---|---|---|',
    ...cps.map(
      (r) =>
        `| ${r.target} | ${r.rate} | ${r.calls} | ${r.result.successful} | ${r.result.failed} | ${r.result.retransmissions} | ${r.result.responseMs?.toFixed(1) ?? '-'} | ${cpuText(r.cpu)} | ${r.udp.rcvbuf} |`,
    ),
    '',
    '## Concurrent calls with media',
    '',
    `Each caller sends ${mediaSeconds} s of 20 ms PCMA (50 packets/s) and hangs up; the far end (the bare UAS, or the agent the edge bridged to) echoes it. rtpengine relays every packet twice (caller → far end, echo → caller), so expected = calls × ${mediaSeconds * 50} × 2.`,
    'Loss counts packets rtpengine did not relay (expected − relayed, as rtpengine counts them); the SIPp echo socket is single-threaded and drops first at high load, which shows up here too.',
    '',
    '| target | concurrent calls | successful | failed | expected relayed | relayed | loss % | relay errors | CPU % kamailio / rtpengine / sip-edge | UDP receive-buffer drops |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...media.map(
      (r) =>
        `| ${r.target} | ${r.calls} | ${r.result.successful} | ${r.result.failed} | ${r.expected} | ${r.relayed} | ${((Math.max(0, r.expected - r.relayed) / r.expected) * 100).toFixed(2)} | ${r.relayErrors} | ${cpuText(r.cpu)} | ${r.udp.rcvbuf} |`,
    ),
    '',
    `sip-edge's own count of what it did (events it published) and its mean rtpengine ng round trips: \`${summary}\``,
    '',
    ...notes(),
  ];
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, lines.join('\n'));
}

/** The hand-written reading of the numbers (loadtests/edge-bench/notes.md), kept under the tables. */
function notes(): string[] {
  const file = join(root, 'loadtests/edge-bench/notes.md');
  return existsSync(file) ? readFileSync(file, 'utf8').trimEnd().split('\n').concat('') : [];
}

const hardStop = setTimeout(() => {
  log('hard deadline reached');
  cleanup();
  process.exit(1);
}, deadline - Date.now());
hardStop.unref();

function cleanup(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  try {
    infra('kamailio.sh', 'stop');
    infra('rtpengine.sh', 'stop');
  } catch {
    // Best effort at the end of a run.
  }
}

main()
  .then(() => {
    cleanup();
    process.exit(0);
  })
  .catch((err: unknown) => {
    log(`failed: ${(err as Error).stack ?? String(err)}`);
    cleanup();
    process.exit(1);
  });
