// Compiled target expressions: closures over the parsed tree, evaluated once per candidate agent.
// `validateTargetExpression` is what the API calls on a tenant's input before storing it.

import { ExpressionError } from './expression-error';
import { type CompareOp, type Node, parseExpression, skillsNamed } from './expression-parser';
import type { AgentProfile, AttributeValue, CallSpec } from './types';

export interface EvaluationContext {
  agent: AgentProfile;
  call: CallSpec;
}

type Value = AttributeValue | number[] | (number | string)[] | null;
type Evaluator = (ctx: EvaluationContext) => Value;

export interface CompiledExpression {
  readonly source: string;
  /** Skill ids the expression names, in order: the default ranking skill of highest-proficiency. */
  readonly skills: readonly string[];
  /** Whether the agent matches for this call. Never throws: a missing attribute simply does not match. */
  matches(ctx: EvaluationContext): boolean;
}

export type ExpressionValidation =
  { ok: true; skills: string[] } | { ok: false; message: string; position: number; reason: string };

/** Checks a tenant's expression without running it: the message names the position of the fault. */
export function validateTargetExpression(text: string): ExpressionValidation {
  try {
    return { ok: true, skills: skillsNamed(parseExpression(text)) };
  } catch (error) {
    if (error instanceof ExpressionError) {
      return { ok: false, message: error.message, position: error.position, reason: error.reason };
    }
    throw error;
  }
}

const cache = new Map<string, CompiledExpression>();
const cacheLimit = 10_000;

/** Parses and compiles (cached by text); throws ExpressionError on a bad expression. */
export function compileExpression(source: string): CompiledExpression {
  const cached = cache.get(source);
  if (cached) return cached;
  const tree = parseExpression(source);
  const evaluate = compile(tree);
  const compiled: CompiledExpression = {
    source,
    skills: skillsNamed(tree),
    matches: (ctx) => evaluate(ctx) === true,
  };
  if (cache.size >= cacheLimit) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

function compile(node: Node): Evaluator {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'list': {
      const items = node.items;
      return () => items;
    }
    case 'path':
      return compilePath(node.segments);
    case 'not': {
      const operand = compile(node.operand);
      return (ctx) => operand(ctx) !== true;
    }
    case 'and': {
      const left = compile(node.left);
      const right = compile(node.right);
      return (ctx) => left(ctx) === true && right(ctx) === true;
    }
    case 'or': {
      const left = compile(node.left);
      const right = compile(node.right);
      return (ctx) => left(ctx) === true || right(ctx) === true;
    }
    case 'compare': {
      const left = compile(node.left);
      const right = compile(node.right);
      const op = node.op;
      return (ctx) => compare(op, left(ctx), right(ctx));
    }
    case 'call': {
      if (node.name === 'has') {
        const target = compile(node.args[0] as Node);
        const isSkill = (node.args[0] as Extract<Node, { kind: 'path' }>).segments[0] === 'skills';
        return (ctx) => {
          const value = target(ctx);
          return isSkill ? typeof value === 'number' && value > 0 : value !== null;
        };
      }
      const arg = node.args[0];
      const relax = arg && arg.kind === 'literal' ? Number(arg.value) : 0;
      return (ctx) =>
        ctx.call.requiredSkills.every(
          ({ skill, minLevel }) => (ctx.agent.skills[skill] ?? 0) >= Math.min(minLevel - relax, 5),
        );
    }
  }
}

function compilePath(segments: string[]): Evaluator {
  const [head, second, third] = segments as [string, string | undefined, string | undefined];
  if (head === 'skills') {
    const skill = second as string;
    return (ctx) => ctx.agent.skills[skill] ?? 0;
  }
  if (head === 'call') {
    if (second === 'priority') return (ctx) => ctx.call.priority;
    if (second === 'skills') {
      const skill = third as string;
      return (ctx) => ctx.call.requiredSkills.find((s) => s.skill === skill)?.minLevel ?? 0;
    }
    const key = second as string;
    return (ctx) => (Object.hasOwn(ctx.call.attached, key) ? (ctx.call.attached[key] as string) : null);
  }
  return (ctx) =>
    Object.hasOwn(ctx.agent.attributes, head) ? (ctx.agent.attributes[head] as AttributeValue) : null;
}

/** Numbers compare as numbers; text that spells a number compares with a number (IVR data is text). */
function asNumber(value: Value): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
    return Number(value);
  return null;
}

function equal(a: Value, b: Value): boolean {
  if (a === null || b === null) return false;
  if (typeof a === 'number' || typeof b === 'number') {
    const x = asNumber(a);
    const y = asNumber(b);
    return x !== null && x === y;
  }
  return a === b;
}

function compare(op: CompareOp, a: Value, b: Value): boolean {
  switch (op) {
    case '==':
      return equal(a, b);
    case '!=':
      return !equal(a, b);
    case 'in': {
      const list = Array.isArray(b) ? (b as Value[]) : [];
      if (Array.isArray(a)) return a.some((x) => list.some((y) => equal(x, y)));
      return list.some((y) => equal(a, y));
    }
    case 'contains':
      if (Array.isArray(a)) return (a as Value[]).some((x) => equal(x, b));
      return typeof a === 'string' && typeof b === 'string' && a.includes(b);
    default: {
      const x = asNumber(a);
      const y = asNumber(b);
      if (x === null || y === null) return false;
      if (op === '<') return x < y;
      if (op === '<=') return x <= y;
      if (op === '>') return x > y;
      return x >= y;
    }
  }
}
