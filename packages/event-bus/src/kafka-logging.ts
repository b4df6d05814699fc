import { logLevel, type LogEntry, type logCreator } from 'kafkajs';
import type { BusLog, BusLogLevel } from './bus-log';

const toKafkaLevel: Record<BusLogLevel, logLevel> = {
  debug: logLevel.DEBUG,
  info: logLevel.INFO,
  warn: logLevel.WARN,
  error: logLevel.ERROR,
};

export function kafkaLogLevel(level: BusLogLevel): logLevel {
  return toKafkaLevel[level];
}

function busLevel(level: logLevel): BusLogLevel {
  if (level === logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

// kafkajs logs every error answer of the broker at ERROR, even those it retries by design: a
// rebalance (a member joined or left), a coordinator still loading its offsets after a broker
// start, a topic whose leader is not known yet or moved. Those are routine; a real failure still surfaces as
// the error of the call that gave up.
const ROUTINE = [
  /rebalancing|rejoin is needed|re-joining/i,
  /coordinator is loading|coordinator is not available|not the correct coordinator/i,
  /no leader for this topic-partition|leader not available|not the leader for that topic-partition/i,
];

/** Sends kafkajs' own log lines to the bus log, demoting the routine ones to debug. */
export function kafkaLogCreator(log: BusLog): logCreator {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...fields } = entry;
      const text = `${message} ${String(fields.error ?? '')}`;
      const routine = ROUTINE.some((pattern) => pattern.test(text));
      log(routine ? 'debug' : busLevel(level), `kafkajs: ${message}`, { namespace, ...fields });
    };
}
