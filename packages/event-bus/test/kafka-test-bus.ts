import { createKafkaBus, type KafkaBusOptions } from '../src/kafka-bus';
import type { BusLog } from '../src/bus-log';

export const kafkaBrokers = (process.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

// Fast group mechanics for tests; the broker of infra/local allows sessions down to 1 s.
export const fastKafkaSettings = {
  sessionTimeoutMs: 6_000,
  rebalanceTimeoutMs: 10_000,
  heartbeatIntervalMs: 300,
  maxWaitTimeMs: 200,
  drainTimeoutMs: 1_000,
  joinTimeoutMs: 30_000,
  backoff: { initialMs: 20, maxMs: 100 },
} satisfies Partial<KafkaBusOptions>;

/** kafkajs warnings and errors on stderr, so a failing run shows what the client saw. */
export const stderrLog: BusLog = (level, message, fields) => {
  if (level === 'warn' || level === 'error')
    process.stderr.write(`[${level}] ${message} ${JSON.stringify(fields)}\n`);
};

export function createTestKafkaBus(clientId: string, overrides: Partial<KafkaBusOptions> = {}) {
  return createKafkaBus({
    brokers: kafkaBrokers,
    clientId,
    log: stderrLog,
    ...fastKafkaSettings,
    ...overrides,
  });
}
