import { createHash } from 'node:crypto';
import type { HotlineEvent } from '@hotline/contracts';
import {
  DuplicateKeyError,
  RevisionConflictError,
  type Collection,
  type DocumentStore,
  type Filter,
  type StoredDoc,
} from '@hotline/document-store';
import { inOccurrenceOrder } from '../domain/event-order';
import type { AgentDay, CallDetailRecord } from '../domain/types';

// Reporting's documents. The facts are the consumed events, kept once per record they feed (a
// call, an agent's UTC day) in one document per record, read and written by `_id` only: FerretDB
// 1.x filters other fields by scanning the collection. CDRs and agent days are derived from the
// facts and can be rebuilt at any time. Bodies are JSON text beside the few fields that are
// filtered on: IVR-attached keys are caller-controlled and may hold "." or "$", which a document
// database would refuse as field names.

export const ReportCollections = {
  events: 'report-events',
  cdrs: 'report-cdrs',
  agentDays: 'report-agent-days',
} as const;

/** The events one record is folded from, in occurrence order, each once. */
export interface FactsDoc extends StoredDoc {
  tenantId: string;
  /** "call:<callId>" or "agent:<agentId>:<YYYY-MM-DD>". */
  subject: string;
  count: number;
  /** JSON array of the events. */
  events: string;
}

export interface CdrDoc extends StoredDoc {
  tenantId: string;
  callId: string;
  startedAt: string;
  /** startedAt|callId: a total order for cursors. */
  sortKey: string;
  queueIds: string[];
  agentIds: string[];
  /** A digest of tenant + caller number: looks up a caller's history without indexing the number. */
  aniHash: string | null;
  eventCount: number;
  body: string;
}

export interface AgentDayDoc extends StoredDoc {
  tenantId: string;
  agentId: string;
  day: string;
  eventCount: number;
  body: string;
}

export function aniHashOf(tenantId: string, ani: string): string {
  return createHash('sha256').update(`${tenantId}\u0000${ani}`).digest('base64url').slice(0, 32);
}

const callSubject = (callId: string) => `call:${callId}`;
const agentSubject = (agentId: string, day: string) => `agent:${agentId}:${day}`;

export class ReportStore {
  readonly events: Collection<FactsDoc>;
  readonly cdrs: Collection<CdrDoc>;
  readonly agentDays: Collection<AgentDayDoc>;

  constructor(store: DocumentStore) {
    this.events = store.collection<FactsDoc>(ReportCollections.events);
    this.cdrs = store.collection<CdrDoc>(ReportCollections.cdrs);
    this.agentDays = store.collection<AgentDayDoc>(ReportCollections.agentDays);
  }

  async ensureIndexes(): Promise<void> {
    await this.cdrs.ensureIndexes([
      { name: 'started', fields: { tenantId: 1, sortKey: -1 } },
      { name: 'caller', fields: { tenantId: 1, aniHash: 1, sortKey: -1 } },
    ]);
    await this.agentDays.ensureIndexes([{ name: 'day', fields: { tenantId: 1, day: 1 } }]);
  }

  /**
   * Adds an event to the facts of one record unless it is there already (by event id), and
   * returns all of that record's events. Revision-checked: a concurrent writer makes it retry.
   */
  async addFact(event: HotlineEvent, subject: string): Promise<{ events: HotlineEvent[]; fresh: boolean }> {
    const id = `${event.tenantId}:${subject}`;
    for (let attempt = 1; ; attempt++) {
      const current = await this.events.get(id);
      const events = current ? (JSON.parse(current.events) as HotlineEvent[]) : [];
      if (events.some((e) => e.id === event.id)) return { events, fresh: false };
      const next = inOccurrenceOrder([...events, event]);
      const doc = {
        _id: id,
        tenantId: event.tenantId,
        subject,
        count: next.length,
        events: JSON.stringify(next),
      };
      try {
        if (current) await this.events.replace({ ...doc, _rev: current._rev }, current._rev);
        else await this.events.insert(doc);
        return { events: next, fresh: true };
      } catch (error) {
        const raced = error instanceof DuplicateKeyError || error instanceof RevisionConflictError;
        if (!raced || attempt >= 8) throw error;
      }
    }
  }

