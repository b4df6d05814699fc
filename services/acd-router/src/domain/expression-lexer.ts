// Tokens of the target expression language. Positions are 0-based offsets into the text, so an
// error can point at the character a tenant typed wrong.

import { ExpressionError } from './expression-error';

export type TokenKind =
  | 'number'
  | 'string'
  | 'ident'
  | 'op'
  | 'lparen'
  | 'rparen'
  | 'lbracket'
  | 'rbracket'
  | 'comma'
  | 'dot'
  | 'end';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Parsed value of number and string tokens. */
  value?: number | string;
  position: number;
}

const operators = ['&&', '||', '==', '!=', '<=', '>=', '<', '>', '!'] as const;
const single: Record<string, TokenKind> = {
  '(': 'lparen',
  ')': 'rparen',
  '[': 'lbracket',
  ']': 'rbracket',
  ',': 'comma',
  '.': 'dot',
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (/[0-9]/.test(c)) {
      const match = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i)) as RegExpExecArray;
      i += match[0].length;
      if (i < text.length && /[A-Za-z_]/.test(text[i] as string)) {
        throw new ExpressionError(`unexpected "${text[i]}" after the number ${match[0]}`, i);
      }
      tokens.push({ kind: 'number', text: match[0], value: Number(match[0]), position: start });
      continue;
    }
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new ExpressionError('unterminated string', start);
        const d = text[i] as string;
        if (d === c) break;
        if (d === '\\') {
          const next = text[i + 1];
          if (next === undefined) throw new ExpressionError('unterminated string', start);
          if (next !== c && next !== '\\') throw new ExpressionError(`unknown escape "\\${next}"`, i);
          value += next;
          i += 2;
          continue;
        }
        value += d;
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text: text.slice(start, i), value, position: start });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      i += match[0].length;
      tokens.push({ kind: 'ident', text: match[0], position: start });
      continue;
    }
    const op = operators.find((o) => text.startsWith(o, i));
    if (op) {
      i += op.length;
      tokens.push({ kind: 'op', text: op, position: start });
      continue;
    }
    const kind = single[c];
    if (kind) {
      i++;
      tokens.push({ kind, text: c, position: start });
      continue;
    }
    if (c === '=' || c === '&' || c === '|') {
      throw new ExpressionError(`unexpected "${c}" (did you mean "${c}${c}"?)`, start);
    }
    throw new ExpressionError(`unexpected character "${c}"`, start);
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}
