export * from './ast';
export * from './expression-error';
export { parseExpression } from './parser';
export { evaluate, truthy, toText, type Resolve } from './evaluate';
export { renderTemplate, parseTemplate, type TemplatePart } from './template';
