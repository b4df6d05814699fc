// The target expression language: what tenants type to say which agents may take a call, e.g.
//
//   skills.spanish >= 3 && site == "fra"
//   meets_required(1) && (team in ["gold", "silver"] || call.vip == "yes")
//   skills["sales-fr"] >= call.skills.sales && languages contains "de"
//
// Bare names are the agent's attributes (`site` always exists), `skills.<id>` its proficiency
// (0 when it lacks the skill; `skills["id-with-dashes"]` for ids that are not plain names),
// `call.priority` the call's priority, `call.skills.<id>` the level the call requires (0 if none)
// and `call.<key>` the data the IVR attached. Functions: `meets_required(n = 0)` holds when the agent
// has every skill the call requires at its level minus n (the usual relaxation step), `has(x)`
// when a skill or attribute is present. Operators: || && ! == != < <= > >= in contains, parentheses.
//
// It is parsed into a tree and compiled into closures: nothing is ever evaluated as JavaScript.

import { ExpressionError } from './expression-error';
import { type Token, tokenize } from './expression-lexer';

export type StaticType = 'number' | 'string' | 'boolean' | 'list' | 'any';

export type Node =
  | { kind: 'literal'; value: number | string | boolean; position: number }
  | { kind: 'list'; items: (number | string)[]; position: number }
  | { kind: 'path'; segments: string[]; position: number }
  | { kind: 'not'; operand: Node; position: number }
  | { kind: 'and' | 'or'; left: Node; right: Node; position: number }
  | { kind: 'compare'; op: CompareOp; left: Node; right: Node; position: number }
  | { kind: 'call'; name: FunctionName; args: Node[]; position: number };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'contains';
export type FunctionName = 'meets_required' | 'has';

export const maxExpressionLength = 2000;
const maxDepth = 32;
const compareOps = new Set(['==', '!=', '<', '<=', '>', '>=']);
const keywords = new Set(['true', 'false', 'in', 'contains']);

export function parseExpression(text: string): Node {
  if (text.length > maxExpressionLength) {
    throw new ExpressionError(
      `expression longer than ${maxExpressionLength} characters`,
      maxExpressionLength,
    );
  }
  if (text.trim() === '') throw new ExpressionError('empty expression', 0);
  const parser = new Parser(tokenize(text));
  const node = parser.expression(0);
  parser.expectEnd();
  const type = typeOf(node);
  if (type !== 'boolean' && type !== 'any') {
    throw new ExpressionError(`the expression is a ${type}, not a condition`, node.position);
  }
  return node;
}

