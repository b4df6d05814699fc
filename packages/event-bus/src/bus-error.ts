export type EventBusErrorCode =
  /** The bus or subscription was closed; nothing more can be published or consumed on it. */
  | 'closed'
  /** The broker could not be reached or refused the request; trying again later may work. */
  | 'unavailable'
  /** A subscriber did not get into its consumer group in time. */
  | 'join_timeout'
  /** The caller passed something the bus cannot accept (empty topic, bad partition count). */
  | 'invalid_argument';

export class EventBusError extends Error {
  override readonly name = 'EventBusError';
  readonly retryable: boolean;

  constructor(
    readonly code: EventBusErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryable = code === 'unavailable' || code === 'join_timeout';
  }
}
