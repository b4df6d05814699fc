// The append-only journal of one embedded collection: one JSON line per write, `{"put":doc}`
// with the whole document or `{"del":id}`. Replaying it (last write wins) rebuilds the
// collection. A write resolves only after its bytes are on disk: the file is opened with O_DSYNC,
// so each write(2) returns only once its data (and the size needed to read it back) is durable,
// the same guarantee as write + fdatasync in one system call instead of two; where O_DSYNC does
// not exist (Windows) an explicit datasync follows the write.
//
// A crash can only tear the end of the file: every earlier line was synced before the next was
// written. So an unterminated or unreadable last line is dropped with a warning and cut off
// (else the next append would glue onto it); an unreadable line elsewhere is corruption.
// Compaction writes the live documents to a temporary file, syncs it and renames it over the
// journal, so a crash leaves either the old journal or the new one.
import { constants } from 'node:fs';
import { type FileHandle, open, readFile, rename, truncate, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StoredDoc } from './document-store';

export type JournalRecord = { put: StoredDoc } | { del: string };

export class JournalCorruptError extends Error {
  readonly code = 'journal_corrupt';
  readonly retryable = false;
  constructor(
    readonly path: string,
    readonly line: number,
  ) {
    super(`${path}: line ${line} is not a journal record; the store needs repair`);
    this.name = 'JournalCorruptError';
  }
}

export function putLine(json: string): string {
  return `{"put":${json}}\n`;
}

export function deleteLine(id: string): string {
  return `{"del":${JSON.stringify(id)}}\n`;
}

function parseRecord(line: string): JournalRecord | null {
  try {
    const record = JSON.parse(line) as Partial<Record<'put' | 'del', unknown>>;
    if (typeof record.del === 'string') return { del: record.del };
    const doc = record.put as StoredDoc | undefined;
    if (doc && typeof doc === 'object' && typeof doc._id === 'string' && Number.isSafeInteger(doc._rev)) {
      return { put: doc };
    }
  } catch {
    // falls through: not a record
  }
  return null;
}

/** fsync of a directory makes a created or renamed file's name durable (POSIX only). */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? ''))
      throw err;
  } finally {
    await handle?.close();
  }
}

async function readIfExists(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
}

const { O_APPEND, O_CREAT, O_DSYNC, O_WRONLY } = constants;
const APPEND_FLAGS = O_DSYNC === undefined ? 'a' : O_WRONLY | O_APPEND | O_CREAT | O_DSYNC;

export class Journal {
  private handle: FileHandle | null = null;
  private broken: Error | null = null;

  private constructor(
    readonly path: string,
    private size: number,
    /** Lines in the file, live or superseded: compaction compares it with the live count. */
    public entries: number,
  ) {}

  static empty(path: string): Journal {
    return new Journal(path, 0, 0);
  }

  /** Reads the journal, cutting off a torn last line; returns it with the records in order. */
  static async load(path: string, warn: (message: string) => void): Promise<[Journal, JournalRecord[]]> {
    await unlink(`${path}.compact`).catch(() => undefined);
    const bytes = await readIfExists(path);
    const records: JournalRecord[] = [];
    let end = 0;
    for (let line = 1; ; line++) {
      const newline = bytes.indexOf(0x0a, end);
      if (newline < 0) break;
      const record = parseRecord(bytes.toString('utf8', end, newline));
      if (!record) {
        if (newline + 1 === bytes.length) break;
        throw new JournalCorruptError(path, line);
      }
      records.push(record);
      end = newline + 1;
    }
    if (end < bytes.length) {
      warn(`${path}: ignoring a torn last record (${bytes.length - end} bytes), likely from a crash`);
      await truncate(path, end);
    }
    return [new Journal(path, end, records.length), records];
  }

  private async writable(): Promise<FileHandle> {
    if (this.broken) throw this.broken;
    if (!this.handle) {
      this.handle = await open(this.path, APPEND_FLAGS);
      await syncDirectory(dirname(this.path));
    }
    return this.handle;
  }

  /** Appends complete lines and resolves once they are durable. */
  async append(lines: string[]): Promise<void> {
    const data = lines.join('');
    const handle = await this.writable();
    try {
      await handle.appendFile(data);
      if (O_DSYNC === undefined) await handle.datasync();
    } catch (err) {
      // A partly written record would be glued to the next one: cut back to the last good end,
      // and refuse further writes if even that fails.
      try {
        await handle.truncate(this.size);
      } catch {
        this.broken = new Error(`${this.path}: journal unusable after a failed write`, { cause: err });
      }
      throw err;
    }
    this.size += Buffer.byteLength(data);
    this.entries += lines.length;
  }

  /** Replaces the journal with `lines` (the live documents) atomically. */
  async rewrite(lines: string[]): Promise<void> {
    const data = lines.join('');
    const tmp = `${this.path}.compact`;
    const out = await open(tmp, 'w');
    try {
      await out.writeFile(data);
      await out.datasync();
    } finally {
      await out.close();
    }
    try {
      await rename(tmp, this.path);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await syncDirectory(dirname(this.path));
    // The open handle still points at the replaced file; the next append opens the new one.
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    this.broken = null;
    this.size = Buffer.byteLength(data);
    this.entries = lines.length;
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }
}
