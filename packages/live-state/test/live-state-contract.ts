// The behaviour every LiveState adapter must have. Each test gets a freshly opened adapter with
// no keys (the Redis test gives each one its own key prefix) and closes it afterwards.

import { afterEach, beforeEach, describe } from 'vitest';
import type { LiveState } from '../src/live-state';
import type { ContractContext } from './contract/context';
import { hashContract } from './contract/hashes';
import { idempotencyContract } from './contract/idempotency';
import { lifecycleContract } from './contract/lifecycle';
import { pubSubContract } from './contract/pub-sub';
import { scriptContract } from './contract/scripts';
import { setContract } from './contract/sets';
import { sortedSetContract } from './contract/sorted-sets';
import { stringContract } from './contract/strings';

export function describeLiveStateContract(name: string, open: () => Promise<LiveState>): void {
  describe(`LiveState contract: ${name}`, () => {
    let current: LiveState | undefined;
    const ctx: ContractContext = {
      live: () => {
        if (!current) throw new Error('no live state open');
        return current;
      },
    };
    beforeEach(async () => {
      current = await open();
    });
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });

    describe('strings and keys', () => stringContract(ctx));
    describe('hashes', () => hashContract(ctx));
    describe('sorted sets', () => sortedSetContract(ctx));
    describe('sets', () => setContract(ctx));
    describe('atomic scripts', () => scriptContract(ctx));
    describe('pub/sub', () => pubSubContract(ctx));
    describe('idempotency guard', () => idempotencyContract(ctx));
    describe('lifecycle', () => lifecycleContract(ctx));
  });
}
