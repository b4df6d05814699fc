// Checks both adapters run before touching data, so a malformed query fails the same way on
// each instead of meaning something different (MongoDB would read `{ f: undefined }` as "no
// condition" once the driver drops the key, and `limit: 0` as "no limit").
import type { Condition, Filter, FindOptions, IndexSpec, Primitive } from './document-store';

const operators = new Set(['$eq', '$ne', '$in', '$nin', '$gt', '$gte', '$lt', '$lte', '$exists']);

function isPrimitive(value: unknown): value is Primitive {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}

function checkCondition(path: string, condition: Condition | undefined): void {
  if (condition === undefined) throw new TypeError(`filter condition for "${path}" is undefined`);
  if (isPrimitive(condition)) return;
  if (typeof condition !== 'object' || Array.isArray(condition)) {
    throw new TypeError(`filter condition for "${path}" must be a value or an operator object`);
  }
  const entries = Object.entries(condition);
  if (entries.length === 0) throw new TypeError(`filter condition for "${path}" has no operator`);
  for (const [op, operand] of entries) {
    if (!operators.has(op)) throw new TypeError(`filter operator ${op} (on "${path}") is not supported`);
    if (operand === undefined) throw new TypeError(`filter operand ${op} for "${path}" is undefined`);
    if (op === '$in' || op === '$nin') {
      if (!Array.isArray(operand) || !operand.every(isPrimitive)) {
        throw new TypeError(`${op} for "${path}" must be an array of values`);
      }
    } else if (op === '$exists') {
      if (typeof operand !== 'boolean') throw new TypeError(`$exists for "${path}" must be a boolean`);
    } else if (op === '$eq' || op === '$ne') {
      if (!isPrimitive(operand)) throw new TypeError(`${op} for "${path}" must be a value`);
    } else if (typeof operand !== 'string' && typeof operand !== 'number') {
      throw new TypeError(`${op} for "${path}" must be a string or a number`);
    }
  }
}

function checkPath(path: string): void {
  if (path === '' || path.split('.').some((part) => part === '' || part.startsWith('$'))) {
    throw new TypeError(`"${path}" is not a field path`);
  }
}

export function checkFilter(filter: Filter): void {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new TypeError('a filter must be an object');
  }
  for (const [path, condition] of Object.entries(filter)) {
    checkPath(path);
    checkCondition(path, condition);
  }
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

export function checkFindOptions(options: FindOptions): void {
  checkCount('limit', options.limit);
  checkCount('skip', options.skip);
  for (const [path, direction] of Object.entries(options.sort ?? {})) {
    checkPath(path);
    if (direction !== 1 && direction !== -1)
      throw new TypeError(`sort direction for "${path}" must be 1 or -1`);
  }
}

/** The sort as ordered [path, direction] pairs with `_id` ascending breaking remaining ties. */
export function sortWithIdTieBreak(sort: FindOptions['sort']): [string, 1 | -1][] {
  const keys = Object.entries(sort ?? {});
  if (!keys.some(([path]) => path === '_id')) keys.push(['_id', 1]);
  return keys;
}

export function checkId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || id === '') throw new TypeError('a document _id must be a non-empty string');
}

export function checkRevision(rev: unknown): asserts rev is number {
  if (!Number.isSafeInteger(rev) || (rev as number) < 1) {
    throw new TypeError(`a revision must be a positive integer, got ${String(rev)}`);
  }
}

export function checkIndexSpec(spec: IndexSpec): void {
  if (typeof spec.name !== 'string' || spec.name === '' || spec.name === '_id_') {
    throw new TypeError(`index name ${JSON.stringify(spec.name)} is not allowed`);
  }
  const fields = Object.entries(spec.fields ?? {});
  if (fields.length === 0) throw new TypeError(`index ${spec.name} has no fields`);
  for (const [path, direction] of fields) {
    checkPath(path);
    if (direction !== 1 && direction !== -1) {
      throw new TypeError(`index ${spec.name}: direction for "${path}" must be 1 or -1`);
    }
  }
}

/** A copy holding exactly what a JSON store keeps (drops `undefined`, turns Dates into strings). */
export function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
