import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startCli, tempDir, waitForHttp, type CliProcess } from './run-cli';

let running: CliProcess | undefined;
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = undefined;
});

describe('hotline up', () => {
  it('starts every service in one process, answers /healthz and /readyz, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    running = startCli(['up'], { HOTLINE_HTTP_PORT: String(port), HOTLINE_DATA_DIR: tempDir('hotline-up-') });
    const health = await (await waitForHttp(`http://127.0.0.1:${port}/healthz`, 200, 30_000)).json();
    expect(health).toMatchObject({ status: 'ok', service: 'hotline', activeWork: 0 });
    const ready = (await (await waitForHttp(`http://127.0.0.1:${port}/readyz`, 200, 10_000)).json()) as {
      checks: { name: string; ok: boolean }[];
    };
    // sip-edge's own checks are advisory in `hotline up` (ready without Kamailio and rtpengine).
    expect(ready.checks.map((c: { name: string }) => c.name)).toEqual([
      'event-bus',
      'document-store',
      'live-state',
      'sip-edge.sip',
      'sip-edge.rtpengine',
      'sip-edge.kamailio',
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toContain('process_cpu_user_seconds_total');

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    const lines = running.output();
    for (const service of ['sip-edge', 'ivr-runner', 'acd-router', 'recorder', 'reporting', 'api']) {
      expect(lines).toMatch(new RegExp(`"component":"${service}"[^\n]*"msg":"service started"`));
    }
    expect(lines).toContain('"msg":"shutdown complete"');
  });

  it('refuses a bad setting with exit code 2 and names every bad key', async () => {
    running = startCli(['up'], {
      HOTLINE_HTTP_PORT: 'eighty',
      HOTLINE_LOG_LEVEL: 'loud',
      HOTLINE_DATADIR: '/tmp/x',
    });
    expect(await running.exited).toBe(2);
    const out = running.output();
    expect(out).toContain('HOTLINE_HTTP_PORT');
    expect(out).toContain('HOTLINE_LOG_LEVEL');
    expect(out).toContain('HOTLINE_DATADIR: unknown setting (did you mean HOTLINE_DATA_DIR?)');
  });

  it('rejects an unknown command with usage and exit code 2', async () => {
    running = startCli(['serve', 'teleporter'], {});
    expect(await running.exited).toBe(2);
    expect(running.output()).toContain('unknown service "teleporter"');
  });
});
