// Group commit of the embedded store: concurrent writes to a collection share appends and
// fdatasyncs, yet each is decided and made durable as if the writes ran one at a time.
// The journal's appends are observed (and, for the failure cases, made to fail) on the real file
// handles it uses: each append is one durable write (O_DSYNC, see journal.ts), so counting
// appends counts syncs.
import { type FileHandle, mkdtemp, open as openFile, readFile, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type DocumentStore,
  DuplicateKeyError,
  RevisionConflictError,
  type StoredDoc,
} from './document-store';
import { type EmbeddedStoreOptions, openEmbeddedStore } from './embedded-store';

interface Agent extends StoredDoc {
  tenant: string;
  extension: string;
  state?: string;
}

async function fileHandlePrototype(dir: string): Promise<FileHandle> {
  const handle = await openFile(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

function diskFull(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

describe('embedded store group commit', () => {
  let dir: string;
  let handles: FileHandle;
  const opened: DocumentStore[] = [];

  async function open(extra: Partial<EmbeddedStoreOptions> = {}): Promise<DocumentStore> {
    const store = await openEmbeddedStore({ dir, onWarning: () => undefined, ...extra });
    opened.push(store);
    return store;
  }

  async function journalLines(name: string): Promise<string[]> {
    return (await readFile(join(dir, `${name}.journal`), 'utf8')).split('\n').filter(Boolean);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotline-group-commit-'));
    handles = await fileHandlePrototype(dir);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  const agent = (i: number): Omit<Agent, '_rev'> => ({ _id: `a${i}`, tenant: 't1', extension: `${100 + i}` });

  it('syncs writes issued together once, and once per write without group commit', async () => {
    const appends = vi.spyOn(handles, 'appendFile');
    const agents = (await open()).collection<Agent>('agents');
    await Promise.all(Array.from({ length: 50 }, (_, i) => agents.insert(agent(i))));
    expect(appends).toHaveBeenCalledTimes(1);
    expect(await journalLines('agents')).toHaveLength(50);

    const ungrouped = (await open({ dir: join(dir, 'one-by-one'), groupCommit: false })).collection<Agent>(
      'agents',
    );
    appends.mockClear();
    await Promise.all(Array.from({ length: 50 }, (_, i) => ungrouped.insert(agent(i))));
    expect(appends).toHaveBeenCalledTimes(50);
  });

  it('lands writes arriving during a sync in the next batch, not one sync each', async () => {
    const appends = vi.spyOn(handles, 'appendFile');
    const agents = (await open()).collection<Agent>('agents');
    // Each writer inserts, then replaces twice as soon as its previous write is durable, so
    // writes keep arriving while earlier batches are being synced.
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        let doc = await agents.insert(agent(i));
        for (let n = 0; n < 2; n++) doc = await agents.replace({ ...doc, state: `s${n}` }, doc._rev);
      }),
    );
    expect(appends.mock.calls.length).toBeLessThan(10);
    expect(await journalLines('agents')).toHaveLength(120);
    expect((await agents.find({ state: 's1' })).map((a) => a._rev)).toEqual(Array(40).fill(3));
  });

  it('lets exactly one of same-revision replaces in one batch win, and later writes see it', async () => {
    const agents = (await open()).collection<Agent>('agents');
    const first = await agents.insert(agent(1));
    const racers = Array.from({ length: 6 }, (_, i) => agents.replace({ ...first, state: `racer ${i}` }, 1));
    const follower = agents.replace({ ...first, state: 'after the winner' }, 2);
    const results = await Promise.allSettled(racers);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'fulfilled', value: { state: 'racer 0', _rev: 2 } });
    for (const loser of results.slice(1)) {
      expect(loser).toMatchObject({ status: 'rejected', reason: expect.any(RevisionConflictError) });
    }
    expect(await follower).toMatchObject({ state: 'after the winner', _rev: 3 });
    expect(await agents.get('a1')).toMatchObject({ state: 'after the winner', _rev: 3 });
  });

  it('decides duplicate ids and unique keys against the writes queued before, in order', async () => {
    const agents = (await open()).collection<Agent>('agents');
    await agents.ensureIndexes([{ name: 'extension', fields: { tenant: 1, extension: 1 }, unique: true }]);
    const holder = await agents.insert({ _id: 'a1', tenant: 't1', extension: '100' });

    const results = await Promise.allSettled([
      agents.insert({ _id: 'a1', tenant: 't1', extension: '999' }),
      agents.insert({ _id: 'a2', tenant: 't1', extension: '100' }),
      // a1 moves to 101, which frees 100 for a3 and makes a4's claim on 101 a duplicate.
      agents.replace({ ...holder, extension: '101' }, 1),
      agents.insert({ _id: 'a3', tenant: 't1', extension: '100' }),
      agents.insert({ _id: 'a4', tenant: 't1', extension: '101' }),
    ]);

    const duplicate = { status: 'rejected', reason: expect.any(DuplicateKeyError) };
    expect(results).toEqual([
      duplicate,
      duplicate,
      { status: 'fulfilled', value: expect.objectContaining({ extension: '101', _rev: 2 }) },
      { status: 'fulfilled', value: expect.objectContaining({ _id: 'a3', extension: '100' }) },
      duplicate,
    ]);
    expect((await agents.find({}, { sort: { extension: 1 } })).map((a) => [a._id, a.extension])).toEqual([
      ['a3', '100'],
      ['a1', '101'],
    ]);
  });

  it('fails every write of a batch whose append fails, applying none of it', async () => {
    const agents = (await open()).collection<Agent>('agents');
    const kept = await agents.insert(agent(1));
    const appendFile = handles.appendFile;
    // The disk fills up halfway through the batch's bytes.
    vi.spyOn(handles, 'appendFile').mockImplementationOnce(async function (this: FileHandle, data) {
      await appendFile.call(this, String(data).slice(0, 40));
      throw diskFull();
    });

    const batch = [
      agents.insert(agent(2)),
      agents.replace({ ...kept, state: 'lost' }, 1),
      agents.delete('a1', 2),
      agents.deleteMany({}),
    ];
    const results = await Promise.allSettled(batch);
    expect(results.map((r) => r.status === 'rejected' && (r.reason as NodeJS.ErrnoException).code)).toEqual(
      Array(4).fill('ENOSPC'),
    );
    expect(await agents.find({})).toEqual([kept]);
    expect(await journalLines('agents')).toHaveLength(1);

    // The journal is usable again and holds exactly the writes that resolved.
    const after = await agents.replace({ ...kept, state: 'kept' }, 1);
    const store = opened[0]!;
    await store.close();
    expect(await (await open()).collection<Agent>('agents').find({})).toEqual([after]);
  });

  it('checks writes queued behind a failing batch against the state without it', async () => {
    const agents = (await open()).collection<Agent>('agents');
    const kept = await agents.insert(agent(1));
    let queuedBehind: Promise<Agent> | undefined;
    vi.spyOn(handles, 'appendFile').mockImplementationOnce(async () => {
      // Arrives while the doomed batch is in flight, so it is staged after it.
      queuedBehind = agents.replace({ ...kept, state: 'second' }, 1);
      throw diskFull();
    });

    await expect(agents.replace({ ...kept, state: 'first' }, 1)).rejects.toMatchObject({ code: 'ENOSPC' });
    await expect(queuedBehind).resolves.toMatchObject({ state: 'second', _rev: 2 });
    expect(await agents.get('a1')).toMatchObject({ state: 'second', _rev: 2 });
  });

  it('shows a batch in memory only once it is synced', async () => {
    const agents = (await open()).collection<Agent>('agents');
    await agents.insert(agent(1));
    const appendFile = handles.appendFile;
    const seenDuringSync: (Agent | null)[] = [];
    vi.spyOn(handles, 'appendFile').mockImplementationOnce(async function (this: FileHandle, data) {
      await appendFile.call(this, data);
      seenDuringSync.push(await agents.get('a2'));
    });

    const inserted = await agents.insert(agent(2));
    expect(seenDuringSync).toEqual([null]);
    expect(await agents.get('a2')).toEqual(inserted);
  });

  it('finishes every queued write on close and replays them all on reopen', async () => {
    const store = await open({ compaction: { minEntries: 30, ratio: 2 } });
    const names = ['agents', 'queues', 'calls'];
    const pending: Promise<unknown>[] = [];
    for (const name of names) {
      const c = store.collection<Agent>(name);
      for (let i = 0; i < 20; i++) {
        // Each write depends on the one queued before it, none of which is durable yet.
        pending.push(c.insert(agent(i)), c.replace({ ...agent(i), _rev: 1, state: 'busy' }, 1));
        if (i % 5 === 0) pending.push(c.delete(`a${i}`, 2));
      }
    }
    let settled = 0;
    for (const write of pending) void write.finally(() => settled++);
    await store.close();
    expect(settled).toBe(pending.length);
    await Promise.all(pending);

    const again = await open();
    for (const name of names) {
      const docs = await again.collection<Agent>(name).find({});
      expect(docs).toHaveLength(16);
      expect(docs.every((d) => d.state === 'busy' && d._rev === 2)).toBe(true);
    }
    expect((await journalLines('agents')).length).toBeLessThan(60);
  });

  it('replays the whole lines of a batch torn by a crash, dropping the torn one', async () => {
    const store = await open();
    const agents = store.collection<Agent>('agents');
    const batch = await Promise.all([1, 2, 3].map((i) => agents.insert(agent(i))));
    await store.close();
    // The crash hit while the batch's bytes were reaching the disk: the third line is cut short.
    const text = await readFile(join(dir, 'agents.journal'), 'utf8');
    await truncate(join(dir, 'agents.journal'), text.length - 10);

    const warnings: string[] = [];
    const again = (await open({ onWarning: (m) => warnings.push(m) })).collection<Agent>('agents');
    expect(await again.find({})).toEqual(batch.slice(0, 2));
    expect(warnings).toEqual([expect.stringContaining('torn last record')]);
  });

  it('commits while a test fakes timers', async () => {
    const agents = (await open()).collection<Agent>('agents');
    vi.useFakeTimers();
    try {
      await expect(agents.insert(agent(1))).resolves.toMatchObject({ _id: 'a1', _rev: 1 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('returns copies: changing a returned document changes nothing stored', async () => {
    const agents = (await open()).collection<Agent>('agents');
    const inserted = await agents.insert(agent(1));
    inserted.state = 'mutated';
    const read = (await agents.get('a1'))!;
    read.extension = 'mutated';
    (await agents.find({}))[0]!.tenant = 'mutated';
    expect(await agents.get('a1')).toEqual({ ...agent(1), _rev: 1 });
  });
});
