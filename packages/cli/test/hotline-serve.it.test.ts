import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startCli, waitForHttp, type CliProcess } from './run-cli';

const brokers = process.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092';
const mongo = process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const redis = process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379';

let running: CliProcess | undefined;
afterEach(() => {
  running?.child.kill('SIGKILL');
  running = undefined;
});

describe('hotline serve', () => {
  it('runs one service on real Kafka, FerretDB and Redis, is ready, and drains on SIGTERM', async () => {
    const port = await freePort();
    running = startCli(['serve', 'reporting'], {
      HOTLINE_HTTP_PORT: String(port),
      HOTLINE_KAFKA_BROKERS: brokers,
      HOTLINE_MONGO_URL: mongo,
      HOTLINE_MONGO_DB: `serve_it_${Date.now()}`,
      HOTLINE_REDIS_URL: redis,
      HOTLINE_REDIS_PREFIX: `serve-it-${Date.now()}:`,
    });
    const ready = (await (await waitForHttp(`http://127.0.0.1:${port}/readyz`, 200, 60_000)).json()) as {
      checks: { name: string; ok: boolean }[];
    };
    expect(ready.checks.every((c: { ok: boolean }) => c.ok)).toBe(true);
    const health = await (await fetch(`http://127.0.0.1:${port}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', service: 'reporting' });

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    expect(running.output()).toContain('"msg":"shutdown complete"');
  });

  it('names every missing connection setting at once', async () => {
    running = startCli(['serve', 'acd-router'], { HOTLINE_KAFKA_BROKERS: 'kafka-without-port' });
    expect(await running.exited).toBe(2);
    const out = running.output();
    expect(out).toMatch(/HOTLINE_KAFKA_BROKERS: .*host:port/);
    expect(out).toContain('HOTLINE_MONGO_URL: required, not set');
    expect(out).toContain('HOTLINE_REDIS_URL: required, not set');
  });
});
