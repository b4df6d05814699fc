// The behaviour every DocumentStore adapter must show. The embedded store runs it as a unit test
// (src/embedded-store.test.ts), the MongoDB adapter against FerretDB as an integration test
// (test/mongo-store.it.test.ts). Filter and sort expectations are MongoDB's, and FerretDB 1.24
// agrees on every case here; cases where the two differ are left out (see the notes on the
// port in src/document-store.ts).
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Collection,
  type DocumentStore,
  DuplicateKeyError,
  type Filter,
  type FindOptions,
  RevisionConflictError,
  type StoredDoc,
} from '../src/document-store';

export interface ContractOptions {
  /** How many replaces of the same revision race in the concurrency test. Default 8. */
  racers?: number;
}

interface Person extends StoredDoc {
  name: string;
  age?: number | string | null;
  tags?: (string | null)[];
  address?: { city: string; zip?: string } | null;
  phones?: { kind: string; number: string }[];
  manager?: string | null;
  scores?: number[];
  active: boolean;
}

const people: Omit<Person, '_rev'>[] = [
  {
    _id: 'p1',
    name: 'Ada',
    age: 36,
    tags: ['admin', 'sales'],
    address: { city: 'Berlin', zip: '10115' },
    phones: [{ kind: 'work', number: '+4930' }],
    scores: [3, 9],
    active: true,
  },
  {
    _id: 'p2',
    name: 'Bob',
    age: 25,
    tags: ['sales'],
    address: { city: 'Paris' },
    phones: [
      { kind: 'home', number: '+331' },
      { kind: 'mobile', number: '+336' },
    ],
    manager: 'p1',
    scores: [5],
    active: false,
  },
  { _id: 'p3', name: 'Cy', age: '41', tags: [], address: null, manager: null, active: true },
  {
    _id: 'p4',
    name: 'Dee',
    age: null,
    tags: ['support', null],
    manager: 'p2',
    scores: [1, 10],
    active: true,
  },
  { _id: 'p5', name: 'Eve', age: 19.5, address: { city: 'Berlin' }, phones: [], active: false },
];

const filterCases: [string, Filter, string[]][] = [
  ['an empty filter matches every document', {}, ['p1', 'p2', 'p3', 'p4', 'p5']],
  ['equality on a top-level field', { name: 'Bob' }, ['p2']],
  ['$eq is equality', { name: { $eq: 'Cy' } }, ['p3']],
  ['booleans match by value', { active: true }, ['p1', 'p3', 'p4']],
  ['a number never equals a boolean', { active: 1 }, []],
  ['a value matches an array field that contains it', { tags: 'sales' }, ['p1', 'p2']],
  ['a dotted path reaches into a nested object', { 'address.city': 'Berlin' }, ['p1', 'p5']],
  ['a dotted path reaches through an array of objects', { 'phones.kind': 'mobile' }, ['p2']],
  ['a numeric path part indexes an array', { 'phones.0.kind': 'home' }, ['p2']],
  ['null matches a null field and a missing one', { manager: null }, ['p1', 'p3', 'p5']],
  [
    'null matches a nested field under a null or missing parent',
    { 'address.zip': null },
    ['p2', 'p3', 'p4', 'p5'],
  ],
  ['null matches an array holding null and a missing array, not an empty one', { tags: null }, ['p4', 'p5']],
  ['$ne excludes the value and arrays containing it', { tags: { $ne: 'sales' } }, ['p3', 'p4', 'p5']],
  ['$ne null means present and not null', { manager: { $ne: null } }, ['p2', 'p4']],
  ['$in matches any listed value', { name: { $in: ['Ada', 'Eve', 'Zed'] } }, ['p1', 'p5']],
  ['$in with null also matches missing fields', { manager: { $in: [null, 'p2'] } }, ['p1', 'p3', 'p4', 'p5']],
  ['$in matches arrays sharing an element', { tags: { $in: ['admin', 'support'] } }, ['p1', 'p4']],
  ['$in with an empty list matches nothing', { name: { $in: [] } }, []],
  ['$nin excludes listed values', { name: { $nin: ['Ada', 'Bob'] } }, ['p3', 'p4', 'p5']],
  ['$nin with null excludes missing fields too', { manager: { $nin: ['p1', null] } }, ['p4']],
  ['$gte on a number compares numbers only', { age: { $gte: 25 } }, ['p1', 'p2']],
  ['$lt on a number compares numbers only', { age: { $lt: 25 } }, ['p5']],
  ['$gt and $lte together bound a range', { age: { $gt: 19.5, $lte: 36 } }, ['p1', 'p2']],
  ['a string bound compares strings only', { age: { $gt: '0' } }, ['p3']],
  ['string ranges compare by character', { name: { $gte: 'B', $lt: 'D' } }, ['p2', 'p3']],
  ['a range on an array field matches if any element is in it', { scores: { $gt: 8 } }, ['p1', 'p4']],
  [
    'range bounds on an array field may be met by different elements',
    { scores: { $gt: 5, $lt: 8 } },
    ['p1', 'p4'],
  ],
  ['$exists true holds for a null field', { manager: { $exists: true } }, ['p2', 'p3', 'p4']],
  ['$exists false holds for a missing field only', { phones: { $exists: false } }, ['p3', 'p4']],
  ['$exists true holds for an empty array', { tags: { $exists: true } }, ['p1', 'p2', 'p3', 'p4']],
  ['$exists follows a dotted path', { 'address.zip': { $exists: true } }, ['p1']],
  ['conditions on _id work like any field', { _id: { $in: ['p2', 'p4', 'zz'] } }, ['p2', 'p4']],
  ['every condition of a filter must hold', { active: true, 'address.city': 'Berlin' }, ['p1']],
];

