// The MongoDB adapter of the document store (`hotline serve`): MongoDB in production, FerretDB
// 1.24 in tests. Only single-document operations are used; FerretDB 1.x has no transactions.
import { MongoClient, type MongoClientOptions } from 'mongodb';
import type { Collection, DocumentStore, StoredDoc } from './document-store';
import { MongoCollection, type StoredRow } from './mongo-collection';
import { isUnreachable, unavailable } from './mongo-errors';

export interface MongoStoreOptions {
  url: string;
  dbName: string;
  /** How long an operation waits for a reachable server before failing. Default 5000 ms. */
  serverSelectionTimeoutMS?: number;
  /** Connections per server. Default 20. */
  maxPoolSize?: number;
  /** Further driver options; they win over the defaults above. */
  clientOptions?: MongoClientOptions;
}

class MongoStore implements DocumentStore {
  readonly kind = 'mongodb' as const;
  private readonly collections = new Map<string, MongoCollection>();

  constructor(
    private readonly client: MongoClient,
    private readonly dbName: string,
    private readonly url: string,
  ) {}

  collection<T extends StoredDoc>(name: string): Collection<T> {
    let collection = this.collections.get(name);
    if (!collection) {
      collection = new MongoCollection(
        name,
        this.client.db(this.dbName).collection<StoredRow>(name),
        this.url,
      );
      this.collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    try {
      await this.client.db(this.dbName).command({ ping: 1 });
    } catch (err) {
      throw isUnreachable(err) ? unavailable(this.url, err) : err;
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** Connects and pings; StoreUnavailableError within `serverSelectionTimeoutMS` if no server answers. */
export async function openMongoStore(options: MongoStoreOptions): Promise<DocumentStore> {
  const client = new MongoClient(options.url, {
    appName: 'hotline',
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: 60_000,
    maxPoolSize: options.maxPoolSize ?? 20,
    minPoolSize: 0,
    maxIdleTimeMS: 60_000,
    ...options.clientOptions,
    // Documents are JSON values: an `undefined` field is dropped, as the embedded store does,
    // instead of being stored as null.
    ignoreUndefined: true,
  });
  try {
    await client.connect();
    await client.db(options.dbName).command({ ping: 1 });
  } catch (err) {
    await client.close().catch(() => undefined);
    throw unavailable(options.url, err);
  }
  return new MongoStore(client, options.dbName, options.url);
}
