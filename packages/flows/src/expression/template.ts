import type { Expr } from './ast';
import { evaluate, toText, type Resolve } from './evaluate';
import { ExpressionError } from './expression-error';
import { parseExpression } from './parser';

// Text with `{{ expression }}` holes: TTS prompts ("Hello {{ customer.name }}"), CRM URLs, and
// numbers to dial. Holes use the condition language, so they are as safe as conditions.

export type TemplatePart = { text: string } | { expr: Expr; source: string };

export function parseTemplate(source: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let i = 0;
  while (i < source.length) {
    const open = source.indexOf('{{', i);
    if (open < 0) {
      parts.push({ text: source.slice(i) });
      break;
    }
    if (open > i) parts.push({ text: source.slice(i, open) });
    const close = source.indexOf('}}', open + 2);
    if (close < 0) throw new ExpressionError('"{{" without a closing "}}"', open);
    const inner = source.slice(open + 2, close);
    try {
      parts.push({ expr: parseExpression(inner), source: inner });
    } catch (err) {
      if (err instanceof ExpressionError) {
        throw new ExpressionError(err.message.replace(/ at position \d+$/, ''), open + 2 + err.position);
      }
      throw err;
    }
    i = close + 2;
  }
  return parts;
}

export function renderTemplate(
  source: string,
  resolve: Resolve,
  escape: (text: string) => string = (t) => t,
): string {
  return parseTemplate(source)
    .map((part) => ('text' in part ? part.text : escape(toText(evaluate(part.expr, resolve)))))
    .join('');
}
