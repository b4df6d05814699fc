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
import { byOccurrence, inOccurrenceOrder } from '../domain/event-order';
import { stateMsWithin, type AgentDayFold } from '../domain/agent-timeline';
import type { AgentDay, AgentDaySummary, CallDetailRecord, StateSegment } from '../domain/types';

// Reporting's documents. The facts are the consumed events, kept once per record they feed (a
// call, an agent's UTC day) in append-only chunks of at most `factsPerChunk` events per record
// (`<tenant>:<subject>#<n>`, n = 0, 1, ...), read and written by `_id` only: FerretDB 1.x filters
// other fields by scanning the collection. A new fact rewrites only the last chunk, so what one
// event costs does not grow with its record (an agent's day holds hundreds). CDRs and agent days
// are derived from the facts and can be rebuilt at any time. Bodies are JSON text beside the few fields that are
// filtered on: IVR-attached keys are caller-controlled and may hold "." or "$", which a document
// database would refuse as field names.

export const ReportCollections = {
  events: 'report-events',
  cdrs: 'report-cdrs',
  agentDays: 'report-agent-days',
  agentSegments: 'report-agent-segments',
} as const;

/**
 * Some of the events one record is folded from, each once across the record's chunks, in the
 * order they were kept (folds sort them). `_id` is `<tenant>:<subject>#<chunk>`; a record written
 * before chunks existed has one document `<tenant>:<subject>` (no `chunk`), read but not extended.
 */
export interface FactsDoc extends StoredDoc {
  tenantId: string;
  /** "call:<callId>" or "agent:<agentId>:<YYYY-MM-DD>". */
  subject: string;
  /** 0, 1, ...; only the last chunk of a record takes new events. */
  chunk?: number;
  count: number;
  /** JSON array of the events. */
  events: string;
}

/** Events per facts chunk: bounds the bytes one new fact rewrites. */
export const factsPerChunk = 8;

/**
 * A record's facts as this process last read or wrote them. Chunks only ever grow, and only the
 * last one, so a new fact written with the last chunk's revision (or as a chunk that must not
 * exist yet) succeeds only if nobody else added a fact since: another instance's write shows up
 * as a conflict, and the facts are read again.
 */
export interface Facts {
  readonly id: string;
  /** Every event, each once, in occurrence order. Do not change it: it is the cache's. */
  readonly events: HotlineEvent[];
  readonly ids: Set<string>;
  /** Stored chunks: revision, event count and JSON text of each. */
  readonly chunks: { rev: number; count: number; text: string }[];
}

export interface AddedFact {
  /** The record's events, each once, in occurrence order (the cache's array: read it only). */
  events: readonly HotlineEvent[];
  /** False for an event already kept (a redelivery). */
  fresh: boolean;
  /** The new event sorts after every other one of the record (the usual case). */
  atEnd: boolean;
  /** Which read of the facts this is: a new object whenever they were read from the store again. */
  facts: Facts;
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

/**
 * An agent's day: its summary (JSON of AgentDaySummary) in `body`, its segments in `segmentChunks`
 * full chunks in `report-agent-segments` (`<_id>#<n>`, `segmentsPerChunk` each) followed by the
 * `tail` here (JSON, at most a chunk, the open segment last), so a new event rewrites this small
 * document, not the whole day. A day written before chunks has its whole AgentDay in `body`.
 */
export interface AgentDayDoc extends StoredDoc {
  tenantId: string;
  agentId: string;
  day: string;
  eventCount: number;
  segmentChunks?: number;
  tail?: string;
  body: string;
}

export interface AgentSegmentsDoc extends StoredDoc {
  tenantId: string;
  agentId: string;
  day: string;
  chunk: number;
  /** Of the fold that wrote it: a fold of fewer events does not write over it. */
  eventCount: number;
  /** JSON array of StateSegment. */
  segments: string;
}

/** Segments per stored chunk of an agent's day: bounds the bytes one change rewrites. */
export const segmentsPerChunk = 16;

/** What this process last wrote or read of an agent's day: revisions of its head and chunks. */
interface DayRevs {
  head: { rev: number; eventCount: number; body: string } | null;
  chunks: number[];
}

export function aniHashOf(tenantId: string, ani: string): string {
  return createHash('sha256').update(`${tenantId}\u0000${ani}`).digest('base64url').slice(0, 32);
}

// A call's CDR is written several times while it lasts: its caller's digest is computed once.
const recentAniHashes = new Map<string, string>();

function cachedAniHash(tenantId: string, ani: string): string {
  const key = `${tenantId}\u0000${ani}`;
  let hash = recentAniHashes.get(key);
  if (hash === undefined) {
    if (recentAniHashes.size >= 10_000) recentAniHashes.clear();
    recentAniHashes.set(key, (hash = aniHashOf(tenantId, ani)));
  }
  return hash;
}

// An offer is a fact of its call and of its agent's day: its JSON text is made once.
const jsonOfEvent = new WeakMap<HotlineEvent, string>();

function eventJson(event: HotlineEvent): string {
  let json = jsonOfEvent.get(event);
  if (json === undefined) jsonOfEvent.set(event, (json = JSON.stringify(event)));
  return json;
}

const callSubject = (callId: string) => `call:${callId}`;
const agentSubject = (agentId: string, day: string) => `agent:${agentId}:${day}`;

/** Where an event goes in events sorted by occurrence (after any that sort before it). */
function insertionPoint(events: readonly HotlineEvent[], event: HotlineEvent): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byOccurrence(events[mid] as HotlineEvent, event) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface ReportStoreOptions {
  /** How many facts (events) the in-process cache keeps at most, across records. Default 50 000. */
  cachedFacts?: number;
  /** Events per facts chunk (default `factsPerChunk`). */
  chunkSize?: number;
  /** Segments per agent-day chunk (default `segmentsPerChunk`). */
  segmentChunkSize?: number;
}

export class ReportStore {
  readonly events: Collection<FactsDoc>;
  readonly cdrs: Collection<CdrDoc>;
  readonly agentDays: Collection<AgentDayDoc>;
  readonly agentSegments: Collection<AgentSegmentsDoc>;
  private readonly dayRevs = new Map<string, DayRevs>();
  /** CDRs this process last wrote or read, least recently written first. */
  private readonly written = new Map<string, { rev: number; eventCount: number; body: string }>();
  /** Least recently used first (Map order); weighted by event count. */
  private readonly cache = new Map<string, Facts>();
  private readonly weights = new Map<string, number>();
  private cachedEvents = 0;
  private readonly cacheLimit: number;
  private readonly chunkSize: number;
  private readonly segmentChunk: number;

