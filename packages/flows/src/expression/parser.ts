import { type BinaryOp, type Expr, functionArity, isFunctionName } from './ast';
import { ExpressionError } from './expression-error';
import { tokenize, type Token } from './lexer';

// A small Pratt parser. Grammar, loosest first:
//   or:  a || b, a or b        and: a && b, a and b
//   equality: == !=            comparison: < <= > >= in
//   additive: + -              multiplicative: * / %
//   unary: ! not -             primary: literal, name(.name)*, fn(args), (expr), [list]

const binaryPower: Record<string, number> = {
  '||': 1,
  or: 1,
  '&&': 2,
  and: 2,
  '==': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  in: 4,
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};
const unaryPower = 7;
const keywordOps: Record<string, BinaryOp> = { or: '||', and: '&&', in: 'in' };
const maxDepth = 64;

export function parseExpression(source: string): Expr {
  const tokens = tokenize(source);
  let index = 0;
  let depth = 0;

  const peek = (): Token => tokens[index]!;
  const next = (): Token => tokens[index++]!;
  const expect = (text: string): Token => {
    const token = next();
    if (token.text !== text || (token.kind !== 'punct' && token.kind !== 'op')) {
      throw new ExpressionError(`expected "${text}" but found ${describe(token)}`, token.position);
    }
    return token;
  };

  function parse(minPower: number): Expr {
    if (++depth > maxDepth) throw new ExpressionError('expression nested too deeply', peek().position);
    let left = parsePrefix();
    for (;;) {
      const token = peek();
      const opText = token.kind === 'op' || token.kind === 'name' ? token.text : '';
      const power = binaryPower[opText];
      if (power === undefined || power <= minPower) break;
      next();
      const right = parse(power);
      const op = (keywordOps[opText] ?? opText) as BinaryOp;
      left = { kind: 'binary', op, left, right, position: token.position };
    }
    depth--;
    return left;
  }

  function parsePrefix(): Expr {
    const token = next();
    switch (token.kind) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: token.value!, position: token.position };
      case 'op':
        if (token.text === '!' || token.text === '-') {
          return { kind: 'unary', op: token.text, operand: parse(unaryPower), position: token.position };
        }
        break;
      case 'punct':
        if (token.text === '(') {
          const inner = parse(0);
          expect(')');
          return inner;
        }
        if (token.text === '[') return parseList(token);
        break;
      case 'name':
        return parseName(token);
      case 'end':
        throw new ExpressionError('unexpected end of expression', token.position);
    }
    throw new ExpressionError(`unexpected ${describe(token)}`, token.position);
  }

  function parseList(open: Token): Expr {
    const items: Expr[] = [];
    if (peek().text !== ']') {
      do items.push(parse(0));
      while (peek().text === ',' && next());
    }
    expect(']');
    return { kind: 'list', items, position: open.position };
  }

  function parseName(token: Token): Expr {
    switch (token.text) {
      case 'true':
        return { kind: 'literal', value: true, position: token.position };
      case 'false':
        return { kind: 'literal', value: false, position: token.position };
      case 'null':
        return { kind: 'literal', value: null, position: token.position };
      case 'not':
        return { kind: 'unary', op: '!', operand: parse(unaryPower), position: token.position };
      case 'and':
      case 'or':
      case 'in':
        throw new ExpressionError(`unexpected "${token.text}"`, token.position);
    }
    if (peek().text === '(' && peek().kind === 'punct') return parseCall(token);
    const path = [token.text];
    while (peek().kind === 'punct' && peek().text === '.') {
      next();
      const part = next();
      if (part.kind !== 'name') {
        throw new ExpressionError(`expected a name after "." but found ${describe(part)}`, part.position);
      }
      path.push(part.text);
    }
    if (peek().kind === 'punct' && peek().text === '(') {
      const names = Object.keys(functionArity).join(', ');
      throw new ExpressionError(
        `"${path.join('.')}" is not a function (functions: ${names})`,
        token.position,
      );
    }
    return { kind: 'ref', path, position: token.position };
  }

  function parseCall(token: Token): Expr {
    const name = token.text;
    if (!isFunctionName(name)) throw new ExpressionError(`unknown function "${name}"`, token.position);
    next();
    const args: Expr[] = [];
    if (peek().text !== ')') {
      do args.push(parse(0));
      while (peek().text === ',' && next());
    }
    expect(')');
    const [min, max] = functionArity[name];
    if (args.length < min || args.length > max) {
      const wanted = min === max ? `${min}` : `${min} to ${max}`;
      throw new ExpressionError(`${name}() takes ${wanted} argument(s), got ${args.length}`, token.position);
    }
    return { kind: 'call', name, args, position: token.position };
  }

  const expr = parse(0);
  const rest = peek();
  if (rest.kind !== 'end') throw new ExpressionError(`unexpected ${describe(rest)}`, rest.position);
  return expr;
}

function describe(token: Token): string {
  return token.kind === 'end' ? 'end of expression' : `"${token.text}"`;
}
