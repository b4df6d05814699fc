// The Markdown report of a journey run: figures, inline SVG charts, the baseline beside the
// journey, the ceiling, and the command that made it.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import type { AgentCounters } from './agents/sim-agent';
import type { ApiLoadSummary } from './api-load';
import type { BaselineResult, StepResult } from './journey';
import type { CpuSeries } from './proc-stat';
import type { Profile } from './profile';
import { lineChart, percentile, perSecond } from './svg-chart';

export interface ReportInput {
  root: string;
  out: string;
  command: string;
  profile: Profile;
  steps: StepResult[];
  baselines: BaselineResult[];
  ceiling?: number | null;
  cpuSeries: CpuSeries;
  agentCounters: AgentCounters;
  stateVia: 'api' | 'probe';
  /** Services left out of the system under test (diagnostic runs). */
  without?: string[];
  shape: 'up' | 'serve';
  provisionSeconds: number;
  registeredMs: number;
  runDir: string;
  apiLoad?: ApiLoadSummary;
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(v < 10 ? 1 : 0) : '-');
const pct = (a: number, b: number) => (b > 0 ? `${((a / b) * 100).toFixed(1)} %` : '-');
const cpuCell = (c: Record<string, number>, k: string) => (c[k] === undefined ? '-' : String(c[k]));
const shown = ['kamailio', 'rtpengine', 'hotline', 'agents', 'sipp'];
/** Groups without a column of their own: each service in `serve`, Kafka, FerretDB, the API load. */
const otherCpu = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([k]) => !shown.includes(k))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ') || '-';

function stepRow(s: StepResult): string {
  const sla = s.agentAnswered + s.abandoned;
  return `| ${s.label} | ${s.rate} | ${s.calls} | ${s.sipp.successful} | ${s.agentAnswered} | **${s.failed}** | ${s.sipp.failed} | ${s.sipp.retransmissions} | ${ms(percentile(s.sipp.setupMs, 50))} / ${ms(percentile(s.sipp.setupMs, 95))} / ${ms(percentile(s.sipp.setupMs, 99))} | ${ms(percentile(s.queueToAnswer, 50))} / ${ms(percentile(s.queueToAnswer, 95))} / ${ms(percentile(s.queueToAnswer, 99))} | ${pct(s.agentAnswered, s.calls)} | ${pct(s.withinServiceLevel, sla)} |`;
}

/** Each process's main-thread profile: the largest file in its cpu-<label>/ (the tsx loader's worker writes one too). */
function cpuProfileSummary(runDir: string): string[] {
  const dirs = existsSync(runDir) ? readdirSync(runDir).filter((d) => d.startsWith('cpu-')) : [];
  const files = dirs.flatMap((d) => {
    const profiles = readdirSync(join(runDir, d))
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => ({ path: join(runDir, d, f), size: statSync(join(runDir, d, f)).size }))
      .sort((a, b) => b.size - a.size);
    return profiles[0] ? [{ label: d.slice(4), path: profiles[0].path }] : [];
  });
  if (files.length === 0) return [];
  return [
    '## Where the Node processes spent their CPU (--cpu-prof: the system under test, and the simulated agents)',
    '',
    ...files.flatMap((f) => cpuProfileOf(f.path, f.label)),
  ];
}

function cpuProfileOf(path: string, file: string): string[] {
  type Node = {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  };
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: Node[] };
  const self = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const hits = n.hitCount ?? 0;
    total += hits;
    const url = n.callFrame.url
      .replace(/^file:\/\//, '')
      .replace(/^.*\/(packages|services|node_modules)\//, '$1/');
    const key =
      `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + hits);
  }
  const byArea = new Map<string, number>();
  for (const n of profile.nodes) {
    const url = n.callFrame.url;
    const area =
      /services\/([^/]+)/.exec(url)?.[1] ??
      /packages\/([^/]+)/.exec(url)?.[1] ??
      (/node_modules\/(?:\.pnpm\/)?(@?[^/@]+)/.exec(url)?.[1]
        ? `dep:${/node_modules\/(?:\.pnpm\/)?(@?[^/@]+)/.exec(url)![1]}`
        : url.startsWith('node:')
          ? 'node core'
          : n.callFrame.functionName.startsWith('(')
            ? n.callFrame.functionName
            : 'other');
    byArea.set(area, (byArea.get(area) ?? 0) + (n.hitCount ?? 0));
  }
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12);
  const areas = [...byArea.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return [
    `### ${file}`,
    '',
    'Self time by area:',
    '',
    '| area | share |',
    '|---|---|',
    ...areas.map(([a, h]) => `| ${a} | ${pct(h, total)} |`),
    '',
    'Top functions by self time:',
    '',
    '| function | share |',
    '|---|---|',
    ...top.map(([k, h]) => `| \`${k.replace(/\|/g, '\\|')}\` | ${pct(h, total)} |`),
    '',
  ];
}

