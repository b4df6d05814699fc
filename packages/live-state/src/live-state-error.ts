// One error type for both adapters. The memory adapter raises the same messages Redis sends, and
// both derive `code` from that message, so callers branch on `code` whichever adapter runs.

export type LiveStateErrorCode =
  /** A key holds another type than the command needs (Redis WRONGTYPE). */
  | 'WRONG_TYPE'
  /** A value or argument is not an integer where one is needed (INCRBY, PX, ...). */
  | 'NOT_AN_INTEGER'
  /** Any other argument Redis refuses (NaN score, expire time <= 0 on SET, ...). */
  | 'INVALID_ARGUMENT'
  /** A script failed for a reason of its own. */
  | 'SCRIPT_FAILED'
  /** The server cannot be reached or the connection dropped; trying again later may work. */
  | 'UNAVAILABLE'
  /** The adapter was closed. */
  | 'CLOSED';

export class LiveStateError extends Error {
  override readonly name = 'LiveStateError';
  readonly code: LiveStateErrorCode;
  readonly retryable: boolean;

  constructor(code: LiveStateErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.retryable = code === 'UNAVAILABLE';
  }
}

/** Classifies a Redis error reply (or the same text from the memory adapter). */
export function codeForRedisMessage(message: string): LiveStateErrorCode {
  // Inside scripts Redis 7 keeps the original prefix; Redis 6 wraps it ("ERR Error running
  // script ... WRONGTYPE ..."), hence `includes` rather than `startsWith`.
  if (message.includes('WRONGTYPE')) return 'WRONG_TYPE';
  if (/not an integer/i.test(message)) return 'NOT_AN_INTEGER';
  if (message.includes('Error running script') || message.includes('@user_script')) return 'SCRIPT_FAILED';
  return 'INVALID_ARGUMENT';
}

/** An error carrying a Redis-style message, as the memory adapter raises it. */
export function redisStyleError(message: string): LiveStateError {
  return new LiveStateError(codeForRedisMessage(message), message);
}

export const RedisMessages = {
  wrongType: 'WRONGTYPE Operation against a key holding the wrong kind of value',
  notInteger: 'ERR value is not an integer or out of range',
  hashNotInteger: 'ERR hash value is not an integer',
  notFloat: 'ERR value is not a valid float',
  overflow: 'ERR increment or decrement would overflow',
  invalidSetExpire: "ERR invalid expire time in 'set' command",
  wrongArgs: (command: string) => `ERR wrong number of arguments for '${command}' command`,
} as const;
