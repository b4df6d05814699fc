import { expect, it } from 'vitest';
import { createIdempotencyGuard } from '../../src/idempotency-guard';
import { type ContractContext, waitFor } from './context';

export function idempotencyContract(ctx: ContractContext): void {
  it('has not seen an event until it is remembered', async () => {
    const guard = createIdempotencyGuard(ctx.live(), { ttlMs: 60_000, prefix: 'idem' });
    expect(await guard.seen('router', 'evt-1')).toBe(false);
    await guard.remember('router', 'evt-1');
    expect(await guard.seen('router', 'evt-1')).toBe(true);
    expect(await guard.seen('router', 'evt-2')).toBe(false);
  });

  it('keeps consumer groups apart, even when names contain the separator', async () => {
    const guard = createIdempotencyGuard(ctx.live(), { ttlMs: 60_000, prefix: 'idem' });
    await guard.remember('a:b', 'c');
    expect(await guard.seen('a', 'b:c')).toBe(false);
    expect(await guard.seen('reporting', 'c')).toBe(false);
    expect(await guard.seen('a:b', 'c')).toBe(true);
  });

  it('forgets an event after ttlMs', async () => {
    const guard = createIdempotencyGuard(ctx.live(), { ttlMs: 80, prefix: 'idem' });
    await guard.remember('router', 'evt-1');
    expect(await guard.seen('router', 'evt-1')).toBe(true);
    await waitFor(async () => !(await guard.seen('router', 'evt-1')));
  });
}
