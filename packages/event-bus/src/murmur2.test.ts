import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { partitionForKey } from './murmur2';

describe('partitionForKey', () => {
  it("puts every key on the partition kafkajs' default (Java-compatible) partitioner picks", () => {
    const kafkaPartitioner = Partitioners.DefaultPartitioner();
    const keys = [
      '',
      'a',
      'ab',
      'abc',
      'abcd',
      'call-1',
      'c-42',
      'agent-ä-7',
      '4bf92f3577b34da6a3ce929d0e0e4736',
      ...Array.from({ length: 200 }, (_, i) => `call-${i * 7919}`),
    ];
    for (const partitions of [1, 3, 4, 12]) {
      const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
        partitionId,
        leader: 1,
        replicas: [1],
        isr: [1],
        offlineReplicas: [],
        partitionErrorCode: 0,
      }));
      for (const key of keys) {
        const expected = kafkaPartitioner({ topic: 't', partitionMetadata, message: { key, value: null } });
        expect(partitionForKey(key, partitions), `key "${key}" over ${partitions}`).toBe(expected);
      }
    }
  });
});