class Parser {
  private index = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }
  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index++;
    return token;
  }
  private describe(token: Token): string {
    return token.kind === 'end' ? 'the end of the expression' : `"${token.text}"`;
  }
  private fail(expected: string, token = this.peek()): never {
    throw new ExpressionError(`expected ${expected} but found ${this.describe(token)}`, token.position);
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') {
      throw new ExpressionError(`unexpected ${this.describe(token)} (missing && or ||?)`, token.position);
    }
  }

  expression(depth: number): Node {
    if (depth > maxDepth) throw new ExpressionError('expression nested too deeply', this.peek().position);
    return this.or(depth);
  }

  private or(depth: number): Node {
    let left = this.and(depth);
    while (this.peek().kind === 'op' && this.peek().text === '||') {
      const op = this.next();
      left = { kind: 'or', left, right: this.and(depth), position: op.position };
    }
    return left;
  }

  private and(depth: number): Node {
    let left = this.unary(depth);
    while (this.peek().kind === 'op' && this.peek().text === '&&') {
      const op = this.next();
      left = { kind: 'and', left, right: this.unary(depth), position: op.position };
    }
    return left;
  }

  private unary(depth: number): Node {
    const token = this.peek();
    if (token.kind === 'op' && token.text === '!') {
      this.next();
      if (depth + 1 > maxDepth) throw new ExpressionError('expression nested too deeply', token.position);
      return { kind: 'not', operand: this.unary(depth + 1), position: token.position };
    }
    return this.comparison(depth);
  }

  private comparison(depth: number): Node {
    const left = this.primary(depth);
    const token = this.peek();
    let op: CompareOp | undefined;
    if (token.kind === 'op' && compareOps.has(token.text)) op = token.text as CompareOp;
    if (token.kind === 'ident' && (token.text === 'in' || token.text === 'contains')) op = token.text;
    if (!op) return left;
    this.next();
    const right = this.primary(depth);
    return { kind: 'compare', op, left, right, position: token.position };
  }

  private primary(depth: number): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', value: token.value as number, position: token.position };
      case 'string':
        return { kind: 'literal', value: token.value as string, position: token.position };
      case 'lparen': {
        const inner = this.expression(depth + 1);
        if (this.peek().kind !== 'rparen') this.fail(`")" to close the "(" at position ${token.position}`);
        this.next();
        return inner;
      }
      case 'lbracket':
        return this.list(token);
      case 'ident':
        if (token.text === 'true' || token.text === 'false') {
          return { kind: 'literal', value: token.text === 'true', position: token.position };
        }
        if (keywords.has(token.text)) this.fail('a value', token);
        if (this.peek().kind === 'lparen') return this.call(token, depth);
        return this.path(token);
      default:
        return this.fail('a value, a name or "("', token);
    }
  }

  private list(open: Token): Node {
    const items: (number | string)[] = [];
    if (this.peek().kind === 'rbracket') {
      this.next();
      return { kind: 'list', items, position: open.position };
    }
    for (;;) {
      const item = this.next();
      if (item.kind !== 'number' && item.kind !== 'string')
        this.fail('a number or a string in the list', item);
      items.push(item.value as number | string);
      const sep = this.next();
      if (sep.kind === 'rbracket') break;
      if (sep.kind !== 'comma') this.fail('"," or "]"', sep);
    }
    return { kind: 'list', items, position: open.position };
  }

  private path(first: Token): Node {
    const segments = [first.text];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'dot') {
        this.next();
        const name = this.next();
        if (name.kind !== 'ident') this.fail('a name after "."', name);
        segments.push(name.text);
      } else if (token.kind === 'lbracket') {
        this.next();
        const name = this.next();
        if (name.kind !== 'string') this.fail('a quoted name inside [ ]', name);
        const close = this.next();
        if (close.kind !== 'rbracket') this.fail('"]"', close);
        segments.push(name.value as string);
      } else {
        break;
      }
    }
    const node: Node = { kind: 'path', segments, position: first.position };
    checkPath(node);
    return node;
  }

  private call(name: Token, depth: number): Node {
    if (name.text !== 'meets_required' && name.text !== 'has') {
      throw new ExpressionError(
        `unknown function "${name.text}" (known: meets_required, has)`,
        name.position,
      );
    }
    this.next();
    const args: Node[] = [];
    if (this.peek().kind !== 'rparen') {
      for (;;) {
        args.push(this.expression(depth + 1));
        const sep = this.next();
        if (sep.kind === 'rparen') break;
        if (sep.kind !== 'comma') this.fail('"," or ")"', sep);
      }
    } else {
      this.next();
    }
    const node: Node = { kind: 'call', name: name.text, args, position: name.position };
    checkCall(node);
    return node;
  }
}

function checkPath(node: Extract<Node, { kind: 'path' }>): void {
  const [head, ...rest] = node.segments;
  if (head === 'skills') {
    if (rest.length !== 1) {
      throw new ExpressionError('skills needs exactly one skill id, e.g. skills.spanish', node.position);
    }
  } else if (head === 'call') {
    if (rest.length === 0) throw new ExpressionError('call needs a field, e.g. call.priority', node.position);
    if (rest[0] === 'skills' ? rest.length !== 2 : rest.length !== 1) {
      throw new ExpressionError(
        'call fields are call.priority, call.skills.<id> or call.<attached key>',
        node.position,
      );
    }
  } else if (rest.length > 0) {
    throw new ExpressionError(`agent attribute "${head}" has no fields`, node.position);
  }
}

