import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createS3ObjectStore, ensureBucket, type S3Options } from '../src/storage/s3-object-store';
import { objectStoreContract } from './object-store-contract';

// A real S3-compatible server: `bash infra/local/s3.sh start` (moto on 127.0.0.1:19000).
const endpoint = process.env.HOTLINE_TEST_S3_URL ?? 'http://127.0.0.1:19000';
const bucket = `rec-${randomBytes(4).toString('hex')}`;
const base: S3Options = {
  endpoint,
  bucket,
  region: 'us-east-1',
  credentials: { accessKeyId: 'hotline-test', secretAccessKey: 'hotline-test-secret' },
};

beforeAll(async () => {
  try {
    await ensureBucket(base);
  } catch (err) {
    throw new Error(`no S3 server at ${endpoint} (bash infra/local/s3.sh start): ${(err as Error).message}`);
  }
});

let n = 0;
// Each test gets its own key space: a fresh prefix is not possible through the port, so a fresh
// bucket is (cheap on moto).
objectStoreContract('S3 (moto)', async () => {
  const options = { ...base, bucket: `${bucket}-${n++}` };
  await ensureBucket(options);
  return createS3ObjectStore(options);
});

describe('S3 adapter against the server', () => {
  it('is refused by a server that does not know the bucket', async () => {
    const store = createS3ObjectStore({ ...base, bucket: `missing-${randomBytes(4).toString('hex')}` });
    await expect(store.put('a.wav', Buffer.from('x'), 'audio/wav')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('reports an unreachable endpoint as unavailable (retryable)', async () => {
    const store = createS3ObjectStore({ ...base, endpoint: 'http://127.0.0.1:9', timeoutMs: 1000 });
    await expect(store.head('a.wav')).rejects.toMatchObject({ code: 'unavailable', retryable: true });
  });
});
