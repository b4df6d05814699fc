// One process at a time may own an embedded store directory: two writers appending to the same
// journals would interleave and each keep a different picture in memory.
//
// The lock is a file holding the owner's pid (and, on Linux, the process start time so a
// recycled pid is not mistaken for the owner). It is created with link(2), which fails if the
// name exists, so it appears complete or not at all. A lock whose owner is dead is taken over
// under a short-lived guard file so that two processes racing for a stale lock cannot both win.
import { randomUUID } from 'node:crypto';
import { link, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export class DirectoryLockedError extends Error {
  readonly code = 'store_locked';
  readonly retryable = false;
  constructor(
    readonly dir: string,
    readonly pid: number | null,
  ) {
    super(`${dir} is in use by another process${pid === null ? '' : ` (pid ${pid})`}`);
    this.name = 'DirectoryLockedError';
  }
}

interface LockHolder {
  pid: number;
  start?: string | null;
  nonce?: string;
}

export interface DirectoryLock {
  release(): Promise<void>;
}

const LOCK_FILE = 'LOCK';
const GUARD_FILE = 'LOCK.takeover';
const GUARD_STALE_MS = 10_000;
/** Lock contents this process holds: a lock naming our own pid is ours only if listed here. */
const heldHere = new Set<string>();

/** Start time of a process in clock ticks since boot (Linux), or null where /proc is absent. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function isAlive(holder: LockHolder, content: string): boolean {
  if (holder.pid === process.pid) return heldHere.has(content);
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = holder.start ? processStart(holder.pid) : null;
  return start === null || start === holder.start;
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

function parseHolder(content: string): LockHolder | null {
  try {
    const holder = JSON.parse(content) as LockHolder;
    return Number.isSafeInteger(holder.pid) && holder.pid > 0 ? holder : null;
  } catch {
    return null;
  }
}

async function unlinkIfExists(path: string): Promise<void> {
  await unlink(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err;
  });
}

/** Removes the lock `stale` if it is still the one there, unless another process is doing so. */
async function takeOver(dir: string, stale: string, tmp: string): Promise<void> {
  const guard = join(dir, GUARD_FILE);
  try {
    await link(tmp, guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A guard left by a process that died mid-takeover would block everyone forever.
    const age = await stat(guard).then(
      (s) => Date.now() - s.mtimeMs,
      () => 0,
    );
    if (age > GUARD_STALE_MS) await unlinkIfExists(guard);
    await new Promise((resolve) => setTimeout(resolve, 50));
    return;
  }
  try {
    if ((await readIfExists(join(dir, LOCK_FILE))) === stale) await unlinkIfExists(join(dir, LOCK_FILE));
  } finally {
    await unlinkIfExists(guard);
  }
}

export async function acquireDirectoryLock(
  dir: string,
  onStaleLock: (pid: number) => void,
): Promise<DirectoryLock> {
  const lockPath = join(dir, LOCK_FILE);
  const content = JSON.stringify({ pid: process.pid, start: processStart(process.pid), nonce: randomUUID() });
  const tmp = join(dir, `${LOCK_FILE}.${process.pid}.${randomUUID()}`);
  await writeFile(tmp, content, { flush: true });
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await link(tmp, lockPath);
        heldHere.add(content);
        return {
          async release() {
            heldHere.delete(content);
            if ((await readIfExists(lockPath)) === content) await unlinkIfExists(lockPath);
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const existing = await readIfExists(lockPath);
      if (existing === null) continue;
      const holder = parseHolder(existing);
      if (holder === null) throw new DirectoryLockedError(dir, null);
      if (isAlive(holder, existing)) throw new DirectoryLockedError(dir, holder.pid);
      onStaleLock(holder.pid);
      await takeOver(dir, existing, tmp);
    }
    throw new DirectoryLockedError(dir, null);
  } finally {
    await unlinkIfExists(tmp);
  }
}
