import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  performHttpLookup,
  simulateFlow,
  validateFlow,
  type FlowDocument,
  type HttpRequest,
  type HttpResult,
  type SimulationResult,
} from '@hotline/flows';

export const flowUsage = `usage: hotline flow simulate <flow.json> [options]

  Runs a flow with a scripted caller and no SIP: prints the path taken, the prompts played and
  the variables at the end.

  --dnis <number>        the number called (default +10000000000)
  --ani <number>         the caller's number (default +10000000001)
  --trunk <id>           the inbound trunk
  --digits <list>        what the caller keys at each prompt, comma-separated: 1,4711#,,9
                         (an empty entry is silence, i.e. a timeout)
  --at <time>            the wall clock at the start, ISO 8601 (default now)
  --allow-host <host>    let HTTP lookups reach this host (repeatable); others fail
  --lookup-answer <json> answer every HTTP lookup with this JSON body instead (or @file.json)
  --transfer <outcome>   outcome of a transfer to an external number (default done; busy, no-answer, failed)
  --json                 print the whole result as JSON
`;

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** `hotline flow <subcommand>`; resolves the exit code (0 ok, 1 the flow failed or is invalid, 2 usage). */
export async function runFlowCommand(args: string[], io: Io = processIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'simulate') {
    io.err(`hotline flow: ${sub ? `unknown subcommand "${sub}"` : 'missing subcommand'}\n\n${flowUsage}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        dnis: { type: 'string', default: '+10000000000' },
        ani: { type: 'string', default: '+10000000001' },
        trunk: { type: 'string' },
        digits: { type: 'string', default: '' },
        at: { type: 'string' },
        'allow-host': { type: 'string', multiple: true, default: [] },
        'lookup-answer': { type: 'string' },
        transfer: { type: 'string', default: 'done' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    io.err(`hotline flow simulate: ${(err as Error).message}\n\n${flowUsage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(flowUsage);
    return 0;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    io.err(`hotline flow simulate: give exactly one flow file\n\n${flowUsage}`);
    return 2;
  }
  const now = values.at === undefined ? new Date() : new Date(values.at);
  if (Number.isNaN(now.getTime())) {
    io.err(`hotline flow simulate: --at "${values.at}" is not an ISO 8601 time\n`);
    return 2;
  }
  const transfer = values.transfer;
  if (!['done', 'busy', 'no-answer', 'failed', 'rejected'].includes(transfer)) {
    io.err(`hotline flow simulate: --transfer must be done, busy, no-answer, rejected or failed\n`);
    return 2;
  }

  const flow = await loadFlow(file, io);
  if (!flow) return 1;
  let http: (request: HttpRequest) => Promise<HttpResult>;
  if (values['lookup-answer'] !== undefined) {
    const body = await readJsonArg(values['lookup-answer'], io);
    if (body === undefined) return 2;
    http = async () => ({ ok: true, status: 200, body });
  } else {
    const allowedHosts = values['allow-host'];
    http = (request) => performHttpLookup(request, { allowedHosts });
  }

  const result = await simulateFlow(flow, {
    call: { ani: values.ani, dnis: values.dnis, ...(values.trunk ? { trunk: values.trunk } : {}) },
    digits: values.digits === '' ? [] : values.digits.split(','),
    now,
    transferOutcome: transfer as 'done',
    http,
    flows: (flowId) => findSiblingFlow(dirname(file), flowId),
  });
  io.out(values.json ? `${JSON.stringify(summary(result), null, 2)}\n` : describe(flow, result, values));
  return result.status === 'failed' || result.status === 'stopped' ? 1 : 0;
}

async function loadFlow(file: string, io: Io): Promise<FlowDocument | null> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    io.err(`hotline flow simulate: cannot read ${file}: ${(err as Error).message}\n`);
    return null;
  }
  const checked = validateFlow(raw);
  if (!checked.ok) {
    io.err(`${file} is not a valid flow:\n`);
    for (const e of checked.errors)
      io.err(`  ${e.nodeId ? `node ${e.nodeId}: ` : ''}${e.path}: ${e.message}\n`);
    return null;
  }
  return checked.flow;
}

/** A transfer to another flow finds it as a flow file with that id in the same folder. */
async function findSiblingFlow(dir: string, flowId: string): Promise<FlowDocument | null> {
  for (const name of await readdir(dir)) {
    if (!name.endsWith('.json')) continue;
    try {
      const checked = validateFlow(JSON.parse(await readFile(join(dir, name), 'utf8')));
      if (checked.ok && checked.flow.id === flowId) return checked.flow;
    } catch {
      // not a flow file
    }
  }
  return null;
}

async function readJsonArg(arg: string, io: Io): Promise<unknown> {
  try {
    return JSON.parse(arg.startsWith('@') ? await readFile(arg.slice(1), 'utf8') : arg);
  } catch (err) {
    io.err(`hotline flow simulate: --lookup-answer is not JSON: ${(err as Error).message}\n`);
    return undefined;
  }
}

function summary(result: SimulationResult) {
  return {
    status: result.status,
    path: result.path,
    prompts: result.prompts,
    variables: result.variables,
    ...(result.error ? { error: result.error } : {}),
    commands: result.commands.map((c) => c.command),
    events: result.events.map((e) => ({ type: e.type, data: e.data })),
    trace: result.trace,
  };
}

function describe(flow: FlowDocument, result: SimulationResult, call: { ani: string; dnis: string }): string {
  const lines = [
    `flow ${flow.id} v${flow.version}${flow.name ? ` "${flow.name}"` : ''}: call from ${call.ani} to ${call.dnis}`,
    '',
    'steps:',
    ...result.trace.map(
      (t) => `  ${(t.nodeId || '(call)').padEnd(20)} ${t.what === 'entered' ? `(${t.nodeType})` : t.what}`,
    ),
    '',
    'prompts played:',
    ...(result.prompts.length
      ? result.prompts.map((p) => `  ${p.nodeId.padEnd(20)} ${p.prompt}`)
      : ['  (none)']),
    '',
    'variables:',
    ...(Object.keys(result.variables).length
      ? Object.entries(result.variables).map(([k, v]) => `  ${k} = ${JSON.stringify(v)}`)
      : ['  (none)']),
    '',
    `path: ${result.path.join(' → ')}`,
    `result: ${outcomeOf(result)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function outcomeOf(result: SimulationResult): string {
  const joined = result.events.find((e) => e.type === 'queue.joined');
  switch (result.status) {
    case 'queued':
      return joined?.type === 'queue.joined'
        ? `queued in ${joined.data.queueId} (priority ${joined.data.priority})`
        : 'queued';
    case 'failed':
      return `failed at ${result.error?.nodeId}: ${result.error?.message}`;
    case 'stopped':
      return 'stopped: the flow kept asking after the scripted input ran out';
    case 'running':
      return 'still running';
    default:
      return result.status;
  }
}
