import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import type { EventBus } from '../src/event-bus';
import { createTestKafkaBus } from './kafka-test-bus';
import { uniqueName } from './support/names';
import { waitFor } from './support/wait-for';

const fixture = fileURLToPath(new URL('./fixtures/slow-consumer.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

let bus: EventBus | undefined;
afterEach(async () => {
  await bus?.close();
});

function linesOf(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

it('loses no record when a consumer is killed mid-batch, and its replacement repeats only what was in flight', async () => {
  bus = await createTestKafkaBus('hotline-kill-test');
  const topic = uniqueName('kill');
  const group = uniqueName('group');
  const outFile = join(tmpdir(), `${uniqueName('handled')}.log`);
  await bus.ensureTopics([{ name: topic, partitions: 3 }]);
  const published = Array.from({ length: 30 }, (_, i) => `event-${i}`);
  await bus.publish(published.map((value, i) => ({ topic, key: `call-${i % 6}`, value })));

  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: repoRoot,
    env: { ...process.env, TOPIC: topic, GROUP: group, OUT_FILE: outFile, HANDLE_MS: '150' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  try {
    await waitFor(() => linesOf(outFile).length >= 8, 'the child to handle 8 records', { timeoutMs: 45_000 });
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const handledBeforeKill = linesOf(outFile);

  const handledAfterRestart: string[] = [];
  await bus.subscribe({
    group,
    topics: [topic],
    fromBeginning: true,
    handler: async (record) => {
      handledAfterRestart.push(record.value.toString());
    },
  });

  await waitFor(
    () => new Set([...handledBeforeKill, ...handledAfterRestart]).size === published.length,
    'every record handled by the child or its replacement',
  );
  expect(handledBeforeKill.length).toBeLessThan(published.length);
  expect(new Set([...handledBeforeKill, ...handledAfterRestart])).toEqual(new Set(published));
  // The child commits after each record and handles one partition at a time, so at most the one
  // record handled but not yet committed when SIGKILL hit is handled again.
  const repeated = handledAfterRestart.filter((value) => handledBeforeKill.includes(value));
  expect(repeated.length).toBeLessThanOrEqual(1);
  expect(new Set(handledAfterRestart).size).toBe(handledAfterRestart.length);
});
