import type { Expr, Value } from './ast';
import { ExpressionError } from './expression-error';

/** Looks up a dotted name (`call.ani`, `customer.tier`); unknown names are null. */
export type Resolve = (path: string[]) => Value;

export function evaluate(expr: Expr, resolve: Resolve): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'ref':
      return resolve(expr.path);
    case 'list':
      return expr.items.map((item) => evaluate(item, resolve));
    case 'unary': {
      const value = evaluate(expr.operand, resolve);
      if (expr.op === '!') return !truthy(value);
      return -numeric(value, expr.position, 'unary "-"');
    }
    case 'binary':
      return binary(expr, resolve);
    case 'call':
      return call(
        expr,
        expr.args.map((arg) => evaluate(arg, resolve)),
      );
  }
}

export function truthy(value: Value): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== null && value !== false && value !== 0 && value !== '';
}

export function toText(value: Value): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.map(toText).join(',');
  return String(value);
}

function binary(expr: Extract<Expr, { kind: 'binary' }>, resolve: Resolve): Value {
  // Short-circuit so `x != null && len(x) > 3` never evaluates the right side needlessly.
  if (expr.op === '||') {
    const left = evaluate(expr.left, resolve);
    return truthy(left) ? left : evaluate(expr.right, resolve);
  }
  if (expr.op === '&&') {
    const left = evaluate(expr.left, resolve);
    return truthy(left) ? evaluate(expr.right, resolve) : left;
  }
  const left = evaluate(expr.left, resolve);
  const right = evaluate(expr.right, resolve);
  switch (expr.op) {
    case '==':
      return looselyEqual(left, right);
    case '!=':
      return !looselyEqual(left, right);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(expr.op, left, right, expr.position);
    case 'in':
      if (!Array.isArray(right)) {
        if (typeof right === 'string') return right.includes(toText(left));
        throw new ExpressionError('"in" needs a list or a string on its right', expr.position);
      }
      return right.some((item) => looselyEqual(left, item));
    case '+':
      if (typeof left === 'number' && typeof right === 'number') return left + right;
      return toText(left) + toText(right);
    case '-':
      return numeric(left, expr.position, '"-"') - numeric(right, expr.position, '"-"');
    case '*':
      return numeric(left, expr.position, '"*"') * numeric(right, expr.position, '"*"');
    case '/':
    case '%': {
      const divisor = numeric(right, expr.position, `"${expr.op}"`);
      if (divisor === 0) throw new ExpressionError('division by zero', expr.position);
      const dividend = numeric(left, expr.position, `"${expr.op}"`);
      return expr.op === '/' ? dividend / divisor : dividend % divisor;
    }
  }
}

// DTMF input and CRM answers arrive as strings, while authors write `choice == 1`: a number and a
// string holding that number compare as numbers.
function looselyEqual(left: Value, right: Value): boolean {
  if (typeof left === 'number' && typeof right === 'string') return left === asNumber(right);
  if (typeof left === 'string' && typeof right === 'number') return asNumber(left) === right;
  if (Array.isArray(left) || Array.isArray(right)) return toText(left) === toText(right);
  return left === right;
}

function compare(op: '<' | '<=' | '>' | '>=', left: Value, right: Value, position: number): boolean {
  let a: number | string;
  let b: number | string;
  if (typeof left === 'string' && typeof right === 'string') {
    a = left;
    b = right;
  } else {
    a = numeric(left, position, `"${op}"`);
    b = numeric(right, position, `"${op}"`);
  }
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function asNumber(value: string): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function numeric(value: Value, position: number, what: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = asNumber(value);
    if (n !== null) return n;
  }
  throw new ExpressionError(`${what} needs numbers, got ${JSON.stringify(value)}`, position);
}

function call(expr: Extract<Expr, { kind: 'call' }>, args: Value[]): Value {
  const [a = null, b = null, c = null] = args;
  switch (expr.name) {
    case 'len':
      return Array.isArray(a) ? a.length : toText(a).length;
    case 'lower':
      return toText(a).toLowerCase();
    case 'upper':
      return toText(a).toUpperCase();
    case 'trim':
      return toText(a).trim();
    case 'number':
      return typeof a === 'number' ? a : asNumber(toText(a));
    case 'string':
      return toText(a);
    case 'startsWith':
      return toText(a).startsWith(toText(b));
    case 'endsWith':
      return toText(a).endsWith(toText(b));
    case 'contains':
      return Array.isArray(a) ? a.some((item) => looselyEqual(item, b)) : toText(a).includes(toText(b));
    case 'substr': {
      const start = numeric(b, expr.position, 'substr()');
      const text = toText(a);
      return c === null
        ? text.slice(start)
        : text.slice(start, start + numeric(c, expr.position, 'substr()'));
    }
    case 'coalesce':
      return args.find((arg) => arg !== null && arg !== '') ?? null;
  }
}
