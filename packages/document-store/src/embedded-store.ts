// The embedded document store for `hotline up`: everything in memory, every write journaled to
// a directory so a restart keeps what tenants provisioned. Layout of the directory:
//
//   LOCK                         owner process (directory-lock.ts)
//   FORMAT                       layout version, so a future layout is not misread
//   <collection>.journal         JSON lines, one per write (journal.ts)
//   <collection>.indexes.json    index definitions (index-specs-file.ts)
//
// Collection names are percent-encoded into file names, upper case included, so that names
// differing only in case stay apart on case-insensitive file systems.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Collection, DocumentStore, StoredDoc } from './document-store';
import { acquireDirectoryLock, type DirectoryLock } from './directory-lock';
import { type CollectionEnv, type CompactionPolicy, EmbeddedCollection } from './embedded-collection';
import { readIndexSpecs } from './index-specs-file';
import { Journal, syncDirectory } from './journal';

export interface EmbeddedStoreOptions {
  dir: string;
  /** Where recoverable trouble is reported (torn journal tail, stale lock). Default: process warning. */
  onWarning?: (message: string) => void;
  /** When a journal is rewritten to its live documents. Default: over 1000 lines and 4 per document. */
  compaction?: Partial<CompactionPolicy>;
  /**
   * Group commit (default true): writes to a collection that arrive while its previous batch is
   * being synced share the next durable append. False commits each write alone, as before; only
   * measurements and tests use it, to compare.
   */
  groupCommit?: boolean;
}

const FORMAT = { format: 'hotline-embedded-store', version: 1 };
const JOURNAL_SUFFIX = '.journal';
const INDEXES_SUFFIX = '.indexes.json';
const MAX_FILE_NAME = 200;

function encodeName(name: string): string {
  let out = '';
  for (const char of name) {
    out += /^[a-z0-9_-]$/.test(char)
      ? char
      : [...Buffer.from(char, 'utf8')]
          .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
          .join('');
  }
  return out;
}

async function checkFormat(dir: string): Promise<void> {
  const path = join(dir, 'FORMAT');
  try {
    const found = JSON.parse(await readFile(path, 'utf8')) as typeof FORMAT;
    if (found.format !== FORMAT.format || found.version !== FORMAT.version) {
      throw new Error(`${dir} holds ${found.format} version ${found.version}; this build reads version 1`);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await writeFile(path, `${JSON.stringify(FORMAT)}\n`, { flush: true });
    await syncDirectory(dir);
  }
}

class EmbeddedStore implements DocumentStore {
  readonly kind = 'embedded' as const;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly lock: DirectoryLock,
    private readonly collections: Map<string, EmbeddedCollection>,
    private readonly env: CollectionEnv,
  ) {}

  assertOpen(): void {
    if (this.closed) throw new Error(`the embedded store at ${this.dir} is closed`);
  }

  collection<T extends StoredDoc>(name: string): Collection<T> {
    this.assertOpen();
    let collection = this.collections.get(name);
    if (!collection) {
      const encoded = encodeName(name);
      if (name === '' || encoded.length > MAX_FILE_NAME) {
        throw new TypeError(`collection name ${JSON.stringify(name)} is empty or too long`);
      }
      const journal = Journal.empty(join(this.dir, encoded + JOURNAL_SUFFIX));
      collection = new EmbeddedCollection(name, journal, join(this.dir, encoded + INDEXES_SUFFIX), this.env);
      this.collections.set(name, collection);
    }
    return collection as unknown as Collection<T>;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.collections.values()].map((c) => c.close()));
    await this.lock.release();
  }
}

async function loadCollections(dir: string, env: CollectionEnv): Promise<Map<string, EmbeddedCollection>> {
  const files = await readdir(dir);
  const encodedNames = new Set(
    files.flatMap((file) =>
      [JOURNAL_SUFFIX, INDEXES_SUFFIX].filter((s) => file.endsWith(s)).map((s) => file.slice(0, -s.length)),
    ),
  );
  const collections = new Map<string, EmbeddedCollection>();
  for (const encoded of encodedNames) {
    const name = decodeURIComponent(encoded);
    const [journal, records] = await Journal.load(join(dir, encoded + JOURNAL_SUFFIX), env.warn);
    const indexesPath = join(dir, encoded + INDEXES_SUFFIX);
    const collection = new EmbeddedCollection(name, journal, indexesPath, env);
    collection.restore(records, await readIndexSpecs(indexesPath));
    collections.set(name, collection);
  }
  return collections;
}

export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<DocumentStore> {
  const dir = resolve(options.dir);
  const warn =
    options.onWarning ?? ((message: string) => process.emitWarning(message, 'HotlineEmbeddedStore'));
  await mkdir(dir, { recursive: true });
  const lock = await acquireDirectoryLock(dir, (pid) =>
    warn(`${dir}: taking over the lock of pid ${pid}, gone`),
  );
  try {
    await checkFormat(dir);
    const env: CollectionEnv = {
      policy: { minEntries: 1000, ratio: 4, ...options.compaction },
      groupCommit: options.groupCommit ?? true,
      warn,
      // Only called by operations, which need the store and so run after it is assigned.
      assertOpen: () => store.assertOpen(),
    };
    const store = new EmbeddedStore(dir, lock, await loadCollections(dir, env), env);
    return store;
  } catch (err) {
    await lock.release();
    throw err;
  }
}
