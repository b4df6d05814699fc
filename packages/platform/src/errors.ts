// One table of error codes: what each means for an HTTP caller and whether trying again helps.
// HTTP handlers turn any HotlineError into RFC 9457 problem+json in one place (http/problem.ts).

export const errorTable = {
  bad_request: { status: 400, title: 'Bad request', retryable: false },
  validation_failed: { status: 422, title: 'Validation failed', retryable: false },
  unauthenticated: { status: 401, title: 'Authentication required', retryable: false },
  forbidden: { status: 403, title: 'Forbidden', retryable: false },
  not_found: { status: 404, title: 'Not found', retryable: false },
  conflict: { status: 409, title: 'Conflict', retryable: false },
  precondition_failed: { status: 412, title: 'Precondition failed', retryable: false },
  payload_too_large: { status: 413, title: 'Payload too large', retryable: false },
  rate_limited: { status: 429, title: 'Too many requests', retryable: true },
  unavailable: { status: 503, title: 'Service unavailable', retryable: true },
  internal: { status: 500, title: 'Internal error', retryable: true },
} as const;

export type ErrorCode = keyof typeof errorTable;

export interface FieldError {
  /** JSON-pointer-like path of the offending field ("skills/0/level"). */
  field: string;
  message: string;
}

export class HotlineError extends Error {
  readonly status: number;
  readonly retryable: boolean;
  readonly fields: FieldError[];
  constructor(
    readonly code: ErrorCode,
    message: string,
    options: { cause?: unknown; fields?: FieldError[]; retryable?: boolean } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'HotlineError';
    this.status = errorTable[code].status;
    this.retryable = options.retryable ?? errorTable[code].retryable;
    this.fields = options.fields ?? [];
  }
}

/** Whether an error is worth retrying: typed errors say so; unknown errors are assumed transient. */
export function isRetryable(err: unknown): boolean {
  if (err && typeof err === 'object' && 'retryable' in err && typeof err.retryable === 'boolean') {
    return err.retryable;
  }
  return true;
}
