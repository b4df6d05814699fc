import { spawn } from 'node:child_process';
import { root } from './media-plane';

export interface SippRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Resolves when SIPp exits (always bounded by `timeoutMs`). */
  done: Promise<SippRun>;
  kill(): void;
}

export interface SippOptions {
  scenario: string;
  /** Remote (Kamailio) host:port; omitted for a pure UAS. */
  remote?: string;
  localPort: number;
  mediaPort: number;
  service?: string;
  calls?: number;
  extra?: string[];
  timeoutMs?: number;
}

/** Runs one bounded SIPp (Debian sip-tester) process with a scenario from loadtests/sipp/. */
export function sipp(options: SippOptions): SippRun {
  const args = [
    ...(options.remote ? [options.remote] : []),
    '-sf',
    `${root}loadtests/sipp/${options.scenario}`,
    '-i',
    '127.0.0.1',
    '-p',
    String(options.localPort),
    '-mi',
    '127.0.0.1',
    '-mp',
    String(options.mediaPort),
    '-m',
    String(options.calls ?? 1),
    '-timeout',
    `${Math.ceil((options.timeoutMs ?? 20_000) / 1000)}s`,
    '-timeout_error',
    '-nostdin',
    ...(options.service ? ['-s', options.service] : []),
    ...(options.extra ?? []),
  ];
  const child = spawn(
    'sipp',
    [...args, '-trace_err', '-error_file', `/tmp/sipp-${options.localPort}-errors.log`],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: '/tmp',
    },
  );
  const result: SippRun = {
    code: null,
    stdout: '',
    stderr: '',
    done: undefined as unknown as Promise<SippRun>,
    kill: () => child.kill('SIGKILL'),
  };
  child.stdout.on('data', (d: Buffer) => (result.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (result.stderr += d.toString()));
  const hardStop = setTimeout(() => child.kill('SIGKILL'), (options.timeoutMs ?? 20_000) + 5000);
  result.done = new Promise((resolve) => {
    child.on('exit', (code) => {
      clearTimeout(hardStop);
      result.code = code;
      resolve(result);
    });
  });
  return result;
}