const sortCases: [string, FindOptions, string[]][] = [
  ['ascending puts null before numbers before strings', { sort: { age: 1 } }, ['p4', 'p5', 'p2', 'p1', 'p3']],
  ['descending reverses that', { sort: { age: -1 } }, ['p3', 'p1', 'p2', 'p5', 'p4']],
  [
    'missing fields sort first ascending, ties by _id',
    { sort: { manager: 1 } },
    ['p1', 'p3', 'p5', 'p2', 'p4'],
  ],
  [
    'missing fields sort last descending, ties by _id',
    { sort: { manager: -1 } },
    ['p4', 'p2', 'p1', 'p3', 'p5'],
  ],
  [
    'later keys break ties of earlier ones',
    { sort: { active: -1, name: 1 } },
    ['p1', 'p3', 'p4', 'p2', 'p5'],
  ],
  [
    'an explicit _id key sets the tie direction',
    { sort: { 'address.city': 1, _id: -1 } },
    ['p4', 'p3', 'p5', 'p1', 'p2'],
  ],
  [
    'an array sorts by its smallest element ascending',
    { sort: { scores: 1 } },
    ['p3', 'p5', 'p4', 'p1', 'p2'],
  ],
  [
    'an array sorts by its largest element descending',
    { sort: { scores: -1 } },
    ['p4', 'p1', 'p2', 'p3', 'p5'],
  ],
  ['limit keeps the first documents', { sort: { name: 1 }, limit: 2 }, ['p1', 'p2']],
  ['skip drops the first documents', { sort: { name: 1 }, skip: 3 }, ['p4', 'p5']],
  ['skip and limit select a page', { sort: { name: -1 }, skip: 1, limit: 2 }, ['p4', 'p3']],
  ['skipping past the end returns nothing', { skip: 9 }, []],
  ['limit 0 returns nothing', { limit: 0 }, []],
  ['without a sort, documents come in _id order', {}, ['p1', 'p2', 'p3', 'p4', 'p5']],
];

const ids = (docs: StoredDoc[]) => docs.map((d) => d._id);

