// Explained routing decisions, kept per call in the document store. Why there and not in live
// state: a decision is history (a supervisor or a tenant asks "why did this call go to Anna?"
// after the call is over, an audit asks weeks later), it is never read on the routing path, and
// it must be queryable by call; live state holds only what routing needs now and expires it.
// Writes are buffered and flushed in the background, so storing explanations never delays a
// reservation; a decision lost to a crash loses an explanation, never a call.

import type { Collection, DocumentStore, StoredDoc } from '@hotline/document-store';
import type { RoutingDecision } from '../domain/decision';
import type { DecisionLog } from '../domain/ports';

export const decisionsCollection = 'routing-decisions';

export type DecisionDoc = StoredDoc & RoutingDecision;

export interface DecisionStoreOptions {
  /** Flush when this many are buffered. Default 200. */
  batchSize?: number;
  /** Flush at least this often. Default 500 ms. */
  flushEveryMs?: number;
  /** Decisions kept waiting for a slow store at most; older ones are dropped (and counted). Default 20,000. */
  maxBuffered?: number;
  onError?: (error: unknown) => void;
}

export async function openDecisionStore(
  store: DocumentStore,
  options: DecisionStoreOptions = {},
): Promise<DecisionStore> {
  const collection = store.collection<DecisionDoc>(decisionsCollection);
  await collection.ensureIndexes([{ name: 'by-call', fields: { tenantId: 1, callId: 1, at: 1 } }]);
  return new DecisionStore(collection, options);
}

export class DecisionStore implements DecisionLog {
  private buffer: RoutingDecision[] = [];
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;
  private readonly batchSize: number;
  /** Decisions dropped because the store could not keep up. */
  dropped = 0;

  constructor(
    private readonly collection: Collection<DecisionDoc>,
    private readonly options: DecisionStoreOptions,
  ) {
    this.batchSize = options.batchSize ?? 200;
    this.timer = setInterval(() => void this.flush().catch(() => {}), options.flushEveryMs ?? 500);
    this.timer.unref();
  }

  record(decision: RoutingDecision): void {
    if (this.buffer.length >= (this.options.maxBuffered ?? 20_000)) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(decision);
    if (this.buffer.length >= this.batchSize) void this.flush().catch(() => {});
  }

  flush(): Promise<void> {
    const batch = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(async () => {
      for (const decision of batch) {
        try {
          await this.collection.insert({ _id: decision.decisionId, ...decision });
        } catch (error) {
          if ((error as { code?: string }).code === 'duplicate_key') continue;
          this.options.onError?.(error);
        }
      }
    });
    return this.writing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}

/**
 * Every decision made about a call, oldest first: what the API serves as
 * GET /v1/calls/:id/routing-decisions. Scoped to the tenant, so one tenant never reads another's.
 */
export async function listRoutingDecisions(
  store: DocumentStore,
  tenantId: string,
  callId: string,
): Promise<RoutingDecision[]> {
  const docs = await store
    .collection<DecisionDoc>(decisionsCollection)
    .find({ tenantId, callId }, { sort: { at: 1 }, limit: 1000 });
  return docs.map(({ _id: _ignored, _rev: _rev, ...decision }) => decision as RoutingDecision);
}

/** Keeps decisions in memory: tests and the benchmark. */
export class MemoryDecisionLog implements DecisionLog {
  readonly decisions: RoutingDecision[] = [];
  record(decision: RoutingDecision): void {
    this.decisions.push(decision);
  }
  async flush(): Promise<void> {}
  forCall(callId: string): RoutingDecision[] {
    return this.decisions.filter((d) => d.callId === callId);
  }
}
