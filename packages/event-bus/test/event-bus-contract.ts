import { context, trace, TraceFlags } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BusRecord, DeliveredRecord, EventBus } from '../src/event-bus';
import { partitionForKey } from '../src/murmur2';
import { Inbox } from './support/inbox';
import { uniqueName } from './support/names';
import { enableTracePropagation } from './support/trace-propagation';
import { gate, waitFor } from './support/wait-for';
import { describeFailureContract } from './failure-contract';
import { describeTypedEventContract } from './typed-event-contract';

/**
 * What every EventBus adapter promises (see src/event-bus.ts). `makeBus` returns a fresh bus
 * with a short drain timeout (about a second) and short retry backoff, so the suite stays fast.
 */
export function describeEventBusContract(name: string, makeBus: () => Promise<EventBus>): void {
  describe(`${name} event bus contract`, () => {
    let bus: EventBus;

    beforeEach(async () => {
      bus = await makeBus();
    });

    afterEach(async () => {
      await bus.close();
    });

    async function newTopic(partitions: number, label = 'topic'): Promise<string> {
      const topic = uniqueName(label);
      await bus.ensureTopics([{ name: topic, partitions }]);
      return topic;
    }

    const newGroup = () => uniqueName('group');

    const onKey = (topic: string, key: string, values: string[]): BusRecord[] =>
      values.map((value) => ({ topic, key, value }));

    async function readAll(topic: string, count: number): Promise<DeliveredRecord[]> {
      const inbox = new Inbox();
      await bus.subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handler: inbox.handler,
      });
      await inbox.waitForCount(count, `${count} records on ${topic}`);
      return inbox.records;
    }

    it('delivers a published record with its key, value, headers and key-hashed partition', async () => {
      const topic = await newTopic(3);
      const inbox = new Inbox();
      await bus.subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handler: inbox.handler,
      });

      await bus.publish([
        {
          topic,
          key: 'call-1',
          value: '{"hello":"world"}',
          headers: { 'content-type': 'application/json', 'x-tenant': 'acme' },
        },
        { topic, key: 'call-1', value: Buffer.from([0, 255, 7]) },
      ]);

      await inbox.waitForCount(2);
      const [text, bytes] = inbox.records;
      expect(text).toMatchObject({ topic, key: 'call-1', partition: partitionForKey('call-1', 3) });
      expect(text?.value.toString('utf8')).toBe('{"hello":"world"}');
      expect(text?.headers).toMatchObject({ 'content-type': 'application/json', 'x-tenant': 'acme' });
      expect(text?.offset).toMatch(/^\d+$/);
      expect([...(bytes?.value ?? [])]).toEqual([0, 255, 7]);
      expect(BigInt(bytes?.offset ?? '0')).toBe(BigInt(text?.offset ?? '0') + 1n);
    });

    it('runs the handler inside the trace context that was active when the record was published', async () => {
      const disable = enableTracePropagation();
      try {
        const topic = await newTopic(1);
        const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
        const spanId = '00f067aa0ba902b7';
        const seen: { traceId?: string; spanId?: string; header?: string }[] = [];
        await bus.subscribe({
          group: newGroup(),
          topics: [topic],
          fromBeginning: true,
          handler: async (record) => {
            const span = trace.getSpanContext(context.active());
            seen.push({ traceId: span?.traceId, spanId: span?.spanId, header: record.headers.traceparent });
          },
        });

        const publishing = trace.setSpanContext(context.active(), {
          traceId,
          spanId,
          traceFlags: TraceFlags.SAMPLED,
        });
        await context.with(publishing, () => bus.publish([{ topic, key: 'call-1', value: 'traced' }]));

        await waitFor(() => seen.length === 1, 'the traced record');
        expect(seen[0]).toEqual({ traceId, spanId, header: `00-${traceId}-${spanId}-01` });
      } finally {
        disable();
      }
    });

    it('keeps the publish order of each key across many keys and partitions', async () => {
      const topic = await newTopic(4);
      const keys = Array.from({ length: 24 }, (_, i) => `call-${i}`);
      const rounds = 8;
      const inbox = new Inbox();
      await bus.subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handler: inbox.handler,
      });

      for (let seq = 0; seq < rounds; seq += 1) {
        await bus.publish(keys.map((key) => ({ topic, key, value: `${key}#${seq}` })));
      }

      await inbox.waitForCount(keys.length * rounds);
      for (const key of keys) {
        const ofKey = inbox.records.filter((r) => r.key === key);
        expect(ofKey.map((r) => r.value.toString())).toEqual(
          Array.from({ length: rounds }, (_, seq) => `${key}#${seq}`),
        );
        expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
      }
      expect(new Set(inbox.records.map((r) => r.partition)).size).toBeGreaterThan(1);
    });

    it('gives every consumer group every record', async () => {
      const topic = await newTopic(3);
      const billing = new Inbox();
      const reporting = new Inbox();
      await bus.subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handler: billing.handler,
      });
      await bus.subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handler: reporting.handler,
      });

      const values = Array.from({ length: 20 }, (_, i) => `event-${i}`);
      await bus.publish(values.map((value, i) => ({ topic, key: `call-${i}`, value })));

      await billing.waitForCount(20);
      await reporting.waitForCount(20);
      expect(billing.values().sort()).toEqual([...values].sort());
      expect(reporting.values().sort()).toEqual([...values].sort());
    });

    it('splits partitions between the members of one group and never hands a record to both', async () => {
      const topic = await newTopic(4);
      const group = newGroup();
      const first = new Inbox();
      const second = new Inbox();
      await bus.subscribe({ group, topics: [topic], fromBeginning: true, handler: first.handler });
      await bus.subscribe({ group, topics: [topic], fromBeginning: true, handler: second.handler });

      await bus.publish(
        Array.from({ length: 40 }, (_, i) => ({ topic, key: `call-${i}`, value: `event-${i}` })),
      );

      await waitFor(() => first.records.length + second.records.length >= 40, 'all 40 records in the group');
      expect(first.records.length).toBeGreaterThan(0);
      expect(second.records.length).toBeGreaterThan(0);
      expect(first.values().filter((v) => second.values().includes(v))).toEqual([]);
      const firstPartitions = new Set(first.records.map((r) => r.partition));
      expect(second.records.filter((r) => firstPartitions.has(r.partition))).toEqual([]);
    });

    it('lets a member join while another is mid-record without handing that record out twice', async () => {
      const topic = await newTopic(4);
      const group = newGroup();
      const busy = gate();
      const first: string[] = [];
      const second: string[] = [];
      try {
        await bus.subscribe({
          group,
          topics: [topic],
          fromBeginning: true,
          handler: async (record) => {
            first.push(record.value.toString());
            if (record.value.toString() === 'before-0') await busy.promise;
          },
        });
        const before = Array.from({ length: 12 }, (_, i) => `before-${i}`);
        await bus.publish(before.map((value, i) => ({ topic, key: `call-${i}`, value })));
        await waitFor(() => first.includes('before-0'), 'the first member to be mid-record');

        const joining = bus.subscribe({
          group,
          topics: [topic],
          fromBeginning: true,
          handler: async (r) => void second.push(r.value.toString()),
        });
        // Give the join time to reach the group (a Kafka member learns of it on its next heartbeat).
        await new Promise((resolve) => setTimeout(resolve, 600));
        busy.open();
        await joining;
        const after = Array.from({ length: 12 }, (_, i) => `after-${i}`);
        await bus.publish(after.map((value, i) => ({ topic, key: `call-${i}`, value })));

        await waitFor(() => new Set([...first, ...second]).size === 24, 'all 24 records in the group');
        expect(first.filter((v) => second.includes(v))).toEqual([]);
        expect(first.length + second.length).toBe(24);
        expect(second.length).toBeGreaterThan(0);
      } finally {
        busy.open();
      }
    });

    it('hands the records a closed member left uncommitted to the member that remains', async () => {
      const topic = await newTopic(4);
      const group = newGroup();
      const stuck = gate();
      const taken: string[] = [];
      try {
        const leaving = await bus.subscribe({
          group,
          topics: [topic],
          fromBeginning: true,
          handler: async (record) => {
            taken.push(record.value.toString());
            await stuck.promise;
          },
        });
        const staying = new Inbox();
        await bus.subscribe({ group, topics: [topic], fromBeginning: true, handler: staying.handler });
        const values = Array.from({ length: 40 }, (_, i) => `event-${i}`);
        await bus.publish(values.map((value, i) => ({ topic, key: `call-${i}`, value })));
        await waitFor(() => taken.length > 0, 'the leaving member to take a record');

        await leaving.close();

        await waitFor(
          () => new Set(staying.values()).size === values.length,
          'every record at the remaining member',
        );
        expect(staying.values()).toContain(taken[0]);
      } finally {
        stuck.open();
      }
    });

    it('lets the in-flight record finish and commits it when a member closes', async () => {
      const topic = await newTopic(2);
      const group = newGroup();
      const busy = gate();
      const handled: string[] = [];
      const taken: string[] = [];
      const subscription = await bus.subscribe({
        group,
        topics: [topic],
        fromBeginning: true,
        handler: async (record) => {
          taken.push(record.value.toString());
          if (record.value.toString() === 'slow') await busy.promise;
          handled.push(record.value.toString());
        },
      });
      await bus.publish(onKey(topic, 'call-5', ['quick', 'slow']));
      await waitFor(() => taken.includes('slow'), 'the slow record in flight');

      const closing = subscription.close();
      busy.open();
      await closing;

      expect(handled).toEqual(['quick', 'slow']);
      const restart = new Inbox();
      await bus.subscribe({ group, topics: [topic], fromBeginning: true, handler: restart.handler });
      await bus.publish(onKey(topic, 'call-5', ['next']));
      await restart.waitForCount(1);
      expect(restart.values()).toEqual(['next']);
    });

    it('resumes a restarted group right after the last committed record', async () => {
      const topic = await newTopic(2);
      const group = newGroup();
      const stuck = gate();
      const firstRun: string[] = [];
      try {
        const crashed = await bus.subscribe({
          group,
          topics: [topic],
          fromBeginning: true,
          handler: async (record) => {
            firstRun.push(record.value.toString());
            if (record.value.toString() === 'r3') await stuck.promise;
          },
        });
        await bus.publish(onKey(topic, 'call-7', ['r0', 'r1', 'r2', 'r3', 'r4', 'r5']));
        await waitFor(() => firstRun.includes('r3'), 'r3 in flight');
        await crashed.close();

        const restart = new Inbox();
        await bus.subscribe({ group, topics: [topic], fromBeginning: true, handler: restart.handler });

        await restart.waitForCount(3);
        expect(firstRun).toEqual(['r0', 'r1', 'r2', 'r3']);
        expect(restart.values()).toEqual(['r3', 'r4', 'r5']);
      } finally {
        stuck.open();
      }
    });

    it('starts a group without committed offsets at the beginning or at the end, as asked', async () => {
      const topic = await newTopic(3);
      const keys = Array.from({ length: 12 }, (_, i) => `call-${i}`);
      await bus.publish(keys.map((key) => ({ topic, key, value: `old-${key}` })));
      const fromBeginning = new Inbox();
      const latest = new Inbox();
      await bus.subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handler: fromBeginning.handler,
      });
      await bus.subscribe({
        group: newGroup(),
        topics: [topic],
        fromBeginning: false,
        handler: latest.handler,
      });

      await bus.publish(keys.map((key) => ({ topic, key, value: `new-${key}` })));

      await fromBeginning.waitForCount(24);
      await latest.waitForCount(12);
      expect(fromBeginning.values().filter((v) => v.startsWith('old-'))).toHaveLength(12);
      expect(latest.values().sort()).toEqual(keys.map((key) => `new-${key}`).sort());
    });

    it('lets ensureTopics run again over existing topics, creating only the missing ones', async () => {
      const existing = await newTopic(2);
      const added = uniqueName('topic');

      await bus.ensureTopics([{ name: existing, partitions: 2 }]);
      await bus.ensureTopics([
        { name: existing, partitions: 2 },
        { name: added, partitions: 1 },
      ]);

      await bus.publish([
        { topic: existing, key: 'call-1', value: 'on-existing' },
        { topic: added, key: 'call-1', value: 'on-added' },
      ]);
      const [onExisting] = await readAll(existing, 1);
      const [onAdded] = await readAll(added, 1);
      expect(onExisting?.value.toString()).toBe('on-existing');
      expect(onExisting?.partition).toBe(partitionForKey('call-1', 2));
      expect(onAdded?.partition).toBe(0);
    });

    const shared = { bus: () => bus, newTopic, newGroup, onKey, readAll };
    describeFailureContract(shared);
    describeTypedEventContract(shared);
  });
}