export function writeReport(input: ReportInput): string {
  const { profile, steps, baselines } = input;
  const main = steps[steps.length - 1];
  const lines: string[] = [
    `# Caller journey benchmark: ${profile.name}`,
    '',
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB), everything on 127.0.0.1; SIPp, the simulated agents and the system under test share the cores.`,
    '',
    'Made with:',
    '',
    '```sh',
    input.command,
    '```',
    '',
    `${profile.description}`,
    '',
    'Each call: a SIPp caller dials the hotline through Kamailio; sip-edge anchors it in rtpengine and the IVR runner answers (INVITE→200 is the setup delay below) with a greeting and ' +
      `${profile.ivr.digits.length} menu(s); the caller presses ${[...profile.ivr.digits].join(', ')} as RFC 4733 events; the flow enqueues the call; the ACD reserves a ready agent and sip-edge rings that agent's registered SIP phone; the phone answers after ${profile.agents.answerDelayMs} ms, talks ${profile.agents.talkTimeMs} ms and hangs up (BYE through Kamailio, sip-edge hangs up the caller); after ${profile.agents.wrapUpMs} ms of wrap-up the desk says it is done (${input.stateVia === 'api' ? 'POST /v1/agents/:id/wrap-up and /state ready' : "agent.command.requested ready, through the harness probe: this tree's API did not serve POST /v1/agents/:id/state"}).`,
    '',
    ...(input.without?.length
      ? [
          `**Diagnostic run: the system under test ran WITHOUT ${input.without.join(', ')}** (not the shipped shape; to see what that costs the rest of the process).`,
          '',
        ]
      : []),
    `System under test: ${input.shape === 'up' ? '`hotline up` (every service in one Node process on the in-process bus, embedded store and memory live state) in its own process' : '`hotline serve <service>`, one Node process per service on the shared Kafka, FerretDB and Redis (this run\'s own topics, database and key prefix); "hotline" CPU is their sum, each service has its own column in the CPU chart'}, with its own Kamailio and rtpengine (infra/local scripts, state in .local/journey). ${profile.agents.count} agents were provisioned through the API in ${input.provisionSeconds.toFixed(1)} s and registered (digest) in ${(input.registeredMs / 1000).toFixed(1)} s. A failed call is one that did not go IVR → queue → agent answer → BYE: SIPp failures plus calls no agent answered. Raw statistics: \`${relative(input.root, input.runDir)}/\`.`,
    '',
    '## Results',
    '',
    profile.warmup.calls > 0
      ? `Before the measured steps, ${profile.warmup.calls} warm-up calls at ${profile.warmup.rate}/s (not counted) rendered the prompts, filled the caches and warmed the JIT.`
      : 'No warm-up: the first calls meet a cold process.',
    '',
    '| step | calls/s | calls | SIPp ok | answered by agent | failed | SIPp failed | retrans. | setup INVITE→200 ms p50 / p95 / p99 | queue→answer ms p50 / p95 / p99 | answer rate | service level |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...steps.map(stepRow),
    '',
  ];
  if (input.ceiling !== undefined) {
    lines.push(
      `**Ceiling: ${input.ceiling === null ? 'no step ran without failed calls' : `${input.ceiling} calls/s`}** — the highest step rate with zero failed calls (steps of ${profile.ceiling?.secondsPerStep ?? 10} s; the run stops at the first step with failures).`,
      '',
    );
  }
  const failedBy = steps.flatMap((s) =>
    Object.entries(s.sipp.failedBy).map(([k, v]) => `${s.label}: ${k} ${v}`),
  );
  if (failedBy.length) lines.push(`SIPp failure causes: ${failedBy.join('; ')}.`, '');
  lines.push(
    '## Beside bare Kamailio + rtpengine (same run, same offered load)',
    '',
    'The baseline calls go to Kamailio\'s "bare" route: straight to a SIPp UAS, media anchored by Kamailio itself (offer/answer/delete), no call control, held as long as a journey. CPU is % of one core averaged over the step.',
    '',
    '| target | calls/s | calls | successful | failed | INVITE→200 ms p50 / p95 / p99 | CPU % kamailio | rtpengine | hotline | agents | SIPp | other CPU % |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const s of steps) {
    lines.push(
      `| journey${s.label === 'journey' ? '' : ` ${s.label}`} | ${s.rate} | ${s.calls} | ${s.calls - s.failed} | ${s.failed} | ${ms(percentile(s.sipp.setupMs, 50))} / ${ms(percentile(s.sipp.setupMs, 95))} / ${ms(percentile(s.sipp.setupMs, 99))} | ${cpuCell(s.cpu, 'kamailio')} | ${cpuCell(s.cpu, 'rtpengine')} | ${cpuCell(s.cpu, 'hotline')} | ${cpuCell(s.cpu, 'agents')} | ${cpuCell(s.cpu, 'sipp')} | ${otherCpu(s.cpu)} |`,
    );
    const b = baselines.find((x) => x.rate === s.rate);
    if (b)
      lines.push(
        `| bare | ${b.rate} | ${b.calls} | ${b.sipp.successful} | ${b.sipp.failed} | ${ms(percentile(b.sipp.setupMs, 50))} / ${ms(percentile(b.sipp.setupMs, 95))} / ${ms(percentile(b.sipp.setupMs, 99))} | ${cpuCell(b.cpu, 'kamailio')} | ${cpuCell(b.cpu, 'rtpengine')} | ${cpuCell(b.cpu, 'hotline')} | ${cpuCell(b.cpu, 'agents')} | ${cpuCell(b.cpu, 'sipp')} | ${otherCpu(b.cpu)} |`,
      );
  }
  if (baselines.length === 0) lines.push('', '(baseline off for this profile)');
  lines.push('');
  const measured = steps.filter((s) => s.mainThread);
  if (measured.length > 0) {
    lines.push(
      '## The main thread of the system under test',
      '',
      "Every service's JavaScript runs on one thread of the `hotline up` process (prompt audio is paced by a worker thread). Busy % is its event-loop utilisation over the step; the delay is how late its event loop ran a 10 ms timer (a stall shows up as a late run).",
      '',
      ...(measured.some((s) => s.caughtUpSeconds !== undefined)
        ? [
            "Idle again is how long after the step (its last call ended) the process took to drop under 15 % of a core: the backlog the step left, mostly reporting, a background consumer. The next step starts only then. CPU per call is what the system under test spent (all its threads) from the step's start until it was idle again, divided by the step's calls.",
            '',
            '| step | calls/s | main thread busy % | event-loop delay ms p50 / p99 / max | idle again after, s | CPU ms per call |',
            '|---|---|---|---|---|---|',
          ]
        : [
            '| step | calls/s | main thread busy % | event-loop delay ms p50 / p99 / max |',
            '|---|---|---|---|',
          ]),
      ...measured.map(
        (s) =>
          `| ${s.label} | ${s.rate} | ${s.mainThread!.busyPct} | ${s.mainThread!.delay.p50Ms} / ${s.mainThread!.delay.p99Ms} / ${s.mainThread!.delay.maxMs} |` +
          (s.caughtUpSeconds !== undefined
            ? ` ${s.caughtUpSeconds ?? 'still busy after 180'} | ${s.cpuMsPerCall ?? '-'} |`
            : ''),
      ),
      '',
    );
  }

  const a = input.agentCounters;
  lines.push(
    '## Agents',
    '',
    `Rang ${a.rang}, answered ${a.answered}, hung up ${a.hungUp} (far end first: ${a.farEndHungUp}), cancelled while ringing ${a.cancelled}, wrap-ups done ${a.wrapUpsDone}, state-change errors ${a.stateErrors}, SIP errors ${a.sipErrors}.` +
      (main
        ? ` Ring→answer (agent reserved → answered) p50 ${ms(percentile(main.ringToAnswer, 50))} ms, p95 ${ms(percentile(main.ringToAnswer, 95))} ms; ring misses ${main.probe.ringMisses}; agent commands refused ${main.probe.commandsRejected}${Object.keys(main.probe.rejectReasons).length ? ` (${JSON.stringify(main.probe.rejectReasons)})` : ''}; calls ended by ${JSON.stringify(main.probe.endedBy)}.`
        : ''),
    '',
  );

  // Charts over the whole run: time lines are per step, laid end to end.
  let offset = 0;
  const offered: [number, number][] = [];
  const answered: [number, number][] = [];
  const waiting: [number, number][] = [];
  const busy: [number, number][] = [];
  const setup: [number, number][] = [];
  const queued: [number, number][] = [];
  for (const s of steps) {
    let prev = { t: 0, offered: 0, answered: 0 };
    for (const p of s.timeline) {
      const dt = Math.max(0.001, p.t - prev.t);
      offered.push([offset + p.t, (p.offered - prev.offered) / dt]);
      answered.push([offset + p.t, (p.answered - prev.answered) / dt]);
      waiting.push([offset + p.t, p.waiting]);
      busy.push([offset + p.t, p.busyAgents]);
      prev = p;
    }
    for (const [t, v] of s.sipp.setupSeries) setup.push([offset + t, v]);
    for (const [t, v] of s.queueToAnswerSeries) queued.push([offset + t, v]);
    offset += s.timeline.at(-1)?.t ?? s.seconds;
  }
  const cpuT = input.cpuSeries.t;
  lines.push(
    '## Charts',
    '',
    lineChart({
      title: 'Calls per second',
      xLabel: 's',
      yLabel: 'calls/s',
      series: [
        { name: 'offered', points: offered },
        { name: 'answered by agent', points: answered },
      ],
    }),
    '',
    lineChart({
      title: 'Setup delay INVITE→200 (IVR answer) per second',
      xLabel: 's',
      yLabel: 'ms',
      series: statSeries(setup, ['p50', 'p95', 'p99']),
    }),
    '',
    lineChart({
      title: 'Queue → agent answer, by when the call joined the queue',
      xLabel: 's',
      yLabel: 'ms',
      series: statSeries(queued, ['p50', 'p95', 'max']),
    }),
    '',
    lineChart({
      title: 'Queue depth and busy agents',
      xLabel: 's',
      yLabel: 'count',
      series: [
        { name: 'calls in queue', points: waiting },
        { name: 'agents busy', points: busy },
      ],
    }),
    '',
    lineChart({
      title: 'CPU per process (% of one core)',
      xLabel: 's since sampling began',
      yLabel: '%',
      series: Object.entries(input.cpuSeries.groups).map(([name, values]) => ({
        name,
        points: values.map((v, i) => [cpuT[i] ?? i, v] as [number, number]),
      })),
    }),
    '',
  );
  if (input.apiLoad) {
    const l = input.apiLoad;
    lines.push(
      '## API and live channel during the run (--api-load)',
      '',
      `A separate Node process drove provisioning reads at 20/s, desks toggling not-ready/ready once a second, and ${l.live.streams} agents' GET /v1/live streams (${l.live.connected} connected, statuses ${JSON.stringify(l.live.statuses)}, ${l.live.events} events received, first event p50 ${l.live.firstEventMs === null ? '-' : `${ms(l.live.firstEventMs)} ms`}) for ${l.seconds.toFixed(0)} s. (k6 is marked not-to-use in this project's registry list — AGPL — so the harness drives these itself.)`,
      '',
      '| route | requests | errors | statuses | p50 ms | p95 ms | p99 ms |',
      '|---|---|---|---|---|---|---|',
      ...l.routes.map(
        (r) =>
          `| ${r.route} | ${r.requests} | ${r.errors} | ${JSON.stringify(r.statuses)} | ${ms(r.p50)} | ${ms(r.p95)} | ${ms(r.p99)} |`,
      ),
      '',
    );
  }
  lines.push(...cpuProfileSummary(input.runDir));
  lines.push('## Profile', '', '```json', JSON.stringify(profile, null, 2), '```', '');
  // Hand-written readings per report: notes/<report name without "journey-">.md.
  const notes = join(input.root, 'loadtests/journey/notes', basename(input.out).replace(/^journey-/, ''));
  if (existsSync(notes)) lines.push(readFileSync(notes, 'utf8').trimEnd(), '');
  mkdirSync(dirname(input.out), { recursive: true });
  writeFileSync(input.out, lines.join('\n'));
  writeFileSync(
    join(input.runDir, 'results.json'),
    JSON.stringify(
      {
        steps: steps.map((s) => ({ ...s, sipp: { ...s.sipp, setupMs: undefined, setupSeries: undefined } })),
        baselines: baselines.map((b) => ({
          ...b,
          sipp: { ...b.sipp, setupMs: undefined, setupSeries: undefined },
        })),
        ceiling: input.ceiling,
        agents: a,
        apiLoad: input.apiLoad,
      },
      null,
      2,
    ),
  );
  return input.out;
}

/** One chart series per statistic of the samples, second by second. */
function statSeries(
  samples: [number, number][],
  stats: Array<'p50' | 'p95' | 'p99' | 'max'>,
): { name: string; points: [number, number][] }[] {
  return stats.map((stat) => ({ name: stat, points: perSecond(samples, stat) }));
}
