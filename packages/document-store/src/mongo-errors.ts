// How MongoDB and FerretDB 1.x report the failures the port has types for.
//
// MongoDB names the broken index in its E11000 message. FerretDB 1.24 (SQLite backend) does
// not: an insert fails with a bare "E11000 duplicate key error collection: db.c", and a replace
// fails with code 1 (InternalError) wrapping SQLite's "UNIQUE constraint failed: index
// '<collection>_<hash>_<index>'". When the name is not in the message, the colliding index is
// found by asking which unique index already holds the document's values (error path only).
import {
  type Collection as DriverCollection,
  type Document,
  type Filter,
  MongoNetworkError,
  MongoServerError,
  MongoServerSelectionError,
} from 'mongodb';
import { type StoredDoc, StoreUnavailableError } from './document-store';
import { valuesAtPath } from './field-path';

export function isDuplicateKey(err: unknown): err is MongoServerError {
  if (!(err instanceof MongoServerError)) return false;
  return (
    err.code === 11000 ||
    err.code === 11001 ||
    (err.code === 1 && /UNIQUE constraint failed/.test(err.message))
  );
}

/** The index a duplicate-key message names, if it names one. */
export function duplicateIndexFromMessage(message: string): string | null {
  const mongo = /index: (\S+) dup key/.exec(message);
  if (mongo) return mongo[1]!;
  const sqlite = /UNIQUE constraint failed: index '[^']*?_[0-9a-f]{8}_([^']+)'/.exec(message);
  return sqlite ? sqlite[1]! : null;
}

async function collidingIndex(
  collection: DriverCollection<Document & StoredDoc>,
  doc: StoredDoc,
  inserting: boolean,
): Promise<string | null> {
  if (inserting && (await collection.findOne({ _id: doc._id }, { projection: { _id: 1 } }))) return '_id_';
  for (const index of await collection.listIndexes().toArray()) {
    if (!index.unique || index.name === '_id_') continue;
    const filter: Filter<Document & StoredDoc> = { _id: { $ne: doc._id } };
    for (const path of Object.keys(index.key as Document)) {
      const values = valuesAtPath(doc, path)
        .filter((v) => !Array.isArray(v))
        .map((v) => (v === undefined ? null : v));
      filter[path] = { $in: values.length === 0 ? [null] : values };
    }
    if (await collection.findOne(filter, { projection: { _id: 1 } })) return String(index.name);
  }
  return null;
}

/** The name of the unique index `doc` collided with, best effort ("unknown" if it cannot tell). */
export async function duplicateIndexName(
  err: MongoServerError,
  collection: DriverCollection<Document & StoredDoc>,
  doc: StoredDoc,
  inserting: boolean,
): Promise<string> {
  const named = duplicateIndexFromMessage(err.message);
  if (named) return named;
  return (await collidingIndex(collection, doc, inserting).catch(() => null)) ?? 'unknown';
}

export function isUnreachable(err: unknown): boolean {
  return err instanceof MongoServerSelectionError || err instanceof MongoNetworkError;
}

/** Hides credentials in a connection string before it goes into a message. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export function unavailable(url: string, err: unknown): StoreUnavailableError {
  const reason = err instanceof Error ? err.message : String(err);
  return new StoreUnavailableError(`cannot reach MongoDB at ${redactUrl(url)}: ${reason}`, { cause: err });
}
