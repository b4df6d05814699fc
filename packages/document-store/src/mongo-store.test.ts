import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from './document-store';
import { duplicateIndexFromMessage, redactUrl } from './mongo-errors';
import { openMongoStore } from './mongo-store';

describe('mongodb store without a server', () => {
  it('fails fast with StoreUnavailableError when nothing listens', async () => {
    // Bind a port, then free it: connecting to it is refused.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));

    const started = Date.now();
    const error = await openMongoStore({
      url: `mongodb://user:secret@127.0.0.1:${port}/`,
      dbName: 'nothing',
      serverSelectionTimeoutMS: 500,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ code: 'store_unavailable', retryable: true });
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    expect((error as Error).message).not.toContain('secret');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('duplicate key messages', () => {
  it('reads the index name from a MongoDB E11000 message', () => {
    const message =
      'E11000 duplicate key error collection: hotline.agents index: by_email dup key: { email: "a@x" }';
    expect(duplicateIndexFromMessage(message)).toBe('by_email');
  });

  it('reads the index name from a FerretDB SQLite constraint message', () => {
    const message =
      '[msg_update.go:133 handler.(*Handler).updateDocument] constraint failed: ' +
      "UNIQUE constraint failed: index 'tenant_agents_e60c2c52_by_email' (2067)";
    expect(duplicateIndexFromMessage(message)).toBe('by_email');
  });

  it('has no name for a bare FerretDB insert message', () => {
    expect(duplicateIndexFromMessage('E11000 duplicate key error collection: db.agents')).toBeNull();
  });

  it('hides credentials in a connection string', () => {
    expect(redactUrl('mongodb://hotline:s3cret@db-0:27017,db-1:27017/?replicaSet=rs0')).toBe(
      'mongodb://***@db-0:27017,db-1:27017/?replicaSet=rs0',
    );
  });
});
