import { describe, expect, it } from 'vitest';
import type { Value } from './ast';
import { evaluate } from './evaluate';
import { ExpressionError } from './expression-error';
import { parseExpression } from './parser';
import { renderTemplate } from './template';

const data: Record<string, Value> = {
  'call.ani': '+4930123456',
  choice: '1',
  tier: 'gold',
  balance: '120.5',
  attempts: 2,
};
const resolve = (path: string[]) => data[path.join('.')] ?? null;
const run = (source: string) => evaluate(parseExpression(source), resolve);

describe('condition expressions', () => {
  it.each<[string, Value]>([
    ["tier == 'gold'", true],
    ['choice == 1', true],
    ['balance > 100 && attempts < 3', true],
    ["tier == 'silver' or not (attempts >= 3)", true],
    ["startsWith(call.ani, '+49')", true],
    ["tier in ['gold', 'platinum']", true],
    ['1 + 2 * 3', 7],
    ["'caller ' + attempts", 'caller 2'],
    ['missing == null', true],
    ['len(call.ani)', 11],
    ["coalesce(missing, 'none')", 'none'],
    ['-attempts + 5 % 3', 0],
  ])('%s evaluates to %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it.each([
    ["tier == 'gold", 'unterminated string at position 8'],
    ['tier ==', 'unexpected end of expression at position 7'],
    ['eval(tier)', 'unknown function "eval" at position 0'],
    ['len(a, b)', 'len() takes 1 argument(s), got 2 at position 0'],
    ['tier = 1', 'unexpected character "=" at position 5'],
    ['(a && b', 'expected ")" but found end of expression at position 7'],
    ['a b', 'unexpected "b" at position 2'],
    ['process.exit()', '"process.exit" is not a function'],
  ])('refuses %s, naming the position', (source, message) => {
    expect(() => parseExpression(source)).toThrow(message);
  });

  it('reports arithmetic on text at evaluation with its position', () => {
    try {
      run('tier * 2');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      expect((err as ExpressionError).position).toBe(5);
    }
  });

  it('renders templates, escaping only the holes', () => {
    expect(renderTemplate('https://crm/x?phone={{ call.ani }}&t={{tier}}', resolve, encodeURIComponent)).toBe(
      'https://crm/x?phone=%2B4930123456&t=gold',
    );
    expect(() => renderTemplate('Hello {{ tier ', resolve)).toThrow('without a closing');
  });
});
