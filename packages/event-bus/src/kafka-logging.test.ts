import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { BusLogLevel } from './bus-log';
import { kafkaLogCreator } from './kafka-logging';

function capture() {
  const lines: { level: BusLogLevel; message: string; fields: Record<string, unknown> }[] = [];
  const write = kafkaLogCreator((level, message, fields) => lines.push({ level, message, fields }))(
    logLevel.INFO,
  );
  return { lines, write };
}

describe('kafkajs log lines', () => {
  it('reach the bus log at their level, with their namespace and fields', () => {
    const { lines, write } = capture();

    write({
      namespace: 'Consumer',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Crash: KafkaJSNumberOfRetriesExceeded',
        timestamp: 't',
        logger: 'kafkajs',
        groupId: 'g1',
      },
    });

    expect(lines).toEqual([
      {
        level: 'error',
        message: 'kafkajs: Crash: KafkaJSNumberOfRetriesExceeded',
        fields: { namespace: 'Consumer', groupId: 'g1' },
      },
    ]);
  });

  it('demote the errors kafkajs retries by design, such as a rebalance, to debug', () => {
    const { lines, write } = capture();

    write({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Response Heartbeat(key: 12, version: 3)',
        timestamp: 't',
        logger: 'kafkajs',
        error: 'The group is rebalancing, so a rejoin is needed',
      },
    });
    write({
      namespace: 'Connection',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Response GroupCoordinator(key: 10, version: 2)',
        timestamp: 't',
        logger: 'kafkajs',
        error: 'The group coordinator is not available',
      },
    });

    expect(lines.map((l) => l.level)).toEqual(['debug', 'debug']);
  });
});
