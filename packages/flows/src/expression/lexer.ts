import { ExpressionError } from './expression-error';

// The condition language is parsed, never eval'd: flow documents come from tenants, so the only
// things an expression can do are the operators and functions listed here.

export type TokenKind = 'number' | 'string' | 'name' | 'op' | 'punct' | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** The literal value of number and string tokens. */
  value?: number | string;
  position: number;
}

const twoCharOps = ['==', '!=', '<=', '>=', '&&', '||'];
const oneCharOps = ['<', '>', '!', '+', '-', '*', '/', '%'];
const punctuation = ['(', ')', ',', '.', '[', ']'];
const maxLength = 2000;

export function tokenize(source: string): Token[] {
  if (source.length > maxLength) throw new ExpressionError(`longer than ${maxLength} characters`, maxLength);
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(ch)) {
      while (i < source.length && /[0-9]/.test(source[i]!)) i++;
      if (source[i] === '.' && /[0-9]/.test(source[i + 1] ?? '')) {
        i++;
        while (i < source.length && /[0-9]/.test(source[i]!)) i++;
      }
      const text = source.slice(start, i);
      tokens.push({ kind: 'number', text, value: Number(text), position: start });
      continue;
    }
    if (ch === "'" || ch === '"') {
      i++;
      let value = '';
      while (i < source.length && source[i] !== ch) {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        value += source[i];
        i++;
      }
      if (i >= source.length) throw new ExpressionError('unterminated string', start);
      i++;
      tokens.push({ kind: 'string', text: source.slice(start, i), value, position: start });
      continue;
    }
    if (/[A-Za-z_$]/.test(ch)) {
      while (i < source.length && /[A-Za-z0-9_$]/.test(source[i]!)) i++;
      tokens.push({ kind: 'name', text: source.slice(start, i), position: start });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (twoCharOps.includes(two)) {
      tokens.push({ kind: 'op', text: two, position: start });
      i += 2;
      continue;
    }
    if (oneCharOps.includes(ch)) {
      tokens.push({ kind: 'op', text: ch, position: start });
      i++;
      continue;
    }
    if (punctuation.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, position: start });
      i++;
      continue;
    }
    throw new ExpressionError(`unexpected character "${ch}"`, start);
  }
  tokens.push({ kind: 'end', text: '', position: source.length });
  return tokens;
}
