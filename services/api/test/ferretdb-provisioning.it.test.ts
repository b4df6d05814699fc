import { randomBytes } from 'node:crypto';
import { openMongoStore, type DocumentStore } from '@hotline/document-store';
import { Collections } from '@hotline/provisioning';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from './support/client';
import { freshNumber, provisionBasics, startWorld, type World } from './support/fixtures';

// The same API on MongoDB's wire protocol (FerretDB, as in production's adapter): unique
// indexes, number claims and isolation hold on the real store, not only on the embedded one.

const url = process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const dbName = `hotline_api_it_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

let store: DocumentStore;
let w: World;
let a: Client;
let b: Client;

beforeAll(async () => {
  store = await openMongoStore({ url, dbName });
  w = await startWorld({ store });
  a = await w.tenant('mongo-a');
  b = await w.tenant('mongo-b');
});
afterAll(async () => {
  await w?.t.close();
  await store?.close();
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
});

describe('provisioning on MongoDB (FerretDB)', () => {
  it('gives a number contested by two tenants at once to exactly one hotline', async () => {
    const [fa, fb] = await Promise.all([provisionBasics(a, '-race'), provisionBasics(b, '-race')]);
    const contested = freshNumber();
    const attempts = Array.from({ length: 6 }, (_, i) => {
      const [client, flow] = i % 2 === 0 ? [a, fa.flow._id] : [b, fb.flow._id];
      return client.post('/v1/hotlines', {
        name: `race-${i}`,
        numbers: [contested],
        trunk: { id: 't' },
        defaultFlowId: flow,
      });
    });
    const statuses = (await Promise.all(attempts)).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const holders = await store.collection(Collections.hotlines).count({ numbers: contested });
    expect(holders).toBe(1);
    const claim = await store
      .collection<{ _id: string; _rev: number; hotlineId: string }>(Collections.numberClaims)
      .get(contested);
    const winner = await store.collection(Collections.hotlines).findOne({ numbers: contested });
    expect(claim?.hotlineId).toBe(winner?._id);
  });

  it('answers 404 across tenants and reports duplicates by field', async () => {
    const basics = await provisionBasics(a, '-iso');
    expect((await b.get(`/v1/agents/${basics.agent._id}`)).status).toBe(404);
    expect((await b.patch(`/v1/queues/${basics.queue._id}`, { priority: 1 })).status).toBe(404);
    expect((await b.delete(`/v1/hotlines/${basics.hotline._id}`)).status).toBe(404);
    const dup = await a.post('/v1/skills', { name: basics.skill.name });
    expect(dup.status).toBe(409);
    expect(dup.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    // The same name in another tenant is fine: uniqueness is per tenant.
    expect((await b.post('/v1/skills', { name: basics.skill.name })).status).toBe(201);
  });

  it('refuses a write at a stale revision', async () => {
    const skill = (await a.post('/v1/skills', { name: 'mongo-etag' })).body;
    expect(
      (await a.patch(`/v1/skills/${skill._id}`, { description: 'x' }, { 'if-match': '"1"' })).status,
    ).toBe(200);
    expect(
      (await a.patch(`/v1/skills/${skill._id}`, { description: 'y' }, { 'if-match': '"1"' })).status,
    ).toBe(412);
  });
});
