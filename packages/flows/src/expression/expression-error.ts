/** An expression that does not parse or cannot be evaluated; `position` is a 0-based column. */
export class ExpressionError extends Error {
  readonly code = 'invalid_expression';
  readonly retryable = false;
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'ExpressionError';
  }
}