  constructor(store: DocumentStore, options: ReportStoreOptions = {}) {
    this.cacheLimit = options.cachedFacts ?? 50_000;
    this.chunkSize = options.chunkSize ?? factsPerChunk;
    this.segmentChunk = options.segmentChunkSize ?? segmentsPerChunk;
    this.events = store.collection<FactsDoc>(ReportCollections.events);
    this.cdrs = store.collection<CdrDoc>(ReportCollections.cdrs);
    this.agentDays = store.collection<AgentDayDoc>(ReportCollections.agentDays);
    this.agentSegments = store.collection<AgentSegmentsDoc>(ReportCollections.agentSegments);
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
   * returns all of that record's events. Only the record's last chunk is rewritten (or a new one
   * inserted when it is full); both writes are checked against what this process last saw, so a
   * concurrent writer (another instance) makes it read the facts again and retry.
   */
  async addFact(event: HotlineEvent, subject: string): Promise<AddedFact> {
    const id = `${event.tenantId}:${subject}`;
    for (let attempt = 1; ; attempt++) {
      const facts = this.cached(id) ?? (await this.load(id, event.tenantId, subject));
      // Chunks are never shortened, so an event this process saw kept is still kept.
      if (facts.ids.has(event.id)) return { events: facts.events, fresh: false, atEnd: false, facts };
      const json = eventJson(event);
      const last = facts.chunks.at(-1);
      const full = !last || last.count >= this.chunkSize;
      const chunk = full ? facts.chunks.length : facts.chunks.length - 1;
      const text = full ? `[${json}]` : `${last.text.slice(0, -1)},${json}]`;
      const doc = {
        _id: `${id}#${chunk}`,
        tenantId: event.tenantId,
        subject,
        chunk,
        count: full ? 1 : last.count + 1,
        events: text,
      };
      try {
        const stored = full
          ? await this.events.insert(doc)
          : await this.events.replace({ ...doc, _rev: last.rev }, last.rev);
        if (full) facts.chunks.push({ rev: stored._rev, count: 1, text });
        else Object.assign(last, { rev: stored._rev, count: doc.count, text });
        const at = insertionPoint(facts.events, event);
        facts.events.splice(at, 0, event);
        facts.ids.add(event.id);
        this.remember(facts);
        return { events: facts.events, fresh: true, atEnd: at === facts.events.length - 1, facts };
      } catch (error) {
        this.forget(id);
        if (!lostWriteRace(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private cached(id: string): Facts | undefined {
    const facts = this.cache.get(id);
    if (facts) {
      this.cache.delete(id);
      this.cache.set(id, facts);
    }
    return facts;
  }

  private forget(id: string): void {
    this.cachedEvents -= this.weights.get(id) ?? 0;
    this.cache.delete(id);
    this.weights.delete(id);
  }

  /** Keeps `facts` as the most recently used record, then drops the least recently used ones. */
  private remember(facts: Facts): void {
    this.forget(facts.id);
    this.cache.set(facts.id, facts);
    this.weights.set(facts.id, facts.events.length);
    this.cachedEvents += facts.events.length;
    for (const id of this.cache.keys()) {
      if (this.cachedEvents <= this.cacheLimit || id === facts.id) break;
      this.forget(id);
    }
  }

  /** Reads a record's chunks 0, 1, ... until one is missing (and a pre-chunk document, if any). */
  private async load(id: string, tenantId: string, subject: string): Promise<Facts> {
    const all: HotlineEvent[] = [];
    const chunks: Facts['chunks'] = [];
    const legacy = await this.events.get(id);
    if (legacy && legacy.tenantId === tenantId && legacy.subject === subject)
      all.push(...(JSON.parse(legacy.events) as HotlineEvent[]));
    for (;;) {
      const doc = await this.events.get(`${id}#${chunks.length}`);
      if (!doc) break;
      all.push(...(JSON.parse(doc.events) as HotlineEvent[]));
      chunks.push({ rev: doc._rev, count: doc.count, text: doc.events });
    }
    const events = inOccurrenceOrder(all);
    const facts: Facts = { id, events, ids: new Set(events.map((e) => e.id)), chunks };
    this.remember(facts);
    return facts;
  }

  /** The record's facts, read from the store (tests; a rebuild). */
  async facts(tenantId: string, subject: string): Promise<HotlineEvent[]> {
    const id = `${tenantId}:${subject}`;
    this.forget(id);
    return [...(await this.load(id, tenantId, subject)).events];
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
        aniHash: cdr.ani ? cachedAniHash(tenantId, cdr.ani) : null,
        eventCount: cdr.eventCount,
        body: JSON.stringify(cdr),
      };
      return { doc, value: cdr };
    });
  }

  /**
   * Stores an agent's day from its open fold. Its segments are cut into chunks of
   * `segmentChunkSize`; the full chunks before the last segment are sealed in
   * `report-agent-segments`, the rest (the tail, with the open segment) rides in the head with the
   * summary. A new event then rewrites only the head, and inserts a sealed chunk once every
   * `segmentChunkSize` segments. Sealed chunks change only when a late event changes an earlier
   * part of the day; they are written first, so a head never names a chunk not written yet.
   * Revision-checked, and never over a day folded from more events: a conflict (another instance
   * wrote the day) reads the revisions again and retries with every chunk checked. Returns the
   * summary now stored (another writer's if it is newer).
   */
  async storeAgentDay(fold: AgentDayFold): Promise<AgentDaySummary> {
    const summary = fold.summary();
    const { tenantId, agentId, day } = fold;
    const { eventCount } = summary;
    const id = `${tenantId}:${agentId}:${day}`;
    const size = this.segmentChunk;
    const segments = fold.segments;
    const sealed = Math.floor(Math.max(0, segments.length - 1) / size);
    let from = fold.changedFrom;
    for (let attempt = 1; ; attempt++) {
      let revs = this.dayRevs.get(id);
      if (!revs) {
        revs = await this.loadDayRevs(id);
        from = 0;
      }
      if (revs.head && revs.head.eventCount > eventCount) return this.summaryOf(revs.head.body);
      try {
        for (let n = Math.floor(from / size); n < sealed; n++) {
          const doc = {
            _id: `${id}#${n}`,
            tenantId,
            agentId,
            day,
            chunk: n,
            eventCount,
            segments: JSON.stringify(segments.slice(n * size, (n + 1) * size)),
          };
          const rev = revs.chunks[n];
          if (rev === undefined) {
            revs.chunks[n] = (await this.agentSegments.insert(doc))._rev;
            continue;
          }
          // An earlier part of the day changed (a late event): rewrite the chunk unless a fold of
          // more events wrote it (that writer writes the head after it, too).
          const current = await this.agentSegments.get(doc._id);
          if (!current) throw new RevisionConflictError(this.agentSegments.name, doc._id, rev);
          if (current.eventCount > eventCount || current.segments === doc.segments) {
            revs.chunks[n] = current._rev;
            continue;
          }
          revs.chunks[n] = (
            await this.agentSegments.replace({ ...doc, _rev: current._rev }, current._rev)
          )._rev;
        }
        const head = {
          _id: id,
          tenantId,
          agentId,
          day,
          eventCount,
          segmentChunks: sealed,
          tail: JSON.stringify(segments.slice(sealed * size)),
          body: JSON.stringify(summary),
        };
        const stored = revs.head
          ? await this.agentDays.replace({ ...head, _rev: revs.head.rev }, revs.head.rev)
          : await this.agentDays.insert(head);
        revs.head = { rev: stored._rev, eventCount, body: head.body };
        fold.written();
        keepRecent(this.dayRevs, id, revs, 20_000);
        return summary;
      } catch (error) {
        this.dayRevs.delete(id);
        if (!lostWriteRace(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
      }
    }
  }

  private async loadDayRevs(id: string): Promise<DayRevs> {
    const head = await this.agentDays.get(id);
    const chunks: number[] = [];
    for (;;) {
      const doc = await this.agentSegments.get(`${id}#${chunks.length}`);
      if (!doc) break;
      chunks.push(doc._rev);
    }
    return { head: head && { rev: head._rev, eventCount: head.eventCount, body: head.body }, chunks };
  }

  private summaryOf(body: string): AgentDaySummary {
    const parsed = JSON.parse(body) as AgentDay | AgentDaySummary;
    if (!('segments' in parsed)) return parsed;
    // A day written whole (before chunks): summed the way the fold sums closed segments.
    const { segments, ...rest } = parsed;
    const closedMs = stateMsWithin(
      segments.filter((seg) => seg.to !== null),
      -Infinity,
      Infinity,
      0,
    );
    return { ...rest, closedMs, segmentCount: segments.length };
  }

  /** An agent's stored day with its segments. */
  async agentDay(tenantId: string, agentId: string, day: string): Promise<AgentDay | null> {
    const doc = await this.agentDays.get(`${tenantId}:${agentId}:${day}`);
    return doc && doc.tenantId === tenantId ? this.assembleDay(doc) : null;
  }

  private async assembleDay(doc: AgentDayDoc): Promise<AgentDay> {
    if (doc.segmentChunks === undefined || doc.tail === undefined) return JSON.parse(doc.body) as AgentDay;
    const { closedMs: _c, segmentCount: _n, ...rest } = JSON.parse(doc.body) as AgentDaySummary;
    const segments: StateSegment[] = [];
    for (let n = 0; n < doc.segmentChunks; n++) {
      const chunk = await this.agentSegments.get(`${doc._id}#${n}`);
      if (chunk) segments.push(...(JSON.parse(chunk.segments) as StateSegment[]));
    }
    segments.push(...(JSON.parse(doc.tail) as StateSegment[]));
    return { ...rest, segments };
  }

  /**
   * Inserts or replaces a derived record unless the stored one was folded from more events. The
   * revision, event count and body this process last wrote or read are kept (a few thousand
   * records), so a write needs no read first; if another writer moved the record on, the replace
   * conflicts, and the record is read and checked again.
   */
  private async keep<D extends StoredDoc & { eventCount: number; body: string }, V>(
    coll: Collection<D>,
    id: string,
    compute: () => { doc: Omit<D, '_rev'>; value: V },
  ): Promise<V> {
    const { doc, value } = compute();
    for (let attempt = 1; ; attempt++) {
      let known = this.written.get(id);
      if (!known) {
        const current = await coll.get(id);
        known = current
          ? { rev: current._rev, eventCount: current.eventCount, body: current.body }
          : undefined;
      }
      try {
        if (known && known.eventCount > doc.eventCount) return JSON.parse(known.body) as V;
        if (known && known.body === doc.body) return value;
        const stored = known
          ? await coll.replace({ ...doc, _rev: known.rev } as D, known.rev)
          : await coll.insert(doc);
        keepRecent(this.written, id, { rev: stored._rev, eventCount: doc.eventCount, body: doc.body }, 5_000);
        return value;
      } catch (error) {
        this.written.delete(id);
        if (!lostWriteRace(error) || attempt >= MAX_WRITE_ATTEMPTS) throw error;
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
    return Promise.all(docs.map((d) => this.assembleDay(d)));
  }

  /**
   * Forgets everything reporting stored for these tenants (tests; a rebuild from the topics).
   * Other ReportStores keep what they cached: run the rebuild with new ones (a new process).
   */
  async wipe(tenantIds: string[]): Promise<void> {
    this.cache.clear();
    this.weights.clear();
    this.dayRevs.clear();
    this.written.clear();
    this.cachedEvents = 0;
    for (const c of [this.events, this.cdrs, this.agentDays, this.agentSegments])
      await c.deleteMany({ tenantId: { $in: tenantIds } });
  }
}

export const subjectKeys = { call: callSubject, agent: agentSubject };

/** Writes of a record retried after losing a race to another writer before giving up. */
const MAX_WRITE_ATTEMPTS = 8;

/** Another writer got there first (a concurrent insert, a newer revision): read again and retry. */
function lostWriteRace(error: unknown): boolean {
  return error instanceof DuplicateKeyError || error instanceof RevisionConflictError;
}

/** Sets `key` as the newest entry of an insertion-ordered map, dropping the oldest beyond `limit`. */
function keepRecent<K, V>(map: Map<K, V>, key: K, value: V, limit: number): void {
  map.delete(key);
  map.set(key, value);
  for (const old of map.keys()) {
    if (map.size <= limit) break;
    map.delete(old);
  }
}
