import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startCli, tempDir, waitForHttp, type CliProcess } from './run-cli';

const adminKey = 'seed-test-admin-key-0123456789abcdef012345';
let running: CliProcess | undefined;
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = undefined;
});

async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('demo tenant', () => {
  it('is provisioned by hotline up on first start, its key printed once, and seed-demo then leaves it alone', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    running = startCli(['up'], {
      HOTLINE_HTTP_PORT: String(port),
      HOTLINE_DATA_DIR: tempDir('hotline-seed-'),
      HOTLINE_API_ADMIN_KEY: adminKey,
    });
    await waitForHttp(`${base}/healthz`, 200, 30_000);
    const key = await waitFor(async () => {
      const line = running!
        .output()
        .split('\n')
        .find((l) => l.includes('demo tenant provisioned'));
      return line ? (JSON.parse(line) as { apiKey: string }).apiKey : undefined;
    }, 20_000);
    const hotlines = (await (
      await fetch(`${base}/v1/hotlines`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as {
      items: { numbers: string[]; defaultFlowId: string }[];
    };
    expect(hotlines.items.map((h) => h.numbers)).toEqual([['+4930901820', '+4930901821']]);
    const auth = { headers: { authorization: `Bearer ${key}` } };
    const queues = (await (await fetch(`${base}/v1/queues`, auth)).json()) as { items: unknown[] };
    const agents = (await (await fetch(`${base}/v1/agents`, auth)).json()) as { items: unknown[] };
    const flow = (await (
      await fetch(`${base}/v1/flows/${hotlines.items[0]!.defaultFlowId}`, auth)
    ).json()) as {
      status: string;
    };
    expect([queues.items.length, agents.items.length, flow.status]).toEqual([2, 3, 'published']);

    const seed = startCli(['seed-demo'], { HOTLINE_API_URL: base, HOTLINE_API_ADMIN_KEY: adminKey });
    expect(await seed.exited).toBe(0);
    expect(seed.output()).toContain('already exists');
    expect(running.output()).not.toContain('"level":50');
  });

  it('refuses seed-demo without an admin key, naming the setting', async () => {
    const seed = startCli(['seed-demo'], {});
    expect(await seed.exited).toBe(2);
    expect(seed.output()).toContain('HOTLINE_API_ADMIN_KEY');
  });
});
