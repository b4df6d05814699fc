// The journey harness end to end on a tiny profile: its own Kamailio and rtpengine (ports 57xx,
// state in .local/journey), `hotline up` in a child process, 2 registered SIP agents, 5 SIPp
// callers at 2/s through the IVR (press 1) and the queue. Run it under
// `flock /tmp/hotline-sip.lock` beside other SIP work.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProfile } from '../../loadtests/journey/profile';
import { parseArgs, runJourney } from '../../loadtests/journey/run';

const dir = mkdtempSync(join(tmpdir(), 'journey-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the journey load harness', () => {
  it('takes 5 callers through IVR, queue and agent answer and writes a report with zero failures', async () => {
    const out = join(dir, 'journey-smoke.md');
    const args = parseArgs(['--profile', 'smoke', '--out', out, '--max-minutes', '2']);
    const outcome = await runJourney(args, await loadProfile('smoke'));

    const step = outcome.steps[0]!;
    expect(step.calls).toBe(5);
    expect(step.agentAnswered).toBe(5);
    expect(step.sipp.successful).toBe(5);
    expect(step.failed).toBe(0);
    expect(step.sipp.setupMs).toHaveLength(5);
    expect(step.queueToAnswer).toHaveLength(5);

    expect(existsSync(out)).toBe(true);
    const report = readFileSync(out, 'utf8');
    expect(report).toContain('| journey | 2 | 5 | 5 | 5 | **0** |');
    // Calls/s, setup delay, queue→answer, queue depth and busy agents, CPU per process.
    expect(report.match(/<svg /g)).toHaveLength(5);
    expect(report).toContain('npx tsx loadtests/journey/run.ts --profile smoke');
  }, 90_000);
});
