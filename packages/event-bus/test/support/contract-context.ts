import type { BusRecord, DeliveredRecord, EventBus } from '../../src/event-bus';

/** What the contract suites share: the bus under test (fresh per test) and helpers bound to it. */
export interface ContractContext {
  bus: () => EventBus;
  /** A topic with a name unique to this run. */
  newTopic: (partitions: number, label?: string) => Promise<string>;
  newGroup: () => string;
  onKey: (topic: string, key: string, values: string[]) => BusRecord[];
  /** Everything on a topic, read by a fresh group from the beginning, once `count` arrived. */
  readAll: (topic: string, count: number) => Promise<DeliveredRecord[]>;
}
