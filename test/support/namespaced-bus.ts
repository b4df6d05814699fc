import { Topics } from '../../packages/contracts/src/index';
import type { EventBus } from '../../packages/event-bus/src/index';

/**
 * One test run's private corner of a shared Kafka: every topic and consumer group the services
 * name is prefixed, so runs (and other people's tests on the same broker) never see each other's
 * records or split each other's partitions. Services keep using the catalog's topic names.
 */
export function namespacedBus(bus: EventBus, prefix: string): EventBus {
  const topic = (name: string) => `${prefix}${name}`;
  const bare = (name: string) => (name.startsWith(prefix) ? name.slice(prefix.length) : name);
  return {
    kind: bus.kind,
    ensureTopics: (topics) => bus.ensureTopics(topics.map((t) => ({ ...t, name: topic(t.name) }))),
    publish: (records) => bus.publish(records.map((r) => ({ ...r, topic: topic(r.topic) }))),
    subscribe: async (options) => {
      const subscription = await bus.subscribe({
        ...options,
        group: `${prefix}${options.group}`,
        topics: options.topics.map(topic),
        deadLetterTopic: topic(options.deadLetterTopic ?? Topics.deadLetter),
        handler: (record) => options.handler({ ...record, topic: bare(record.topic) }),
      });
      return { group: options.group, close: () => subscription.close() };
    },
    close: () => bus.close(),
  };
}
