import type { DocumentStore, Filter } from '@hotline/document-store';
import type { LiveState } from '@hotline/live-state';
import { LiveRealtime } from '../adapters/live-realtime';
import { dispositionsOf, type CallDisposition } from '../adapters/call-dispositions';
import { slThresholds } from '../adapters/sl-thresholds';
import { aniHashOf, ReportStore } from '../adapters/report-store';
import { settlePendingFolds } from './pending-folds';
import { cdrsToCsv, intervalsToCsv } from '../domain/csv';
import { utcDay } from '../domain/event-order';
import { aggregateIntervals, bucketStart } from '../domain/interval-aggregation';
import { intervalFacts } from '../domain/interval-facts';
import {
  agentRealtime,
  countByState,
  queueRealtimeFromSums,
  type AgentRealtime,
  type QueueRealtime,
  type WaitingCall,
} from '../domain/realtime';
import type { CallDetailRecord, IntervalRow, IntervalSize } from '../domain/types';

export interface CdrQuery {
  /** ISO instants: calls that started in [from, to). */
  from: string;
  to: string;
  queueId?: string;
  agentId?: string;
  limit: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string;
}

export interface IntervalQuery {
  size: IntervalSize;
  from: string;
  to: string;
  queueId?: string;
  agentId?: string;
}

/** A CDR as served: the stored record plus the agent's wrap-up disposition, if any. */
export type CdrView = CallDetailRecord & { disposition: string | null; dispositionNotes: string | null };

export interface CdrSummary {
  callId: string;
  startedAt: string;
  outcome: CallDetailRecord['outcome'];
  queueIds: string[];
  agentIds: string[];
  durationSec: number;
  disposition: string | null;
}

export interface CallContext {
  callId: string;
  ani: string | null;
  dnis: string | null;
  hotlineId?: string;
  queueId?: string;
  joinedAt?: string;
  waitMs?: number;
  attached: Record<string, string>;
  history: CdrSummary[];
}

export interface ReportingQueries {
  realtimeQueues(tenantId: string): Promise<QueueRealtime[]>;
  realtimeQueue(tenantId: string, queueId: string): Promise<QueueRealtime>;
  realtimeAgents(tenantId: string): Promise<AgentRealtime[]>;
  realtimeAgent(tenantId: string, agentId: string): Promise<AgentRealtime | null>;
  waitingCalls(tenantId: string, queueId?: string): Promise<WaitingCall[]>;
  callContext(tenantId: string, callId: string): Promise<CallContext | null>;
  cdrs(tenantId: string, query: CdrQuery): Promise<{ items: CdrView[]; nextCursor: string | null }>;
  cdr(tenantId: string, callId: string): Promise<CdrView | null>;
  intervals(tenantId: string, query: IntervalQuery): Promise<IntervalRow[]>;
  toCsv: { cdrs(rows: readonly CdrView[]): string; intervals(rows: readonly IntervalRow[]): string };
}

/** The longest a call is looked back for interval facts that land after its start (a long wait). */
const lookbackMs = 12 * 3_600_000;
const historySize = 5;

