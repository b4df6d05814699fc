import { DeadLetterHeaders } from '@hotline/contracts';
import { describe, expect, it } from 'vitest';
import type { DeliveredRecord } from '../src/event-bus';
import { partitionForKey } from '../src/murmur2';
import type { ContractContext } from './support/contract-context';
import { Inbox } from './support/inbox';
import { waitFor } from './support/wait-for';

/** Handlers that throw: bounded retries, then the dead-letter topic; part of the bus contract. */
export function describeFailureContract(ctx: ContractContext): void {
  describe('failing handlers', () => {
    const { newTopic, newGroup, onKey, readAll } = ctx;

    it('retries a failing handler and commits the record once it succeeds on the last allowed attempt', async () => {
      const topic = await newTopic(2);
      const deadLetters = await newTopic(1, 'dlt');
      const group = newGroup();
      const attempts = new Map<string, number>();
      const handled: string[] = [];
      const handler = async (record: DeliveredRecord) => {
        const value = record.value.toString();
        const attempt = (attempts.get(value) ?? 0) + 1;
        attempts.set(value, attempt);
        if (value === 'flaky' && attempt <= 2) throw new Error('database briefly away');
        if (value === 'poison') throw new Error('never works');
        handled.push(value);
      };
      const subscription = await ctx.bus().subscribe({
        group,
        topics: [topic],
        fromBeginning: true,
        deadLetterTopic: deadLetters,
        handler,
      });

      await ctx.bus().publish(onKey(topic, 'call-9', ['flaky', 'poison', 'after']));

      await waitFor(() => handled.includes('after'), 'the record after the failing ones');
      expect(attempts.get('flaky')).toBe(3);
      expect(handled).toEqual(['flaky', 'after']);
      // Same key, same dead-letter partition: had `flaky` been dead-lettered it would come first.
      const [firstDeadLetter] = await readAll(deadLetters, 1);
      expect(firstDeadLetter?.value.toString()).toBe('poison');

      await subscription.close();
      const restart = new Inbox();
      await ctx.bus().subscribe({ group, topics: [topic], fromBeginning: true, handler: restart.handler });
      await ctx.bus().publish(onKey(topic, 'call-9', ['later']));
      await restart.waitForCount(1);
      expect(restart.values()).toEqual(['later']);
    });

    it('dead-letters a record whose handler keeps failing, with its origin and error, and goes on', async () => {
      const topic = await newTopic(3);
      const deadLetters = await newTopic(1, 'dlt');
      const group = newGroup();
      let poisonAttempts = 0;
      const handled: DeliveredRecord[] = [];
      await ctx.bus().subscribe({
        group,
        topics: [topic],
        fromBeginning: true,
        deadLetterTopic: deadLetters,
        handler: async (record) => {
          if (record.value.toString() === 'poison') {
            poisonAttempts += 1;
            throw Object.assign(new Error('no agent skill matches'), { code: 'routing_failed' });
          }
          handled.push(record);
        },
      });

      await ctx.bus().publish([
        { topic, key: 'call-3', value: 'before' },
        { topic, key: 'call-3', value: 'poison', headers: { 'x-tenant': 'acme' } },
        { topic, key: 'call-3', value: 'after' },
      ]);

      await waitFor(() => handled.length === 2, 'the records around the poison one');
      expect(handled.map((r) => r.value.toString())).toEqual(['before', 'after']);
      expect(poisonAttempts).toBe(3);
      const [deadLetter] = await readAll(deadLetters, 1);
      expect(deadLetter?.key).toBe('call-3');
      expect(deadLetter?.value.toString()).toBe('poison');
      expect(deadLetter?.headers).toMatchObject({
        'x-tenant': 'acme',
        [DeadLetterHeaders.originalTopic]: topic,
        [DeadLetterHeaders.originalPartition]: String(partitionForKey('call-3', 3)),
        [DeadLetterHeaders.originalOffset]: String(BigInt(handled[0]?.offset ?? '0') + 1n),
        [DeadLetterHeaders.consumerGroup]: group,
        [DeadLetterHeaders.errorCode]: 'routing_failed',
      });
      expect(deadLetter?.headers[DeadLetterHeaders.errorMessage]).toContain('no agent skill matches');
    });

    it('dead-letters a record after one attempt when the error says retrying cannot help', async () => {
      const topic = await newTopic(1);
      const deadLetters = await newTopic(1, 'dlt');
      let attempts = 0;
      await ctx.bus().subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        deadLetterTopic: deadLetters,
        handler: async () => {
          attempts += 1;
          throw Object.assign(new Error('tenant deleted'), { code: 'not_found', retryable: false });
        },
      });

      await ctx.bus().publish(onKey(topic, 'call-4', ['orphan']));

      const [deadLetter] = await readAll(deadLetters, 1);
      expect(deadLetter?.headers[DeadLetterHeaders.errorCode]).toBe('not_found');
      expect(attempts).toBe(1);
    });
  });
}
