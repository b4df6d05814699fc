import { spawnSync } from 'node:child_process';
import { appendFile, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeDocumentStoreContract } from '../test/document-store-contract';
import { DirectoryLockedError } from './directory-lock';
import { DuplicateKeyError, type DocumentStore, type StoredDoc } from './document-store';
import { type EmbeddedStoreOptions, openEmbeddedStore } from './embedded-store';
import { JournalCorruptError } from './journal';

const contractDir = await mkdtemp(join(tmpdir(), 'hotline-embedded-contract-'));
afterAll(() => rm(contractDir, { recursive: true, force: true }));
describeDocumentStoreContract('embedded', () => openEmbeddedStore({ dir: contractDir }));

interface Queue extends StoredDoc {
  tenant: string;
  name: string;
  size?: number;
}

describe('embedded store on disk', () => {
  let dir: string;
  let warnings: string[];
  const opened: DocumentStore[] = [];

  async function open(extra: Partial<EmbeddedStoreOptions> = {}): Promise<DocumentStore> {
    const store = await openEmbeddedStore({ dir, onWarning: (m) => warnings.push(m), ...extra });
    opened.push(store);
    return store;
  }

  async function journalLines(name: string): Promise<string[]> {
    return (await readFile(join(dir, `${name}.journal`), 'utf8')).split('\n').filter(Boolean);
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hotline-embedded-'));
    warnings = [];
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps inserts, replaces and deletes across close and reopen', async () => {
    const first = await open();
    const queues = first.collection<Queue>('queues');
    const sales = await queues.insert({ _id: 'q1', tenant: 't1', name: 'sales' });
    await queues.insert({ _id: 'q2', tenant: 't1', name: 'support' });
    await queues.insert({ _id: 'q3', tenant: 't2', name: 'sales' });
    const resized = await queues.replace({ ...sales, size: 10 }, 1);
    await queues.delete('q2');
    await first.close();

    const again = (await open()).collection<Queue>('queues');
    expect(await again.find({})).toEqual([resized, { _id: 'q3', tenant: 't2', name: 'sales', _rev: 1 }]);
    expect((await again.replace(resized, 2))._rev).toBe(3);
  });

  it('has a write on disk by the time it resolves', async () => {
    const store = await open();
    await store.collection<Queue>('queues').insert({ _id: 'q1', tenant: 't1', name: 'sales' });
    expect(await journalLines('queues')).toEqual([
      '{"put":{"_id":"q1","tenant":"t1","name":"sales","_rev":1}}',
    ]);
  });

  it('keeps unique indexes across reopen', async () => {
    const first = await open();
    const spec = { name: 'tenant_name', fields: { tenant: 1 as const, name: 1 as const }, unique: true };
    await first.collection<Queue>('queues').ensureIndexes([spec]);
    await first.collection<Queue>('queues').insert({ _id: 'q1', tenant: 't1', name: 'sales' });
    await first.close();

    const queues = (await open()).collection<Queue>('queues');
    await expect(queues.insert({ _id: 'q2', tenant: 't1', name: 'sales' })).rejects.toBeInstanceOf(
      DuplicateKeyError,
    );
    await expect(queues.ensureIndexes([spec])).resolves.toBeUndefined();
  });

  it('ignores a torn last journal line with a warning and keeps appending cleanly', async () => {
    const first = await open();
    await first.collection<Queue>('queues').insert({ _id: 'q1', tenant: 't1', name: 'sales' });
    await first.close();
    await appendFile(join(dir, 'queues.journal'), '{"put":{"_id":"q2","tenant":"t1","na');

    const second = await open();
    expect(warnings).toEqual([expect.stringContaining('torn last record')]);
    expect(await second.collection<Queue>('queues').count({})).toBe(1);
    await second.collection<Queue>('queues').insert({ _id: 'q3', tenant: 't1', name: 'vip' });
    await second.close();

    const third = (await open()).collection<Queue>('queues');
    expect((await third.find({})).map((q) => q._id)).toEqual(['q1', 'q3']);
    expect(warnings).toHaveLength(1);
  });

  it('refuses to open a journal with an unreadable line before its end', async () => {
    const first = await open();
    const queues = first.collection<Queue>('queues');
    await queues.insert({ _id: 'q1', tenant: 't1', name: 'sales' });
    await queues.insert({ _id: 'q2', tenant: 't1', name: 'vip' });
    await first.close();
    const lines = await journalLines('queues');
    await writeFile(join(dir, 'queues.journal'), `${lines[0]}\nnot json\n${lines[1]}\n`);

    await expect(open()).rejects.toBeInstanceOf(JournalCorruptError);
    await expect(open()).rejects.toBeInstanceOf(JournalCorruptError);
  });

  it('compacts a journal grown well beyond its documents, keeping the same data', async () => {
    const first = await open({ compaction: { minEntries: 20, ratio: 2 } });
    const queues = first.collection<Queue>('queues');
    for (let i = 0; i < 5; i++) await queues.insert({ _id: `q${i}`, tenant: 't1', name: `queue ${i}` });
    let q0 = (await queues.get('q0'))!;
    for (let size = 1; size <= 40; size++) q0 = await queues.replace({ ...q0, size }, q0._rev);
    await queues.delete('q4');
    const before = await queues.find({});
    await first.close();

    expect((await journalLines('queues')).length).toBeLessThan(20);
    expect((await readdir(dir)).filter((f) => f.includes('compact'))).toEqual([]);
    expect(await (await open()).collection<Queue>('queues').find({})).toEqual(before);
    expect(before.map((q) => q._id)).toEqual(['q0', 'q1', 'q2', 'q3']);
    expect(before[0]).toMatchObject({ size: 40, _rev: 41 });
  });

  it('refuses a second open of a directory this process holds', async () => {
    await open();
    await expect(open()).rejects.toBeInstanceOf(DirectoryLockedError);
  });

  it('refuses a directory locked by another live process', async () => {
    await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: process.ppid }));
    await expect(open()).rejects.toMatchObject({ code: 'store_locked', pid: process.ppid });
  });

  it('takes over the lock of a process that is gone, with a warning', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.pid'], { stdio: 'ignore' }).pid!;
    await writeFile(join(dir, 'LOCK'), JSON.stringify({ pid: gone }));
    const store = await open();
    await store.collection<Queue>('queues').insert({ _id: 'q1', tenant: 't1', name: 'sales' });
    expect(warnings).toEqual([expect.stringContaining(`pid ${gone}`)]);
    expect(JSON.parse(await readFile(join(dir, 'LOCK'), 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('keeps collections whose names differ only in case apart', async () => {
    const first = await open();
    await first.collection<Queue>('Queues').insert({ _id: 'q1', tenant: 't1', name: 'upper' });
    await first.collection<Queue>('queues').insert({ _id: 'q1', tenant: 't1', name: 'lower' });
    await first.close();
    const second = await open();
    expect((await second.collection<Queue>('Queues').get('q1'))!.name).toBe('upper');
    expect((await second.collection<Queue>('queues').get('q1'))!.name).toBe('lower');
  });

  it('refuses every operation once closed', async () => {
    const store = await open();
    const queues = store.collection<Queue>('queues');
    await store.close();
    await expect(queues.get('q1')).rejects.toThrow(/closed/);
    await expect(queues.insert({ _id: 'q1', tenant: 't1', name: 'sales' })).rejects.toThrow(/closed/);
    await expect(store.ping()).rejects.toThrow(/closed/);
  });
});
