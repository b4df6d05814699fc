import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { ObjectStoreError, type ObjectStore } from '../src/storage/object-store';

/** What every ObjectStore adapter must do; `open` gives a store with an empty key space. */
export function objectStoreContract(name: string, open: () => Promise<ObjectStore>): void {
  describe(`${name} object store contract`, () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));

    it('returns what was put, with its size and content type', async () => {
      const store = await open();
      const put = await store.put('t1/2026/a.wav', bytes, 'audio/wav');
      expect(put.size).toBe(1000);
      const got = await store.get('t1/2026/a.wav');
      expect(await buffer(got.body)).toEqual(bytes);
      expect(got.info.size).toBe(1000);
      expect(got.info.contentType).toBe('audio/wav');
      expect(got.range).toBeNull();
    });

    it('returns only the requested byte range, with the total size', async () => {
      const store = await open();
      await store.put('r.wav', bytes, 'audio/wav');
      const got = await store.get('r.wav', { start: 100, end: 199 });
      expect(await buffer(got.body)).toEqual(bytes.subarray(100, 200));
      expect(got.info.size).toBe(1000);
      expect(got.range).toEqual({ start: 100, end: 199 });
    });

    it('refuses a range beyond the object', async () => {
      const store = await open();
      await store.put('r2.wav', bytes, 'audio/wav');
      await expect(store.get('r2.wav', { start: 900, end: 1000 })).rejects.toMatchObject({
        code: 'bad_range',
      });
    });

    it('answers head with the size, and null for a missing key', async () => {
      const store = await open();
      await store.put('h.wav', bytes, 'audio/wav');
      expect(await store.head('h.wav')).toMatchObject({ key: 'h.wav', size: 1000 });
      expect(await store.head('missing.wav')).toBeNull();
    });

    it('says not_found when getting a missing key', async () => {
      const store = await open();
      const err = await store.get('nope.wav').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ObjectStoreError);
      expect((err as ObjectStoreError).code).toBe('not_found');
    });

    it('replaces an object put twice under one key', async () => {
      const store = await open();
      await store.put('x.wav', bytes, 'audio/wav');
      await store.put('x.wav', Buffer.from('second'), 'audio/wav');
      expect((await buffer((await store.get('x.wav')).body)).toString()).toBe('second');
    });

    it('deletes, and deleting again is fine', async () => {
      const store = await open();
      await store.put('d.wav', bytes, 'audio/wav');
      await store.delete('d.wav');
      expect(await store.head('d.wav')).toBeNull();
      await store.delete('d.wav');
    });

    it('lists keys under a prefix in key order, page by page', async () => {
      const store = await open();
      for (const k of ['p/b.wav', 'p/a.wav', 'p/c/d.wav', 'q/e.wav']) await store.put(k, bytes, 'audio/wav');
      const first = await store.list('p/', { limit: 2 });
      expect(first.objects.map((o) => o.key)).toEqual(['p/a.wav', 'p/b.wav']);
      expect(first.next).toBe('p/b.wav');
      const second = await store.list('p/', { limit: 2, after: first.next! });
      expect(second.objects.map((o) => o.key)).toEqual(['p/c/d.wav']);
      expect(second.next).toBeUndefined();
      expect(second.objects[0]!.size).toBe(1000);
    });

    it('refuses keys that could escape the key space', async () => {
      const store = await open();
      for (const key of ['../x', '/abs', 'a//b', 'a/../b', '']) {
        await expect(store.put(key, bytes, 'audio/wav')).rejects.toMatchObject({ code: 'bad_key' });
      }
    });
  });
}
