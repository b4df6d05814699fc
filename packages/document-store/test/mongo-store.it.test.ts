import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { type DocumentStore, DuplicateKeyError, StoreUnavailableError } from '../src/document-store';
import { openMongoStore } from '../src/mongo-store';
import { describeDocumentStoreContract } from './document-store-contract';

const url = process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/';
const dbName = `hotline_it_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

// Once the server proved unreachable, later tests fail at once instead of each waiting out
// the server selection timeout.
let unreachable: StoreUnavailableError | null = null;

async function open(): Promise<DocumentStore> {
  if (unreachable) throw unreachable;
  try {
    return await openMongoStore({ url, dbName });
  } catch (err) {
    if (err instanceof StoreUnavailableError) unreachable = err;
    throw err;
  }
}

afterAll(async () => {
  if (unreachable) return;
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
});

describeDocumentStoreContract('mongodb', open);

describe('mongodb store', () => {
  it('names the colliding index even where the server message does not (FerretDB)', async () => {
    const store = await open();
    try {
      const agents = store.collection<{ _id: string; _rev: number; email: string; phone: string }>(
        'agents_dup',
      );
      await agents.ensureIndexes([
        { name: 'by_email', fields: { email: 1 }, unique: true },
        { name: 'by_phone', fields: { phone: 1 }, unique: true },
      ]);
      await agents.insert({ _id: 'a1', email: 'a@x', phone: '1' });
      const error = await agents.insert({ _id: 'a2', email: 'b@x', phone: '1' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateKeyError);
      expect(error).toMatchObject({ index: 'by_phone' });
    } finally {
      await store.close();
    }
  });
});
