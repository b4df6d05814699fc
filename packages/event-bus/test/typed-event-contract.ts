import { DeadLetterHeaders, makeEvent, serializeEvent, Topics, type HotlineEvent } from '@hotline/contracts';
import { describe, expect, it } from 'vitest';
import type { DeliveredRecord } from '../src/event-bus';
import { consumeEvents } from '../src/event-consumer';
import { eventRecord, publishEvents } from '../src/event-publisher';
import { EVENT_TYPE_HEADER } from '../src/event-type-filter';
import type { ContractContext } from './support/contract-context';
import { MemoryIdempotencyGuard } from './support/memory-idempotency-guard';
import { uniqueName } from './support/names';
import { gate, waitFor } from './support/wait-for';

/** The typed layer (publishEvents, consumeEvents) over any adapter; part of the bus contract. */
export function describeTypedEventContract(ctx: ContractContext): void {
  describe('typed events', () => {
    const { newTopic, newGroup, onKey, readAll } = ctx;
    const tenantId = uniqueName('tenant');
    const callEnded = (callId: string, durationMs: number) =>
      makeEvent({
        type: 'call.ended',
        tenantId,
        source: 'contract-test',
        data: { callId, cause: 'normal', by: 'caller', durationMs },
      });
    const queueJoined = (callId: string) =>
      makeEvent({
        type: 'queue.joined',
        tenantId,
        source: 'contract-test',
        data: { callId, queueId: 'sales', priority: 5, skills: [{ skill: 'en', minLevel: 2 }], position: 1 },
      });

    it('publishes each event on its catalog topic, keyed by its key, with trace and content-type headers', async () => {
      await ctx.bus().ensureTopics([{ name: Topics.calls }, { name: Topics.agents }]);
      const mine: DeliveredRecord[] = [];
      await ctx.bus().subscribe({
        group: newGroup(),
        topics: [Topics.calls, Topics.agents],
        handler: async (record) => {
          if ((JSON.parse(record.value.toString()) as { tenantId?: string }).tenantId === tenantId)
            mine.push(record);
        },
      });
      const offered = makeEvent({
        type: 'call.offered',
        tenantId,
        source: 'contract-test',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        data: {
          callId: 'c-42',
          legId: 'l-1',
          direction: 'inbound',
          ani: '+4930123',
          dnis: '+4930999',
          siteId: 'fra',
        },
      });
      const agent = makeEvent({
        type: 'agent.state.changed',
        tenantId,
        source: 'contract-test',
        data: { agentId: 'a-7', from: 'ready', to: 'reserved' },
      });

      await publishEvents(ctx.bus(), [offered, agent]);

      await waitFor(() => mine.length === 2, 'both events');
      const onCalls = mine.find((r) => r.topic === Topics.calls);
      const onAgents = mine.find((r) => r.topic === Topics.agents);
      expect(onCalls?.key).toBe('c-42');
      expect(onCalls?.headers).toMatchObject({
        'content-type': 'application/json',
        traceparent: offered.traceparent,
      });
      expect(JSON.parse(onCalls?.value.toString() ?? '')).toEqual(offered);
      expect(onAgents?.key).toBe('a-7');
      expect(onAgents?.headers.traceparent).toBeUndefined();
      expect(onCalls?.headers[EVENT_TYPE_HEADER]).toBe('call.offered');
      expect(onAgents?.headers[EVENT_TYPE_HEADER]).toBe('agent.state.changed');
    });

    it('hands a group that names its event types only those, and commits past the others', async () => {
      const topic = await newTopic(1);
      const on = (event: HotlineEvent) => ({ ...eventRecord(event), topic });
      // An event published without the type header (by an older publisher) is still delivered,
      // and consumeEvents leaves it out by its parsed type.
      const headerless = { topic, key: 'c-3', value: serializeEvent(callEnded('c-3', 3000)) };
      const group = newGroup();
      const handled: string[] = [];
      const typed = await consumeEvents({
        bus: ctx.bus(),
        group,
        topics: [topic],
        fromBeginning: true,
        types: ['queue.joined'],
        dedupe: new MemoryIdempotencyGuard(),
        handle: async (event) => {
          handled.push(`${event.type} ${event.key}`);
        },
      });

      await ctx
        .bus()
        .publish([
          on(queueJoined('c-1')),
          on(callEnded('c-1', 1000)),
          headerless,
          on(callEnded('c-2', 2000)),
          on(queueJoined('c-2')),
        ]);

      await waitFor(() => handled.length === 2, 'the two queue.joined events');
      expect(handled).toEqual(['queue.joined c-1', 'queue.joined c-2']);
      await typed.close();
      // The group committed past every record, the passed-over ones too: a member that now
      // takes every type starts after them.
      const later: string[] = [];
      await consumeEvents({
        bus: ctx.bus(),
        group,
        topics: [topic],
        fromBeginning: true,
        handle: async (event) => {
          later.push(`${event.type} ${event.key}`);
        },
      });
      await ctx.bus().publish([on(callEnded('c-4', 4000))]);
      await waitFor(() => later.length === 1, 'the event published after');
      expect(later).toEqual(['call.ended c-4']);
      expect(handled).toHaveLength(2);
    });

    it('dead-letters malformed events at once and handles the well-formed ones around them in order', async () => {
      const topic = await newTopic(2);
      const deadLetters = await newTopic(1, 'dlt');
      const good = [1, 2, 3, 4].map((n) => callEnded('c-13', n * 1000));
      const unknownType = JSON.stringify({ ...good[0], id: crypto.randomUUID(), type: 'call.teleported' });
      const badData = JSON.stringify({ ...good[0], id: crypto.randomUUID(), data: { callId: 'c-13' } });
      const raw = [
        serializeEvent(good[0]!),
        '{oops',
        serializeEvent(good[1]!),
        unknownType,
        serializeEvent(good[2]!),
        badData,
        serializeEvent(good[3]!),
      ];
      const handled: HotlineEvent[] = [];
      await consumeEvents({
        bus: ctx.bus(),
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        deadLetterTopic: deadLetters,
        handle: async (event) => {
          handled.push(event);
        },
      });

      await ctx.bus().publish(onKey(topic, 'c-13', raw));

      await waitFor(() => handled.length === 4, 'the four well-formed events');
      expect(handled.map((e) => e.id)).toEqual(good.map((e) => e.id));
      const deadLetters3 = await readAll(deadLetters, 3);
      expect(deadLetters3.map((r) => r.value.toString())).toEqual(['{oops', unknownType, badData]);
      expect(deadLetters3.map((r) => r.headers[DeadLetterHeaders.errorCode])).toEqual(
        Array(3).fill('contract_violation'),
      );
    });

    it('gives every consumer group an equal event', async () => {
      const topic = await newTopic(2);
      const events = [callEnded('c-20', 1000), queueJoined('c-20'), callEnded('c-21', 3000)];
      const groups = [newGroup(), newGroup(), newGroup()];
      const seen = new Map<string, HotlineEvent[]>(groups.map((g) => [g, []]));
      for (const group of groups) {
        await consumeEvents({
          bus: ctx.bus(),
          group,
          topics: [topic],
          fromBeginning: true,
          handle: async (event) => {
            seen.get(group)?.push(event);
          },
        });
      }

      await ctx
        .bus()
        .publish(events.map((event) => ({ topic, key: event.key, value: serializeEvent(event) })));

      await waitFor(() => [...seen.values()].every((list) => list.length === 3), 'three events per group');
      for (const group of groups) {
        const byId = (e: HotlineEvent) => e.id;
        expect(seen.get(group)?.map(byId).sort()).toEqual(events.map(byId).sort());
        for (const event of events) expect(seen.get(group)?.find((e) => e.id === event.id)).toEqual(event);
      }
    });

    it('lets no consumer group change the event another group sees', async () => {
      const topic = await newTopic(1);
      const joined = queueJoined('c-22');
      const vandalDone = gate();
      const seenByOther: unknown[] = [];
      await consumeEvents({
        bus: ctx.bus(),
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handle: async (event) => {
          const writable = event as unknown as {
            key: string;
            data: { priority: number; skills: { minLevel: number }[] };
          };
          // Each write either changes this group's own copy or throws on a shared, frozen event.
          for (const write of [
            () => (writable.key = 'someone-else'),
            () => (writable.data.priority = 99),
            () => ((writable.data.skills[0] as { minLevel: number }).minLevel = 5),
            () => writable.data.skills.push({ minLevel: 1 }),
          ]) {
            try {
              write();
            } catch {
              // refused: the event is frozen
            }
          }
          vandalDone.open();
        },
      });
      await consumeEvents({
        bus: ctx.bus(),
        group: newGroup(),
        topics: [topic],
        fromBeginning: true,
        handle: async (event) => {
          await vandalDone.promise;
          seenByOther.push(JSON.parse(JSON.stringify(event)));
        },
      });

      await ctx.bus().publish([{ topic, key: joined.key, value: serializeEvent(joined) }]);

      await waitFor(() => seenByOther.length === 1, 'the second group to handle the event');
      expect(seenByOther[0]).toEqual(joined);
    });

    it('dead-letters an invalid record once for each consumer group that reads it', async () => {
      const topic = await newTopic(1);
      const deadLetters = await newTopic(1, 'dlt');
      const good = callEnded('c-23', 1000);
      const groups = [newGroup(), newGroup()];
      const handled: string[] = [];
      for (const group of groups) {
        await consumeEvents({
          bus: ctx.bus(),
          group,
          topics: [topic],
          fromBeginning: true,
          deadLetterTopic: deadLetters,
          handle: async () => {
            handled.push(group);
          },
        });
      }

      await ctx.bus().publish(onKey(topic, 'c-23', ['{oops', serializeEvent(good)]));

      await waitFor(() => handled.length === 2, 'the good event in both groups');
      expect([...handled].sort()).toEqual([...groups].sort());
      const letters = await readAll(deadLetters, 2);
      expect(letters.map((r) => r.value.toString())).toEqual(['{oops', '{oops']);
      expect(letters.map((r) => r.headers[DeadLetterHeaders.consumerGroup]).sort()).toEqual(
        [...groups].sort(),
      );
    });

    it('handles an event delivered twice only once when given an idempotency guard', async () => {
      const topic = await newTopic(2);
      const group = newGroup();
      const guard = new MemoryIdempotencyGuard();
      const [twice, next] = [callEnded('c-14', 1000), callEnded('c-14', 2000)];
      const handled: string[] = [];
      await consumeEvents({
        bus: ctx.bus(),
        group,
        topics: [topic],
        fromBeginning: true,
        dedupe: guard,
        handle: async (event) => {
          handled.push(event.id);
        },
      });

      await ctx
        .bus()
        .publish(onKey(topic, 'c-14', [serializeEvent(twice), serializeEvent(twice), serializeEvent(next)]));

      await waitFor(() => handled.includes(next.id), 'the event after the duplicate');
      expect(handled).toEqual([twice.id, next.id]);
      expect(await guard.seen(group, twice.id)).toBe(true);
    });
  });
}
