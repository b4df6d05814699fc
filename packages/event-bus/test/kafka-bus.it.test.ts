import { afterEach, expect, it } from 'vitest';
import type { EventBus } from '../src/event-bus';
import { describeEventBusContract } from './event-bus-contract';
import { createTestKafkaBus } from './kafka-test-bus';
import { Inbox } from './support/inbox';
import { uniqueName } from './support/names';
import { gate, waitFor } from './support/wait-for';

describeEventBusContract('kafka', () => createTestKafkaBus('hotline-contract-test'));

let bus: EventBus | undefined;
afterEach(async () => {
  await bus?.close();
});

it('hands the partition of a member whose handler is stuck past maxHandlingMs to another member', async () => {
  const warnings: string[] = [];
  bus = await createTestKafkaBus('hotline-stuck-test', {
    sessionTimeoutMs: 2_000,
    maxHandlingMs: 1_000,
    log: (level, message) => level === 'warn' && warnings.push(message),
  });
  const topic = uniqueName('stuck');
  const group = uniqueName('group');
  await bus.ensureTopics([{ name: topic, partitions: 1 }]);
  const stuck = gate();
  const taken: string[] = [];
  try {
    await bus.subscribe({
      group,
      topics: [topic],
      fromBeginning: true,
      handler: async (record) => {
        taken.push(record.value.toString());
        await stuck.promise;
      },
    });
    await bus.publish([{ topic, key: 'call-1', value: 'hangs' }]);
    await waitFor(() => taken.length === 1, 'the first member to take the record');

    // The join completes only once the stuck member stopped heartbeating and its session lapsed
    // (well before the 10 s rebalance timeout would have evicted it).
    const other = new Inbox();
    const joinStarted = Date.now();
    await bus.subscribe({ group, topics: [topic], fromBeginning: true, handler: other.handler });

    await other.waitForCount(1, 'the record at the member that is not stuck');
    expect(other.values()).toEqual(['hangs']);
    expect(warnings).toContain(
      'record handling exceeded its time; leaving the group to reassign the partition',
    );
    expect(Date.now() - joinStarted).toBeLessThan(8_000);
  } finally {
    stuck.open();
  }
});
