import { openEmbeddedStore, openMongoStore, type DocumentStore } from '@hotline/document-store';
import { createInProcessBus, createKafkaBus, type EventBus } from '@hotline/event-bus';
import { createMemoryLiveState, createRedisLiveState, type LiveState } from '@hotline/live-state';
import type { Logger, ServeSettings, UpSettings } from '@hotline/platform';
import path from 'node:path';

export interface Adapters {
  bus: EventBus;
  store: DocumentStore;
  live: LiveState;
}

/** Kafka, MongoDB and Redis: the production shape. */
export async function connectServeAdapters(
  config: ServeSettings,
  clientId: string,
  log: Logger,
): Promise<Adapters> {
  const bus = await createKafkaBus({
    brokers: [...config.HOTLINE_KAFKA_BROKERS],
    clientId: config.HOTLINE_KAFKA_CLIENT_ID ?? clientId,
    log: (level, message, fields) => log[level]({ kafka: fields }, message),
  });
  const store = await openMongoStore({ url: config.HOTLINE_MONGO_URL, dbName: config.HOTLINE_MONGO_DB });
  const live = await createRedisLiveState({
    url: config.HOTLINE_REDIS_URL,
    keyPrefix: config.HOTLINE_REDIS_PREFIX,
  });
  return { bus, store, live };
}

/** In-process bus, embedded store on disk, in-memory live state: the all-in-one shape. */
export async function openUpAdapters(config: UpSettings): Promise<Adapters> {
  // One process, one thread: a group's concurrency is its partition count, and under load a
  // handler that awaits the store spans several turns of the event loop, so with Kafka's usual 4
  // partitions a group's throughput would be capped by latency, not CPU (the IVR answered calls
  // late at 100 calls/s). 16 partitions x 5,000 records keeps 80,000 records of each topic.
  const bus = createInProcessBus({ partitions: 16, retention: 5_000 });
  const store = await openEmbeddedStore({ dir: path.resolve(config.HOTLINE_DATA_DIR, 'store') });
  const live = createMemoryLiveState();
  return { bus, store, live };
}
