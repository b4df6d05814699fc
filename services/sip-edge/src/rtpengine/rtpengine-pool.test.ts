import { describe, expect, it } from 'vitest';
import { RtpengineError, type NgClient, type NgTarget } from './ng-client';
import { RtpenginePool } from './rtpengine-pool';

/** An ng client whose pings succeed or fail per instance, as the test says. */
function pinger(down: Set<number>): NgClient {
  return {
    command: async (target: NgTarget) => {
      if (down.has(target.port))
        throw new RtpengineError('rtpengine_unavailable', `no answer from ${target.port}`);
      return { result: 'pong' };
    },
  } as unknown as NgClient;
}

const quiet = { warn: () => undefined, info: () => undefined };
const targets = [
  { host: '127.0.0.1', port: 1 },
  { host: '127.0.0.1', port: 2 },
];

describe('RtpenginePool', () => {
  it('spreads new calls round-robin over the instances', () => {
    const pool = new RtpenginePool(pinger(new Set()), targets, quiet);
    expect([pool.pick().port, pool.pick().port, pool.pick().port]).toEqual([1, 2, 1]);
  });

  it('takes an instance out after two missed pings in a row, and back on the next answer', async () => {
    const down = new Set([2]);
    const pool = new RtpenginePool(pinger(down), targets, quiet);
    await pool.checkAll();
    expect(pool.instances[1]!.up).toBe(true);
    await pool.checkAll();
    expect(pool.instances[1]!.up).toBe(false);
    expect([pool.pick().port, pool.pick().port]).toEqual([1, 1]);
    down.clear();
    await pool.checkAll();
    expect(pool.instances[1]!.up).toBe(true);
  });

  it('still tries every instance when none answers, and readiness says which failed', async () => {
    const pool = new RtpenginePool(pinger(new Set([1, 2])), targets, quiet);
    await pool.checkAll();
    await expect(pool.check()).rejects.toThrow(
      'no rtpengine answers: 127.0.0.1:1 (no answer from 1), 127.0.0.1:2 (no answer from 2)',
    );
    expect([pool.pick().port, pool.pick().port]).toEqual([1, 2]);
  });

  it('refuses to start without an instance', () => {
    expect(() => new RtpenginePool(pinger(new Set()), [], quiet)).toThrow('no rtpengine instance configured');
  });
});
