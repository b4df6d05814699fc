import { expect, it } from 'vitest';
import { type ContractContext, expectLiveStateError } from './context';

export function lifecycleContract(ctx: ContractContext): void {
  it('answers ping while open', async () => {
    await expect(ctx.live().ping()).resolves.toBeUndefined();
  });

  it('refuses commands after close, and closing twice is harmless', async () => {
    await ctx.live().close();
    await ctx.live().close();
    await expectLiveStateError(ctx.live().get('k'), 'CLOSED');
    await expectLiveStateError(
      ctx.live().subscribe('c', () => {}),
      'CLOSED',
    );
  });
}
