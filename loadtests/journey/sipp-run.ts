// One bounded SIPp run (Debian sip-tester) with its statistics: the -trace_stat CSV (cumulative
// counters, one line a second: progress while it runs) and the -trace_rtt CSV (every call's
// response time 1, INVITE→200, for percentiles).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SippCounters {
  created: number;
  successful: number;
  failed: number;
  current: number;
  retransmissions: number;
  /** FailedCall* columns that are not zero (why calls failed). */
  failedBy: Record<string, number>;
}

export interface SippResult extends SippCounters {
  code: number | null;
  wallMs: number;
  /** INVITE→200 of every call, ms. */
  setupMs: number[];
  /** [seconds since start, INVITE→200 ms] for the chart. */
  setupSeries: [number, number][];
}

export interface SippRun {
  pid: number;
  /** The counters as of the last statistics line. */
  counters(): SippCounters;
  done: Promise<SippResult>;
  kill(): void;
}

export interface SippOptions {
  label: string;
  dir: string;
  scenarioFile: string;
  remote: string;
  service: string;
  localPort: number;
  mediaPort: number;
  rate: number;
  rampSeconds?: number;
  calls: number;
  /** Caller hangs up after this (scenarios with a -d pause). */
  holdMs?: number;
  timeoutSeconds: number;
}

function readCounters(file: string): SippCounters {
  const empty: SippCounters = {
    created: 0,
    successful: 0,
    failed: 0,
    current: 0,
    retransmissions: 0,
    failedBy: {},
  };
  if (!existsSync(file)) return empty;
  const rows = readFileSync(file, 'utf8').trim().split('\n');
  if (rows.length < 2) return empty;
  const head = rows[0]!.split(';');
  const last = rows[rows.length - 1]!.split(';');
  const col = (name: string) => Number(last[head.indexOf(name)] ?? 0) || 0;
  const failedBy: Record<string, number> = {};
  head.forEach((name, i) => {
    if (name.startsWith('Failed') && name.endsWith('(C)') && name !== 'FailedCall(C)') {
      const v = Number(last[i]) || 0;
      if (v > 0) failedBy[name.replace(/^Failed|\(C\)$/g, '')] = v;
    }
  });
  return {
    created: col('TotalCallCreated'),
    successful: col('SuccessfulCall(C)'),
    failed: col('FailedCall(C)'),
    current: col('CurrentCall'),
    retransmissions: col('Retransmissions(C)'),
    failedBy,
  };
}

/** Every response time SIPp logged: its rtt CSV has "Date_ms;response_time_ms;rtd_no" rows, Date_ms counted from SIPp's start. */
function readRtt(dir: string, prefix: string): { all: number[]; series: [number, number][] } {
  const all: number[] = [];
  const series: [number, number][] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('_rtt.csv'))) {
    const rows = readFileSync(join(dir, file), 'utf8').trim().split('\n');
    const head = rows[0]?.split(';') ?? [];
    const dateCol = head.findIndex((h) => /date_ms/i.test(h));
    const rtCol = head.findIndex((h) => /response_time/i.test(h));
    for (const row of rows.slice(1)) {
      const cells = row.split(';');
      const rt = Number(cells[rtCol]);
      const at = Number(cells[dateCol]);
      if (!Number.isFinite(rt)) continue;
      all.push(rt);
      if (Number.isFinite(at)) series.push([at / 1000, rt]);
    }
  }
  return { all, series };
}

export function runSipp(options: SippOptions): SippRun {
  const stats = join(options.dir, `${options.label}.csv`);
  const scenarioName = options.scenarioFile.replace(/^.*\//, '').replace(/\.xml$/, '');
  const ramp = options.rampSeconds ?? 0;
  const startRate = ramp > 0 ? Math.max(1, options.rate / ramp) : options.rate;
  const argv = [
    options.remote,
    '-sf',
    options.scenarioFile,
    '-s',
    options.service,
    '-i',
    '127.0.0.1',
    '-p',
    String(options.localPort),
    '-mi',
    '127.0.0.1',
    '-mp',
    String(options.mediaPort),
    '-r',
    String(Math.round(startRate * 100) / 100),
    ...(ramp > 0
      ? [
          '-rate_increase',
          String(Math.max(1, Math.round((options.rate - startRate) / ramp))),
          '-rate_interval',
          '1s',
          '-rate_max',
          String(options.rate),
          '-no_rate_quit',
        ]
      : []),
    '-m',
    String(options.calls),
    '-l',
    '6000',
    ...(options.holdMs !== undefined ? ['-d', String(options.holdMs)] : []),
    '-timeout',
    `${options.timeoutSeconds}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_stat',
    '-stf',
    stats,
    '-fd',
    '1',
    '-trace_rtt',
    '-rtt_freq',
    '1',
    '-trace_err',
    '-error_file',
    join(options.dir, `${options.label}-errors.log`),
  ];
  const startedAt = Date.now();
  const child: ChildProcess = spawn('sipp', argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: options.dir });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const hardStop = setTimeout(() => child.kill('SIGKILL'), (options.timeoutSeconds + 15) * 1000);
  const done = new Promise<SippResult>((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(hardStop);
      // SIPp names the file after the scenario and its pid: only this run's calls.
      const rtt = readRtt(options.dir, `${scenarioName}_${child.pid}_`);
      if (code !== 0 && code !== 1 && stderr) process.stderr.write(`[sipp ${options.label}] ${stderr}\n`);
      resolve({
        ...readCounters(stats),
        code,
        wallMs: Date.now() - startedAt,
        setupMs: rtt.all,
        setupSeries: rtt.series,
      });
    });
  });
  return {
    pid: child.pid ?? 0,
    counters: () => readCounters(stats),
    done,
    kill: () => child.kill('SIGKILL'),
  };
}

/** A plain UAS (loadtests/sipp/uas_echo.xml) for the bare baseline; runs until killed. */
export function startUas(
  dir: string,
  scenarioFile: string,
  port: number,
  mediaPort: number,
  seconds: number,
) {
  return spawn(
    'sipp',
    [
      '-sf',
      scenarioFile,
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(mediaPort),
      '-nostdin',
      '-timeout',
      `${seconds}s`,
      '-trace_err',
    ],
    // SIPp's screen goes nowhere; its errors land in the run directory (uas_echo_<pid>_errors.log).
    { stdio: ['ignore', 'ignore', openSync(join(dir, 'bare-uas.stderr.log'), 'w')], cwd: dir },
  );
}
