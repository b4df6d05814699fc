// The store contract on a real Redis: the Lua scripts must do what their JavaScript twins do.
import { randomUUID } from 'node:crypto';
import { createRedisLiveState } from '@hotline/live-state';
import { afterAll } from 'vitest';
import { describeStoreContract } from './store-contract';
import { redisUrl, removeKeys } from './redis-helpers';

const runPrefix = `hotline-test:acd-store:${randomUUID()}:`;
let opened = 0;

describeStoreContract('redis', () =>
  createRedisLiveState({ url: redisUrl, keyPrefix: `${runPrefix}${opened++}:`, connectTimeoutMs: 2000 }),
);

afterAll(() => removeKeys(runPrefix));
