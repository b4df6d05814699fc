import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { Lifecycle } from './lifecycle';

const log = pino({ level: 'silent' });

describe('Lifecycle', () => {
  it('drains, waits for active work to finish, then stops components in reverse order', async () => {
    const steps: string[] = [];
    let calls = 2;
    const lifecycle = new Lifecycle({ log, shutdownTimeoutMs: 5_000, pollMs: 5 });
    lifecycle.add({ name: 'bus', stop: async () => void steps.push('stop bus') });
    lifecycle.add({
      name: 'calls',
      drain: async () => {
        steps.push('drain calls');
        // Calls in progress end a little later, as callers hang up.
        setTimeout(() => (calls = 1), 20);
        setTimeout(() => (calls = 0), 40);
      },
      activeWork: () => calls,
      stop: async () => void steps.push(`stop calls (active ${calls})`),
    });
    lifecycle.markRunning();
    expect(lifecycle.ready).toBe(true);
    const done = lifecycle.shutdown('test');
    expect(lifecycle.ready).toBe(false);
    await done;
    expect(steps).toEqual(['drain calls', 'stop calls (active 0)', 'stop bus']);
  });

  it('gives up waiting after the timeout and still stops everything', async () => {
    const stopped: string[] = [];
    const lifecycle = new Lifecycle({ log, shutdownTimeoutMs: 30, pollMs: 5 });
    lifecycle.add({ name: 'stuck', activeWork: () => 1, stop: async () => void stopped.push('stuck') });
    const started = Date.now();
    await lifecycle.shutdown('test');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(stopped).toEqual(['stuck']);
  });

  it('keeps stopping the others when one component fails to stop', async () => {
    const stopped: string[] = [];
    const lifecycle = new Lifecycle({ log, shutdownTimeoutMs: 10 });
    lifecycle.add({ name: 'a', stop: async () => void stopped.push('a') });
    lifecycle.add({
      name: 'b',
      stop: async () => {
        throw new Error('boom');
      },
    });
    await lifecycle.shutdown('test');
    expect(stopped).toEqual(['a']);
  });

  it('runs shutdown once however often it is asked', async () => {
    let stops = 0;
    const lifecycle = new Lifecycle({ log, shutdownTimeoutMs: 10 });
    lifecycle.add({ name: 'a', stop: async () => void stops++ });
    await Promise.all([lifecycle.shutdown('one'), lifecycle.shutdown('two')]);
    expect(stops).toBe(1);
  });
});
