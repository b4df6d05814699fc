/** A target expression that does not parse or cannot be evaluated; names where it went wrong. */
export class ExpressionError extends Error {
  readonly code = 'invalid_expression';
  readonly retryable = false;
  constructor(
    readonly reason: string,
    /** 0-based offset into the expression text. */
    readonly position: number,
  ) {
    super(`${reason} at position ${position}`);
    this.name = 'ExpressionError';
  }
}
