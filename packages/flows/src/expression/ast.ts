export type Value = string | number | boolean | null | Value[];

export type Expr =
  | { kind: 'literal'; value: Value; position: number }
  | { kind: 'ref'; path: string[]; position: number }
  | { kind: 'list'; items: Expr[]; position: number }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; position: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; position: number }
  | { kind: 'call'; name: FunctionName; args: Expr[]; position: number };

export type BinaryOp =
  '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | '+' | '-' | '*' | '/' | '%';

/** Functions an expression may call, with how many arguments each takes ([min, max]). */
export const functionArity = {
  len: [1, 1],
  lower: [1, 1],
  upper: [1, 1],
  trim: [1, 1],
  number: [1, 1],
  string: [1, 1],
  startsWith: [2, 2],
  endsWith: [2, 2],
  contains: [2, 2],
  substr: [2, 3],
  coalesce: [1, 8],
} as const satisfies Record<string, readonly [number, number]>;

export type FunctionName = keyof typeof functionArity;

export function isFunctionName(name: string): name is FunctionName {
  return Object.hasOwn(functionArity, name);
}
