import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { ByteRange } from '../domain/byte-range';
import {
  checkKey,
  checkRange,
  ObjectStoreError,
  type ObjectBody,
  type ObjectInfo,
  type ObjectList,
  type ObjectStore,
} from './object-store';
import { sha256Hex, signS3, uriEncode, type Credentials } from './sigv4';

export interface S3Options {
  /** e.g. https://s3.eu-west-1.amazonaws.com or http://127.0.0.1:19000 */
  endpoint: string;
  bucket: string;
  region: string;
  credentials: Credentials;
  /** Per request. */
  timeoutMs?: number;
}

const EMPTY_SHA256 = sha256Hex('');

/**
 * The S3 REST API over fetch, path-style (`<endpoint>/<bucket>/<key>`, which MinIO, Ceph and
 * moto all serve), SigV4-signed with the payload hash (no chunked uploads: a recording is put
 * whole, a few MB per hour of audio).
 */
export function createS3ObjectStore(options: S3Options): ObjectStore {
  const base = options.endpoint.replace(/\/$/, '');
  const urlOf = (key?: string, query: Record<string, string> = {}) => {
    const path = key === undefined ? '' : `/${key.split('/').map(uriEncode).join('/')}`;
    const url = new URL(`${base}/${uriEncode(options.bucket)}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  };

  async function send(
    method: string,
    url: URL,
    init: { body?: Buffer; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const signed = signS3({
      method,
      url,
      region: options.region,
      credentials: options.credentials,
      payloadSha256: init.body ? sha256Hex(init.body) : EMPTY_SHA256,
    });
    try {
      return await fetch(url, {
        method,
        headers: { ...init.headers, ...signed },
        ...(init.body ? { body: new Uint8Array(init.body) } : {}),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new ObjectStoreError('unavailable', `S3 ${method} ${url.pathname}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async function fail(response: Response, what: string): Promise<never> {
    const text = await response.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? '';
    const kind =
      response.status === 404
        ? 'not_found'
        : response.status === 416
          ? 'bad_range'
          : response.status >= 500
            ? 'unavailable'
            : 'failed';
    throw new ObjectStoreError(kind, `S3 ${what}: HTTP ${response.status} ${code}`.trim());
  }

  const infoOf = (key: string, response: Response, size: number): ObjectInfo => ({
    key,
    size,
    etag: (response.headers.get('etag') ?? '').replace(/"/g, ''),
    contentType: response.headers.get('content-type') ?? 'application/octet-stream',
  });

  return {
    kind: 's3',
    async put(key, body, contentType) {
      checkKey(key);
      const response = await send('PUT', urlOf(key), { body, headers: { 'content-type': contentType } });
      if (!response.ok) await fail(response, `put ${key}`);
      await response.body?.cancel();
      return {
        key,
        size: body.length,
        etag: (response.headers.get('etag') ?? '').replace(/"/g, ''),
        contentType,
      };
    },
    async get(key, range?: ByteRange): Promise<ObjectBody> {
      checkKey(key);
      if (range) {
        // The total size is needed for Content-Range and for checking the range first.
        const found = await this.head(key);
        if (!found) throw new ObjectStoreError('not_found', `no object ${key}`);
        checkRange(range, found.size, key);
      }
      const response = await send('GET', urlOf(key), {
        headers: range ? { range: `bytes=${range.start}-${range.end}` } : {},
      });
      if (!response.ok) await fail(response, `get ${key}`);
      const total = range
        ? Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1] ?? NaN)
        : Number(response.headers.get('content-length'));
      if (!response.body) throw new ObjectStoreError('failed', `S3 get ${key}: no body`);
      return {
        info: infoOf(key, response, total),
        body: Readable.fromWeb(response.body as WebReadableStream),
        range: range ?? null,
      };
    },
    async head(key) {
      checkKey(key);
      const response = await send('HEAD', urlOf(key));
      if (response.status === 404) return null;
      if (!response.ok) await fail(response, `head ${key}`);
      return infoOf(key, response, Number(response.headers.get('content-length')));
    },
    async delete(key) {
      checkKey(key);
      const response = await send('DELETE', urlOf(key));
      if (!response.ok && response.status !== 404) await fail(response, `delete ${key}`);
      await response.body?.cancel();
    },
    async list(prefix, opts = {}): Promise<ObjectList> {
      const query: Record<string, string> = {
        'list-type': '2',
        prefix,
        'max-keys': String(opts.limit ?? 1000),
        ...(opts.after !== undefined ? { 'start-after': opts.after } : {}),
      };
      const response = await send('GET', urlOf(undefined, query));
      if (!response.ok) await fail(response, `list ${prefix}`);
      const xml = await response.text();
      const objects = [...xml.matchAll(/<Contents>([\s\S]*?)<\/Contents>/g)].map(([, c = '']) => ({
        key: xmlText(tag(c, 'Key')),
        size: Number(tag(c, 'Size')),
        etag: xmlText(tag(c, 'ETag')).replace(/"/g, ''),
        contentType: 'application/octet-stream',
      }));
      const truncated = tag(xml, 'IsTruncated') === 'true';
      const last = objects[objects.length - 1];
      return { objects, ...(truncated && last ? { next: last.key } : {}) };
    },
  };
}

/** Creates the bucket if missing (tests and local setups; production buckets are provisioned). */
export async function ensureBucket(options: S3Options): Promise<void> {
  const url = new URL(`${options.endpoint.replace(/\/$/, '')}/${uriEncode(options.bucket)}`);
  const headers = signS3({
    method: 'PUT',
    url,
    region: options.region,
    credentials: options.credentials,
    payloadSha256: EMPTY_SHA256,
  });
  const response = await fetch(url, { method: 'PUT', headers });
  const text = await response.text();
  if (!response.ok && !/BucketAlreadyOwnedByYou|BucketAlreadyExists/.test(text)) {
    throw new ObjectStoreError('failed', `S3 create bucket ${options.bucket}: HTTP ${response.status}`);
  }
}

const tag = (xml: string, name: string): string =>
  new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1] ?? '';

function xmlText(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&');
}
