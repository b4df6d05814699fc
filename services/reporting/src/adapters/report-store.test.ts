// The facts of a record in append-only chunks, on the embedded store: a chunk fills and the next
// one starts, a fresh reader sees every fact, and a second instance writing the same record makes
// the first one read the facts again instead of writing over them.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { HotlineEvent } from '@hotline/contracts';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCdr } from '../domain/cdr-builder';
import { inOccurrenceOrder } from '../domain/event-order';
import { scriptedDay } from '../testing/call-script';
import { ReportStore, subjectKeys, type FactsDoc } from './report-store';

const start = Date.parse('2026-11-27T09:00:00.000Z');
const day = scriptedDay('t1', start);
const fullCall = day.events.filter((e) => (e.data as { callId?: string }).callId === day.callIds.full);
const subject = subjectKeys.call(day.callIds.full);
const nth = (i: number) => fullCall[i] as HotlineEvent;

let dir: string;
let store: DocumentStore;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'report-store-'));
  store = await openEmbeddedStore({ dir });
});

afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

describe("a record's facts in chunks", () => {
  it('starts a new chunk when the last is full and reads them all back in occurrence order', async () => {
    const reports = new ReportStore(store, { chunkSize: 3 });
    for (let i = 0; i < 7; i++) await reports.addFact(nth(i), subject);
    const docs = await reports.events.find({ tenantId: 't1' }, { sort: { chunk: 1 } });
    expect(docs.map((d) => [d._id, d.count])).toEqual([
      [`t1:${subject}#0`, 3],
      [`t1:${subject}#1`, 3],
      [`t1:${subject}#2`, 1],
    ]);
    const fresh = new ReportStore(store, { chunkSize: 3 });
    expect(await fresh.facts('t1', subject)).toEqual(inOccurrenceOrder(fullCall.slice(0, 7)));
    expect(await fresh.factCount('t1')).toBe(7);
  });

  it('keeps an event once even when it comes again after its chunk filled', async () => {
    const reports = new ReportStore(store, { chunkSize: 2 });
    for (let i = 0; i < 5; i++) await reports.addFact(nth(i), subject);
    expect((await reports.addFact(nth(1), subject)).fresh).toBe(false);
    expect((await new ReportStore(store, { chunkSize: 2 }).addFact(nth(1), subject)).fresh).toBe(false);
    expect(await reports.factCount('t1')).toBe(5);
  });

  it('tells whether a new fact sorts after all the others', async () => {
    const reports = new ReportStore(store);
    expect((await reports.addFact(nth(2), subject)).atEnd).toBe(true);
    expect((await reports.addFact(nth(3), subject)).atEnd).toBe(true);
    const late = await reports.addFact(nth(0), subject);
    expect([late.fresh, late.atEnd, late.events.map((e) => e.id)]).toEqual([
      true,
      false,
      [nth(0).id, nth(2).id, nth(3).id],
    ]);
  });

  it('reads the facts again when another instance added one to the same chunk', async () => {
    const a = new ReportStore(store, { chunkSize: 4 });
    const b = new ReportStore(store, { chunkSize: 4 });
    await a.addFact(nth(0), subject);
    await b.addFact(nth(1), subject);
    const added = await a.addFact(nth(2), subject);
    expect(added.events.map((e) => e.id)).toEqual([nth(0), nth(1), nth(2)].map((e) => e.id));
    // What b wrote is known to a now, so b's event is a duplicate for it.
    expect((await a.addFact(nth(1), subject)).fresh).toBe(false);
  });

  it('reads the facts again when another instance started the next chunk first', async () => {
    const a = new ReportStore(store, { chunkSize: 2 });
    const b = new ReportStore(store, { chunkSize: 2 });
    await a.addFact(nth(0), subject);
    await a.addFact(nth(1), subject);
    await b.addFact(nth(2), subject);
    const added = await a.addFact(nth(3), subject);
    expect(added.events.map((e) => e.id)).toEqual(fullCall.slice(0, 4).map((e) => e.id));
    const docs = await a.events.find({ tenantId: 't1' });
    expect(docs.map((d) => d.count).sort()).toEqual([2, 2]);
  });

  it('reads a record written before chunks as part of its facts and adds new ones in chunks', async () => {
    await store.collection<FactsDoc>('report-events').insert({
      _id: `t1:${subject}`,
      tenantId: 't1',
      subject,
      count: 2,
      events: JSON.stringify([nth(0), nth(1)]),
    });
    const reports = new ReportStore(store);
    expect((await reports.addFact(nth(1), subject)).fresh).toBe(false);
    const added = await reports.addFact(nth(2), subject);
    expect(added.events.map((e) => e.id)).toEqual(fullCall.slice(0, 3).map((e) => e.id));
  });

  it('does not write a CDR over a fuller one another instance wrote since, then writes a fuller one', async () => {
    const a = new ReportStore(store);
    const b = new ReportStore(store);
    const cdrOf = (n: number) => buildCdr('t1', day.callIds.full, fullCall.slice(0, n));
    await a.storeCdr(cdrOf(3));
    await b.storeCdr(cdrOf(5));
    expect(await a.storeCdr(cdrOf(4))).toEqual(cdrOf(5));
    expect((await b.cdr('t1', day.callIds.full))?.eventCount).toBe(5);
    await a.storeCdr(cdrOf(6));
    expect((await b.cdr('t1', day.callIds.full))?.eventCount).toBe(6);
  });
});
