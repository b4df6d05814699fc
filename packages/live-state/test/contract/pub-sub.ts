import { expect, it } from 'vitest';
import { type ContractContext, collect, sleep } from './context';

export function pubSubContract(ctx: ContractContext): void {
  it('delivers published messages to a subscriber in order', async () => {
    const inbox = await collect(ctx.live(), 'agent-events');
    for (const message of ['one', 'two', 'three']) await ctx.live().publish('agent-events', message);
    await inbox.until(3);
    expect(inbox.received).toEqual(['one', 'two', 'three']);
  });

  it('delivers after publish returns, never during it', async () => {
    const inbox = await collect(ctx.live(), 'agent-events');
    const publishing = ctx.live().publish('agent-events', 'later');
    expect(inbox.received).toEqual([]);
    await publishing;
    await inbox.until(1);
  });

  it('counts one receiving connection with subscribers and none without', async () => {
    expect(await ctx.live().publish('agent-events', 'nobody listens')).toBe(0);
    const first = await collect(ctx.live(), 'agent-events');
    const second = await collect(ctx.live(), 'agent-events');
    expect(await ctx.live().publish('agent-events', 'hello')).toBe(1);
    await first.until(1);
    await second.until(1);
  });

  it('keeps channels apart', async () => {
    const calls = await collect(ctx.live(), 'call-events');
    const agents = await collect(ctx.live(), 'agent-events');
    await ctx.live().publish('agent-events', 'for agents');
    await ctx.live().publish('call-events', 'for calls');
    await calls.until(1);
    await agents.until(1);
    expect(calls.received).toEqual(['for calls']);
    expect(agents.received).toEqual(['for agents']);
  });

  it('stops delivering to a subscriber that unsubscribed, but not to the others', async () => {
    const leaving = await collect(ctx.live(), 'agent-events');
    const staying = await collect(ctx.live(), 'agent-events');
    await leaving.unsubscribe();
    await ctx.live().publish('agent-events', 'after');
    await staying.until(1);
    await sleep(20);
    expect(leaving.received).toEqual([]);
    await staying.unsubscribe();
    await leaving.unsubscribe();
    expect(await ctx.live().publish('agent-events', 'gone')).toBe(0);
  });

  it('keeps delivering to other subscribers when one handler throws', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await ctx.live().subscribe('agent-events', () => {
        throw new Error('handler bug');
      });
      const healthy = await collect(ctx.live(), 'agent-events');
      await ctx.live().publish('agent-events', 'still arrives');
      await healthy.until(1);
      expect(healthy.received).toEqual(['still arrives']);
      await waitForWarning(warnings);
      expect(warnings.map((w) => w.message)).toContainEqual(expect.stringContaining('handler bug'));
    } finally {
      process.off('warning', onWarning);
    }
  });
}

async function waitForWarning(warnings: Error[]): Promise<void> {
  for (let i = 0; i < 100 && warnings.length === 0; i++) await sleep(10);
}