  /** How many facts a tenant has (tests wait on it). */
  async factCount(tenantId: string): Promise<number> {
    return (await this.events.find({ tenantId })).reduce((sum, d) => sum + d.count, 0);
  }

  /**
   * Stores a call's record folded from its facts. A record never goes back to fewer events: a
   * writer holding fewer facts than the stored record leaves it (another writer saw more).
   */
  async storeCdr(cdr: CallDetailRecord): Promise<CallDetailRecord> {
    const { tenantId, callId } = cdr;
    const id = `${tenantId}:${callId}`;
    return this.keep(this.cdrs, id, () => {
      const doc: Omit<CdrDoc, '_rev'> = {
        _id: id,
        tenantId,
        callId,
        startedAt: cdr.startedAt,
        sortKey: `${cdr.startedAt}|${callId}`,
        queueIds: cdr.queueIds,
        agentIds: cdr.agentIds,
        aniHash: cdr.ani ? aniHashOf(tenantId, cdr.ani) : null,
        eventCount: cdr.eventCount,
        body: JSON.stringify(cdr),
      };
      return { doc, value: cdr };
    });
  }

  async storeAgentDay(value: AgentDay): Promise<AgentDay> {
    const { tenantId, agentId, day } = value;
    const id = `${tenantId}:${agentId}:${day}`;
    return this.keep(this.agentDays, id, () => {
      const doc: Omit<AgentDayDoc, '_rev'> = {
        _id: id,
        tenantId,
        agentId,
        day,
        eventCount: value.eventCount,
        body: JSON.stringify(value),
      };
      return { doc, value };
    });
  }

  private async keep<D extends StoredDoc & { eventCount: number; body: string }, V>(
    coll: Collection<D>,
    id: string,
    compute: () => { doc: Omit<D, '_rev'>; value: V },
  ): Promise<V> {
    const { doc, value } = compute();
    for (let attempt = 1; ; attempt++) {
      const current = await coll.get(id);
      try {
        if (!current) await coll.insert(doc);
        else if (current.eventCount > doc.eventCount) return JSON.parse(current.body) as V;
        else if (current.body !== doc.body)
          await coll.replace({ ...doc, _rev: current._rev } as D, current._rev);
        return value;
      } catch (error) {
        const raced = error instanceof DuplicateKeyError || error instanceof RevisionConflictError;
        if (!raced || attempt >= 8) throw error;
      }
    }
  }

  async cdr(tenantId: string, callId: string): Promise<CallDetailRecord | null> {
    const doc = await this.cdrs.get(`${tenantId}:${callId}`);
    return doc && doc.tenantId === tenantId ? (JSON.parse(doc.body) as CallDetailRecord) : null;
  }

  async findCdrs(filter: Filter, limit: number): Promise<CallDetailRecord[]> {
    const docs = await this.cdrs.find(filter, { sort: { sortKey: -1 }, limit });
    return docs.map((d) => JSON.parse(d.body) as CallDetailRecord);
  }

  async agentDaysBetween(tenantId: string, fromDay: string, toDay: string): Promise<AgentDay[]> {
    const docs = await this.agentDays.find({ tenantId, day: { $gte: fromDay, $lte: toDay } });
    return docs.map((d) => JSON.parse(d.body) as AgentDay);
  }

  /** Forgets everything reporting stored for these tenants (tests; a rebuild from the topics). */
  async wipe(tenantIds: string[]): Promise<void> {
    for (const c of [this.events, this.cdrs, this.agentDays])
      await c.deleteMany({ tenantId: { $in: tenantIds } });
  }
}

export const subjectKeys = { call: callSubject, agent: agentSubject };