export function describeDocumentStoreContract(
  name: string,
  open: () => Promise<DocumentStore>,
  options: ContractOptions = {},
): void {
  const run = `c${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let made = 0;
  let store: DocumentStore;

  function fresh<T extends StoredDoc>(): Collection<T> {
    return store.collection<T>(`${run}_${++made}`);
  }

  async function withPeople(): Promise<Collection<Person>> {
    const collection = fresh<Person>();
    for (const person of people) await collection.insert(person);
    return collection;
  }

  describe(`document store contract: ${name}`, () => {
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describe('insert and get', () => {
      it('stores a new document at revision 1 and gets it back equal', async () => {
        const c = fresh<Person>();
        const inserted = await c.insert(people[0]!);
        expect(inserted).toEqual({ ...people[0], _rev: 1 });
        expect(await c.get('p1')).toEqual({ ...people[0], _rev: 1 });
      });

      it('gets null for an unknown id', async () => {
        expect(await fresh().get('nobody')).toBeNull();
      });

      it('hands out copies: changing a returned document or the input changes nothing stored', async () => {
        const c = fresh<Person>();
        const input = structuredClone(people[1]!);
        const inserted = await c.insert(input);
        input.phones![0]!.kind = 'changed input';
        inserted.phones![1]!.kind = 'changed result';
        const first = (await c.get('p2'))!;
        first.address!.city = 'changed read';
        first.tags!.push('changed read');
        expect(await c.get('p2')).toEqual({ ...people[1], _rev: 1 });
        const [found] = await c.find({ _id: 'p2' });
        found!.name = 'changed find';
        expect((await c.findOne({ _id: 'p2' }))!.name).toBe('Bob');
      });

      it('refuses a second document with the same _id with DuplicateKeyError on _id_', async () => {
        const c = fresh<Person>();
        await c.insert(people[0]!);
        const error = await c.insert({ ...people[1]!, _id: 'p1' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ collection: c.name, index: '_id_', code: 'duplicate_key' });
        expect((await c.get('p1'))!.name).toBe('Ada');
      });

      it('keeps unicode text, nested objects and every JSON value intact', async () => {
        interface Odd extends StoredDoc {
          [key: string]: unknown;
        }
        const c = fresh<Odd>();
        const odd = {
          _id: 'ünï-😀-文字',
          title: 'Grüße, 世界 👋🏽 — שלום\u0000end',
          escapes: 'quote " backslash \\ newline \n tab \t',
          schlüssel: { 'emoji 🔑': 'value' },
          nested: {
            deep: {
              deeper: {
                list: [1, -2.5, 2 ** 53 - 1, 0, true, false, null, '', { x: [{}] }],
                empty: {},
                none: [],
              },
            },
          },
        };
        await c.insert(odd);
        expect(await c.get(odd._id)).toEqual({ ...odd, _rev: 1 });
        expect(ids(await c.find({ 'schlüssel.emoji 🔑': 'value' }))).toEqual([odd._id]);
      });
    });

    describe('unique indexes', () => {
      it('refuse a second document with the same value of a single field', async () => {
        const c = fresh<Person>();
        await c.ensureIndexes([{ name: 'by_name', fields: { name: 1 }, unique: true }]);
        await c.insert(people[0]!);
        const error = await c.insert({ ...people[1]!, name: 'Ada' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ index: 'by_name' });
        expect(await c.count({})).toBe(1);
      });

      it('on a dotted path refuse the same nested value', async () => {
        const c = fresh<Person>();
        await c.ensureIndexes([{ name: 'by_city', fields: { 'address.city': 1 }, unique: true }]);
        await c.insert(people[1]!);
        await expect(c.insert({ ...people[0]!, address: { city: 'Paris' } })).rejects.toMatchObject({
          index: 'by_city',
        });
      });

      it('over several fields refuse only the same combination', async () => {
        interface Agent extends StoredDoc {
          tenant: string;
          login: string;
        }
        const c = fresh<Agent>();
        await c.ensureIndexes([{ name: 'tenant_login', fields: { tenant: 1, login: 1 }, unique: true }]);
        await c.insert({ _id: 'a1', tenant: 't1', login: 'kim' });
        await c.insert({ _id: 'a2', tenant: 't2', login: 'kim' });
        await c.insert({ _id: 'a3', tenant: 't1', login: 'lee' });
        const error = await c.insert({ _id: 'a4', tenant: 't2', login: 'kim' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ index: 'tenant_login' });
        expect(ids(await c.find({}))).toEqual(['a1', 'a2', 'a3']);
      });

      it('refuse a replace that would collide, leaving the document as it was', async () => {
        const c = fresh<Person>();
        await c.ensureIndexes([{ name: 'by_name', fields: { name: 1 }, unique: true }]);
        await c.insert(people[0]!);
        const bob = await c.insert(people[1]!);
        const error = await c.replace({ ...bob, name: 'Ada' }, 1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect(error).toMatchObject({ index: 'by_name' });
        expect(await c.get('p2')).toEqual(bob);
      });

      it('let a document be replaced while keeping its own unique value', async () => {
        const c = fresh<Person>();
        await c.ensureIndexes([{ name: 'by_name', fields: { name: 1 }, unique: true }]);
        const ada = await c.insert(people[0]!);
        expect((await c.replace({ ...ada, age: 37 }, 1)).age).toBe(37);
      });

      it('free a value once its document is deleted', async () => {
        const c = fresh<Person>();
        await c.ensureIndexes([{ name: 'by_name', fields: { name: 1 }, unique: true }]);
        await c.insert(people[0]!);
        await c.delete('p1');
        await expect(c.insert({ ...people[0]!, _id: 'p1-again' })).resolves.toMatchObject({ _rev: 1 });
      });

      it('can be ensured again without harm', async () => {
        const c = fresh<Person>();
        const spec = { name: 'by_name', fields: { name: 1 as const }, unique: true };
        await c.ensureIndexes([spec]);
        await c.insert(people[0]!);
        await c.ensureIndexes([spec]);
        await expect(c.insert({ ...people[1]!, name: 'Ada' })).rejects.toBeInstanceOf(DuplicateKeyError);
      });

      it('cannot be redefined under the same name', async () => {
        const c = fresh<Person>();
        await c.ensureIndexes([{ name: 'by_name', fields: { name: 1 }, unique: true }]);
        await expect(
          c.ensureIndexes([{ name: 'by_name', fields: { name: -1 }, unique: true }]),
        ).rejects.toThrow();
      });

      it('cannot be created over documents that already collide', async () => {
        const c = fresh<Person>();
        await c.insert(people[0]!);
        await c.insert({ ...people[1]!, name: 'Ada' });
        await expect(
          c.ensureIndexes([{ name: 'by_name', fields: { name: 1 }, unique: true }]),
        ).rejects.toBeInstanceOf(DuplicateKeyError);
        await expect(c.insert({ ...people[2]!, name: 'Ada' })).resolves.toMatchObject({ _rev: 1 });
      });
    });

    describe('find with a filter', () => {
      it.each(filterCases)('%s', async (_title, filter, expected) => {
        const c = await withPeople();
        expect(ids(await c.find(filter))).toEqual(expected);
        expect(await c.count(filter)).toBe(expected.length);
      });

      it('findOne returns the first match in _id order, or null', async () => {
        const c = await withPeople();
        expect((await c.findOne({ active: false }))!._id).toBe('p2');
        expect(await c.findOne({ name: 'Zed' })).toBeNull();
      });

      it('rejects an undefined condition instead of matching everything', async () => {
        const c = await withPeople();
        const careless = { name: undefined } as unknown as Filter;
        await expect(c.find(careless)).rejects.toBeInstanceOf(TypeError);
        await expect(c.deleteMany(careless)).rejects.toBeInstanceOf(TypeError);
        expect(await c.count({})).toBe(5);
      });
    });

    describe('find with sort, skip and limit', () => {
      it.each(sortCases)('%s', async (_title, findOptions, expected) => {
        const c = await withPeople();
        expect(ids(await c.find({}, findOptions))).toEqual(expected);
      });

      it('orders strings by code point, as MongoDB compares UTF-8 bytes', async () => {
        const c = fresh();
        for (const id of ['😀', '\uffff', 'é', 'Z', 'a']) await c.insert({ _id: id });
        expect(ids(await c.find({}))).toEqual(['Z', 'a', 'é', '\uffff', '😀']);
      });

      it('pages by _id greater than the last seen, returning every document exactly once', async () => {
        const c = fresh();
        const all = Array.from({ length: 57 }, (_, i) => `d${randomBytes(4).toString('hex')}${i}`);
        for (const id of all) await c.insert({ _id: id });
        const seen: string[] = [];
        let last: string | null = null;
        for (let pages = 0; pages < 20; pages++) {
          const filter: Filter = last === null ? {} : { _id: { $gt: last } };
          const page = await c.find(filter, { sort: { _id: 1 }, limit: 10 });
          if (page.length === 0) break;
          seen.push(...ids(page));
          last = page[page.length - 1]!._id;
        }
        expect(seen).toEqual([...all].sort());
      });
    });

    describe('replace', () => {
      it('stores the document at the next revision when the revision matches', async () => {
        const c = fresh<Person>();
        const ada = await c.insert(people[0]!);
        const updated = await c.replace({ ...ada, age: 37, tags: ['admin'] }, 1);
        expect(updated).toEqual({ ...ada, age: 37, tags: ['admin'], _rev: 2 });
        expect(await c.get('p1')).toEqual(updated);
        expect((await c.replace({ ...updated, name: 'Ada L.' }, 2))._rev).toBe(3);
      });

      it('ignores the _rev the document carries: the stored one is expectedRev + 1', async () => {
        const c = fresh<Person>();
        const ada = await c.insert(people[0]!);
        expect((await c.replace({ ...ada, _rev: 99 }, 1))._rev).toBe(2);
      });

      it('drops fields the new version leaves out', async () => {
        const c = fresh<Person>();
        const bob = await c.insert(people[1]!);
        const { manager: _manager, phones: _phones, ...rest } = bob;
        await c.replace(rest, 1);
        expect(await c.get('p2')).toEqual({ ...rest, _rev: 2 });
      });

      it('refuses a stale revision with RevisionConflictError and changes nothing', async () => {
        const c = fresh<Person>();
        const ada = await c.insert(people[0]!);
        const current = await c.replace({ ...ada, age: 40 }, 1);
        const error = await c.replace({ ...ada, age: 99 }, 1).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RevisionConflictError);
        expect(error).toMatchObject({ collection: c.name, id: 'p1', expected: 1, retryable: true });
        expect(await c.get('p1')).toEqual(current);
      });

      it('refuses to replace a document that does not exist', async () => {
        const c = fresh<Person>();
        await expect(c.replace({ ...people[0]!, _rev: 1 }, 1)).rejects.toBeInstanceOf(RevisionConflictError);
        expect(await c.get('p1')).toBeNull();
      });

      it('lets exactly one of several concurrent replaces of one revision win', async () => {
        const c = fresh<Person>();
        const ada = await c.insert(people[0]!);
        const racers = options.racers ?? 8;
        const results = await Promise.allSettled(
          Array.from({ length: racers }, (_, i) => c.replace({ ...ada, name: `racer ${i}` }, 1)),
        );
        const winners = results.filter((r): r is PromiseFulfilledResult<Person> => r.status === 'fulfilled');
        const losers = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers.every((r) => r.reason instanceof RevisionConflictError)).toBe(true);
        expect(await c.get('p1')).toEqual(winners[0]!.value);
        expect((await c.get('p1'))!._rev).toBe(2);
      });
    });

    describe('delete', () => {
      it('deletes by id and says whether there was anything to delete', async () => {
        const c = await withPeople();
        expect(await c.delete('p2')).toBe(true);
        expect(await c.delete('p2')).toBe(false);
        expect(await c.get('p2')).toBeNull();
        expect(await c.count({})).toBe(4);
      });

      it('deletes at the expected revision', async () => {
        const c = fresh<Person>();
        const ada = await c.insert(people[0]!);
        await c.replace(ada, 1);
        expect(await c.delete('p1', 2)).toBe(true);
        expect(await c.get('p1')).toBeNull();
      });

      it('refuses a stale revision with RevisionConflictError and keeps the document', async () => {
        const c = fresh<Person>();
        const ada = await c.insert(people[0]!);
        const current = await c.replace(ada, 1);
        await expect(c.delete('p1', 1)).rejects.toBeInstanceOf(RevisionConflictError);
        expect(await c.get('p1')).toEqual(current);
      });

      it('with a revision, reports a missing document as nothing deleted', async () => {
        expect(await fresh().delete('nobody', 3)).toBe(false);
      });

      it('deleteMany removes every match and only those, returning how many', async () => {
        const c = await withPeople();
        expect(await c.deleteMany({ 'address.city': 'Berlin' })).toBe(2);
        expect(ids(await c.find({}))).toEqual(['p2', 'p3', 'p4']);
        expect(await c.deleteMany({ name: 'Zed' })).toBe(0);
        expect(await c.deleteMany({})).toBe(3);
        expect(await c.count({})).toBe(0);
      });
    });

    describe('collections', () => {
      it('are isolated from each other', async () => {
        const a = fresh<Person>();
        const b = fresh<Person>();
        await a.insert(people[0]!);
        await b.insert({ ...people[0]!, name: 'Other Ada' });
        await a.ensureIndexes([{ name: 'by_name', fields: { name: 1 }, unique: true }]);
        await b.insert({ ...people[1]!, name: 'Ada' });
        expect(await a.deleteMany({})).toBe(1);
        expect(ids(await b.find({}))).toEqual(['p1', 'p2']);
        expect((await b.get('p1'))!.name).toBe('Other Ada');
      });

      it('count with a filter counts matches only', async () => {
        const c = await withPeople();
        expect(await c.count({ active: true })).toBe(3);
        expect(await c.count({ name: 'Zed' })).toBe(0);
        expect(await c.count({})).toBe(5);
      });
    });
  });
}