export function createReportingQueries(deps: {
  store: DocumentStore;
  live: LiveState;
  /** The clock for now-based figures (waits, today's open agent states). */
  now?: () => number;
}): ReportingQueries {
  const reports = new ReportStore(deps.store);
  const rt = new LiveRealtime(deps.live);
  const now = deps.now ?? Date.now;
  // Records an ingest of this process folded but has not written yet are written first.
  const settle = () => settlePendingFolds(deps.store);

  const withDispositions = async (tenantId: string, cdrs: CallDetailRecord[]): Promise<CdrView[]> => {
    const dispositions = await dispositionsOf(
      deps.store,
      tenantId,
      cdrs.map((c) => c.callId),
    );
    return cdrs.map((c) => view(c, dispositions.get(c.callId)));
  };

  // Real-time views read live state as the ingest last wrote it (at most foldEveryMs behind): a
  // wallboard polled many times a second must not force every pending record out each time (it
  // queued writes behind the background consumer and took seconds under load). Historical
  // queries and the screen pop settle first.
  const agents = async (tenantId: string): Promise<AgentRealtime[]> => {
    const at = now();
    return (await rt.agentDays(tenantId)).flatMap((d) => agentRealtime(d, at) ?? []);
  };

  const queueFigures = async (
    tenantId: string,
    queueIds: string[],
    agentList: AgentRealtime[],
  ): Promise<QueueRealtime[]> => {
    const at = now();
    const today = utcDay(at);
    const waiting = await rt.waiting(tenantId);
    const thresholds = await slThresholds(deps.store, tenantId, queueIds);
    const byState = countByState(agentList);
    const out: QueueRealtime[] = [];
    for (const queueId of [...queueIds].sort()) {
      const waitingJoinedAt = [...waiting.values()]
        .filter((w) => w.queueId === queueId)
        .map((w) => w.joinedAt);
      out.push(
        queueRealtimeFromSums({
          queueId,
          sums: await rt.queueSums(tenantId, today, queueId),
          waitingJoinedAt,
          agentsByState: byState,
          slThresholdSec: thresholds(queueId),
          now: at,
        }),
      );
    }
    return out;
  };

  return {
    async realtimeQueues(tenantId) {
      return queueFigures(tenantId, await rt.queueIds(tenantId), await agents(tenantId));
    },
    async realtimeQueue(tenantId, queueId) {
      const [figures] = await queueFigures(tenantId, [queueId], await agents(tenantId));
      return figures as QueueRealtime;
    },
    realtimeAgents: agents,
    async realtimeAgent(tenantId, agentId) {
      const day = await rt.agentDay(tenantId, agentId);
      return day ? agentRealtime(day, now()) : null;
    },
    async waitingCalls(tenantId, queueId) {
      const waiting = [...(await rt.waiting(tenantId)).entries()]
        .filter(([, w]) => queueId === undefined || w.queueId === queueId)
        .sort(([a, x], [b, y]) => x.joinedAt.localeCompare(y.joinedAt) || a.localeCompare(b));
      const positions = new Map<string, number>();
      return waiting.map(([callId, w]) => {
        const position = (positions.get(w.queueId) ?? 0) + 1;
        positions.set(w.queueId, position);
        return { callId, queueId: w.queueId, joinedAt: w.joinedAt, ani: w.ani, position };
      });
    },
    async callContext(tenantId, callId) {
      await settle();
      const cdr = await reports.cdr(tenantId, callId);
      if (!cdr) return null;
      const stay = cdr.queues.at(-1);
      const history = cdr.ani
        ? (
            await reports.findCdrs(
              {
                tenantId,
                aniHash: aniHashOf(tenantId, cdr.ani),
                sortKey: { $lt: `${cdr.startedAt}|${callId}` },
              },
              historySize,
            )
          ).filter((c) => c.callId !== callId)
        : [];
      const dispositions = await dispositionsOf(
        deps.store,
        tenantId,
        history.map((c) => c.callId),
      );
      return {
        callId,
        ani: cdr.ani,
        dnis: cdr.dnis,
        ...(cdr.hotlineId ? { hotlineId: cdr.hotlineId } : {}),
        ...(stay
          ? {
              queueId: stay.queueId,
              joinedAt: stay.joinedAt,
              waitMs:
                stay.outcome === 'waiting' ? Math.max(0, now() - Date.parse(stay.joinedAt)) : stay.waitMs,
            }
          : {}),
        attached: cdr.attached,
        history: history.map((c) => ({
          callId: c.callId,
          startedAt: c.startedAt,
          outcome: c.outcome,
          queueIds: c.queueIds,
          agentIds: c.agentIds,
          durationSec: c.durationSec,
          disposition: dispositions.get(c.callId)?.dispositionCodeId ?? null,
        })),
      };
    },
    async cdrs(tenantId, query) {
      await settle();
      const upper = query.cursor && query.cursor < `${query.to}|` ? query.cursor : `${query.to}|`;
      const filter: Filter = { tenantId, sortKey: { $gte: query.from, $lt: upper } };
      if (query.queueId !== undefined) filter.queueIds = query.queueId;
      if (query.agentId !== undefined) filter.agentIds = query.agentId;
      const found = await reports.findCdrs(filter, query.limit + 1);
      const page = found.slice(0, query.limit);
      const last = page.at(-1);
      return {
        items: await withDispositions(tenantId, page),
        nextCursor: found.length > query.limit && last ? `${last.startedAt}|${last.callId}` : null,
      };
    },
    async cdr(tenantId, callId) {
      await settle();
      const cdr = await reports.cdr(tenantId, callId);
      return cdr ? ((await withDispositions(tenantId, [cdr]))[0] ?? null) : null;
    },
    async intervals(tenantId, query) {
      await settle();
      const from = bucketStart(Date.parse(query.from), query.size);
      const to = Date.parse(query.to);
      const cdrs = await reports.findCdrs(
        { tenantId, sortKey: { $gte: new Date(from - lookbackMs).toISOString(), $lt: `${query.to}|` } },
        1_000_000,
      );
      const facts = cdrs.flatMap(intervalFacts);
      const agentDays = await reports.agentDaysBetween(tenantId, utcDay(from), utcDay(to));
      const thresholds = await slThresholds(
        deps.store,
        tenantId,
        cdrs.flatMap((c) => c.queueIds),
      );
      return aggregateIntervals({
        size: query.size,
        from,
        to,
        facts,
        agentDays,
        slThresholdSec: thresholds,
        now: now(),
        ...(query.queueId !== undefined ? { queueId: query.queueId } : {}),
        ...(query.agentId !== undefined ? { agentId: query.agentId } : {}),
      });
    },
    toCsv: { cdrs: cdrsToCsv, intervals: intervalsToCsv },
  };
}

function view(cdr: CallDetailRecord, disposition: CallDisposition | undefined): CdrView {
  return {
    ...cdr,
    disposition: disposition?.dispositionCodeId ?? null,
    dispositionNotes: disposition?.notes ?? null,
  };
}
