import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
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

/**
 * Objects as files under `root/objects/<key>`, their content type beside them under
 * `root/meta/<key>.json`. A put writes a temporary file and renames it, so a reader sees the
 * old object or the new one, never half of one.
 */
export function createLocalObjectStore(root: string): ObjectStore {
  const objects = join(root, 'objects');
  const meta = join(root, 'meta');
  const fileOf = (key: string) => join(objects, ...key.split('/'));
  const metaOf = (key: string) => join(meta, ...`${key}.json`.split('/'));

  async function info(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await stat(fileOf(key));
      if (!s.isFile()) return null;
      const contentType = await readFile(metaOf(key), 'utf8')
        .then((m) => (JSON.parse(m) as { contentType: string }).contentType)
        .catch(() => 'application/octet-stream');
      return {
        key,
        size: s.size,
        etag: `${s.size.toString(16)}-${Math.round(s.mtimeMs).toString(16)}`,
        contentType,
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new ObjectStoreError('failed', `stat ${key}`, { cause: err });
    }
  }

  async function writeAtomic(path: string, data: Buffer | string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString('hex')}.part`;
    await writeFile(tmp, data);
    await rename(tmp, path);
  }

  async function walk(dir: string): Promise<string[]> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const nested = await Promise.all(
      entries.map((e) =>
        e.isDirectory()
          ? walk(join(dir, e.name))
          : Promise.resolve(e.name.endsWith('.part') ? [] : [join(dir, e.name)]),
      ),
    );
    return nested.flat();
  }

  return {
    kind: 'local',
    async put(key, body, contentType) {
      checkKey(key);
      await writeAtomic(metaOf(key), JSON.stringify({ contentType }));
      await writeAtomic(fileOf(key), body);
      const stored = await info(key);
      if (!stored) throw new ObjectStoreError('failed', `${key} vanished after put`);
      return stored;
    },
    async get(key, range?: ByteRange): Promise<ObjectBody> {
      checkKey(key);
      const found = await info(key);
      if (!found) throw new ObjectStoreError('not_found', `no object ${key}`);
      checkRange(range, found.size, key);
      const body = createReadStream(fileOf(key), range ? { start: range.start, end: range.end } : {});
      return { info: found, body, range: range ?? null };
    },
    async head(key) {
      checkKey(key);
      return info(key);
    },
    async delete(key) {
      checkKey(key);
      await rm(fileOf(key), { force: true });
      await rm(metaOf(key), { force: true });
    },
    async list(prefix, options = {}): Promise<ObjectList> {
      const limit = options.limit ?? 1000;
      // Walk only the folder the prefix is certainly inside.
      const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
      const keys = (await walk(folder ? fileOf(folder) : objects))
        .map((f) => relative(objects, f).split(sep).join('/'))
        .filter((k) => k.startsWith(prefix) && (options.after === undefined || k > options.after))
        .sort();
      const page = keys.slice(0, limit);
      const found = (await Promise.all(page.map((k) => info(k)))).filter((i): i is ObjectInfo => i !== null);
      return { objects: found, ...(keys.length > limit ? { next: page[page.length - 1]! } : {}) };
    },
  };
}
