import { Topics } from '@hotline/contracts';
import { consumeEvents } from '@hotline/event-bus';
import { Counter, type RunningService, type ServiceDeps, type ServiceModule } from '@hotline/platform';
import { LiveRealtime } from './adapters/live-realtime';
import { ReportStore } from './adapters/report-store';
import { ReportingIngest } from './app/ingest';
import { registerPendingFolds } from './app/pending-folds';
import { createReportingQueries } from './app/queries';
import { RealtimePublisher } from './app/realtime-publisher';

export const consumerGroup = 'reporting';

/** The topics reporting folds (the recorder's events included, for recording ids in CDRs). */
export const reportingTopics = [Topics.calls, Topics.queues, Topics.agents, Topics.ivr, Topics.recordings];

export interface ReportingOptions {
  group?: string;
  /** Topic names to read instead of the standard ones (tests use unique names). */
  topics?: string[];
  fromBeginning?: boolean;
  /** How often a changed queue or agent is pushed at most (ms). Default 250. */
  publishEveryMs?: number;
  /** How long a changed CDR or agent day waits at most before it is written (ms). Default 250. */
  foldEveryMs?: number;
}

/**
 * Call detail records, agent timelines, interval and real-time figures (F-REP-1/2/3), all derived
 * from the events it keeps: replaying the topics from the start rebuilds the same numbers.
 */
export const service: ServiceModule = {
  name: 'reporting',
  async start(deps: ServiceDeps) {
    const running = await startReporting(deps);
    deps.log.info({ shape: deps.shape }, 'service started');
    return running;
  },
};

export async function startReporting(
  deps: Pick<ServiceDeps, 'log' | 'bus' | 'store' | 'live' | 'metrics'>,
  options: ReportingOptions = {},
): Promise<RunningService> {
  const { log, bus, store, live, metrics } = deps;
  const handled = new Counter({
    name: 'hotline_reporting_events_total',
    help: 'Events reporting consumed, by type and what came of them',
    labelNames: ['type', 'outcome'],
    registers: [metrics],
  });
  const reports = new ReportStore(store);
  await reports.ensureIndexes();
  const rt = new LiveRealtime(live);
  const publisher = new RealtimePublisher(
    rt,
    createReportingQueries({ store, live }),
    log,
    options.publishEveryMs,
  );
  const ingest = new ReportingIngest(reports, rt, publisher, {
    ...(options.foldEveryMs !== undefined ? { foldEveryMs: options.foldEveryMs } : {}),
    onError: (err) => log.warn({ err }, 'report record not written yet; trying again'),
  });
  const unregister = registerPendingFolds(store, ingest);
  let inFlight = 0;
  const subscription = await consumeEvents({
    bus,
    group: options.group ?? consumerGroup,
    topics: options.topics ?? reportingTopics,
    fromBeginning: options.fromBeginning ?? true,
    // Reporting's lag never holds up a call: in `hotline up` the call path goes first.
    background: true,
    handle: async (event) => {
      inFlight++;
      try {
        handled.inc({ type: event.type, outcome: await ingest.handle(event) });
      } finally {
        inFlight--;
      }
    },
  });
  let closed: Promise<void> | undefined;
  // Nothing new comes in once the subscription is closed; then the agent days still pending are
  // written, so a drained reporting has stored everything it kept.
  const close = () =>
    (closed ??= subscription
      .close()
      .then(() => ingest.close())
      .finally(unregister));
  return {
    name: 'reporting',
    drain: close,
    activeWork: () => inFlight + ingest.pending(),
    stop: async () => {
      await close();
      await publisher.close();
      log.info('service stopped');
    },
  };
}

export { createReportingQueries } from './app/queries';
export type {
  CallContext,
  CdrQuery,
  CdrSummary,
  CdrView,
  IntervalQuery,
  ReportingQueries,
} from './app/queries';
export type { AgentRealtime, QueueRealtime, WaitingCall } from './domain/realtime';
export type { CallDetailRecord, IntervalRow, IntervalSize, AgentDay } from './domain/types';
export { buildCdr } from './domain/cdr-builder';
export { buildAgentDay } from './domain/agent-timeline';
export { aggregateIntervals } from './domain/interval-aggregation';
export { cdrsToCsv, intervalsToCsv, toCsv, csvCell } from './domain/csv';
export { realtimeChannel } from './adapters/live-realtime';
export { ReportStore, ReportCollections } from './adapters/report-store';
export { reportsRouter, type Authorize } from './http/reports-router';