function checkCall(node: Extract<Node, { kind: 'call' }>): void {
  if (node.name === 'meets_required') {
    const [arg, extra] = node.args;
    if (extra) throw new ExpressionError('meets_required takes at most one argument', extra.position);
    if (arg && !(arg.kind === 'literal' && typeof arg.value === 'number' && Number.isInteger(arg.value))) {
      throw new ExpressionError('meets_required takes a whole number of levels to relax', arg.position);
    }
    return;
  }
  const [arg, extra] = node.args;
  if (!arg || extra || arg.kind !== 'path') {
    throw new ExpressionError('has takes one name, e.g. has(skills.spanish)', node.position);
  }
}

export function typeOf(node: Node): StaticType {
  switch (node.kind) {
    case 'literal':
      return typeof node.value as 'number' | 'string' | 'boolean';
    case 'list':
      return 'list';
    case 'path': {
      const [head, second] = node.segments;
      if (head === 'skills') return 'number';
      if (head === 'call') return second === 'priority' || second === 'skills' ? 'number' : 'string';
      return 'any';
    }
    case 'call':
      return 'boolean';
    case 'not':
      requireCondition(node.operand, '!');
      return 'boolean';
    case 'and':
    case 'or':
      requireCondition(node.left, node.kind === 'and' ? '&&' : '||');
      requireCondition(node.right, node.kind === 'and' ? '&&' : '||');
      return 'boolean';
    case 'compare':
      checkCompare(node);
      return 'boolean';
  }
}

function requireCondition(node: Node, op: string): void {
  const type = typeOf(node);
  if (type === 'boolean' || type === 'any') return;
  const hint = type === 'number' ? ' (compare it, e.g. >= 1)' : '';
  throw new ExpressionError(`"${op}" needs conditions on both sides, not a ${type}${hint}`, node.position);
}

function checkCompare(node: Extract<Node, { kind: 'compare' }>): void {
  const left = typeOf(node.left);
  const right = typeOf(node.right);
  const known = (t: StaticType) => t !== 'any';
  if (node.op === 'in') {
    if (node.right.kind !== 'list')
      throw new ExpressionError('"in" needs a list, e.g. ["a", "b"]', node.right.position);
    if (left === 'boolean' || left === 'list') {
      throw new ExpressionError(
        `"in" needs a name or a value on its left, not a ${left}`,
        node.left.position,
      );
    }
    return;
  }
  if (node.op === 'contains') {
    if (node.right.kind !== 'literal' || typeof node.right.value === 'boolean') {
      throw new ExpressionError('"contains" needs a string or a number on its right', node.right.position);
    }
    if (known(left) && left !== 'string') {
      throw new ExpressionError(
        `"contains" needs a list or a text on its left, not a ${left}`,
        node.left.position,
      );
    }
    return;
  }
  if (left === 'list' || right === 'list') {
    throw new ExpressionError(`"${node.op}" cannot compare a list (use "in")`, node.position);
  }
  if (node.op === '==' || node.op === '!=') {
    if (known(left) && known(right) && left !== right && !(isNumberish(left) && isNumberish(right))) {
      throw new ExpressionError(`"${node.op}" compares a ${left} with a ${right}`, node.position);
    }
    return;
  }
  for (const [side, type] of [
    [node.left, left],
    [node.right, right],
  ] as const) {
    if (type === 'boolean' || (type === 'string' && side.kind === 'literal')) {
      throw new ExpressionError(`"${node.op}" needs numbers, not a ${type}`, side.position);
    }
  }
}

/** Attached call data are text; "3" and 3 compare as numbers. */
function isNumberish(type: StaticType): boolean {
  return type === 'number' || type === 'string';
}

/** The skill ids an expression names, in order of appearance (for highest-proficiency ranking). */
export function skillsNamed(node: Node): string[] {
  const out: string[] = [];
  const visit = (n: Node): void => {
    switch (n.kind) {
      case 'path':
        if (n.segments[0] === 'skills' && n.segments[1] && !out.includes(n.segments[1]))
          out.push(n.segments[1]);
        return;
      case 'not':
        return visit(n.operand);
      case 'and':
      case 'or':
      case 'compare':
        visit(n.left);
        visit(n.right);
        return;
      case 'call':
        n.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(node);
  return out;
}
