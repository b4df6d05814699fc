// MongoDB's meaning of the port's Filter subset, for the embedded store. Each operator is asked
// of every value the path reaches (field-path.ts) and holds if any value satisfies it, so
// `{ v: { $gt: 5, $lt: 8 } }` matches `v: [1, 10]` exactly as MongoDB does without $elemMatch.
// $ne and $nin are the negations of $eq and $in over the whole document.
import type { Condition, Filter, Primitive } from './document-store';
import { valuesAtPath } from './field-path';
import { compareStrings } from './value-order';

function equals(value: unknown, operand: Primitive): boolean {
  if (operand === null) return value === null || value === undefined;
  return value === operand;
}

function inRange(value: unknown, operand: string | number, accept: (order: number) => boolean): boolean {
  // Type bracketing: a numeric bound compares numbers only, a string bound strings only.
  if (typeof operand === 'number') return typeof value === 'number' && accept(value - operand);
  return typeof value === 'string' && accept(compareStrings(value, operand));
}

function holds(values: unknown[], op: string, operand: unknown): boolean {
  switch (op) {
    case '$eq':
      return values.some((v) => equals(v, operand as Primitive));
    case '$ne':
      return !values.some((v) => equals(v, operand as Primitive));
    case '$in':
      return values.some((v) => (operand as Primitive[]).some((o) => equals(v, o)));
    case '$nin':
      return !values.some((v) => (operand as Primitive[]).some((o) => equals(v, o)));
    case '$gt':
      return values.some((v) => inRange(v, operand as string | number, (c) => c > 0));
    case '$gte':
      return values.some((v) => inRange(v, operand as string | number, (c) => c >= 0));
    case '$lt':
      return values.some((v) => inRange(v, operand as string | number, (c) => c < 0));
    case '$lte':
      return values.some((v) => inRange(v, operand as string | number, (c) => c <= 0));
    case '$exists':
      return values.some((v) => v !== undefined) === operand;
    default:
      throw new TypeError(`filter operator ${op} is not supported`);
  }
}

function conditionHolds(doc: unknown, path: string, condition: Condition): boolean {
  const values = valuesAtPath(doc, path);
  if (condition === null || typeof condition !== 'object') return holds(values, '$eq', condition);
  return Object.entries(condition).every(([op, operand]) => holds(values, op, operand));
}

/** Whether `doc` matches `filter` (already checked by checkFilter). */
export function matchesFilter(doc: unknown, filter: Filter): boolean {
  return Object.entries(filter).every(([path, condition]) => conditionHolds(doc, path, condition));
}
