// The API answers errors as RFC 9457 problem+json ({ type, title, status, detail, code, errors }).
// Here they become one error type with a message an agent can read.

export interface FieldProblem {
  field: string;
  message: string;
}

export type ApiErrorKind =
  | 'session-expired'
  | 'forbidden'
  | 'not-found'
  | 'invalid'
  | 'conflict'
  | 'unavailable'
  | 'network'
  | 'server';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status: number,
    readonly fields: FieldProblem[] = [],
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function kindOf(status: number): ApiErrorKind {
  if (status === 401) return 'session-expired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429 || status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'server';
}

function defaultMessage(kind: ApiErrorKind, status: number): string {
  switch (kind) {
    case 'session-expired':
      return 'Your session has ended. Please sign in again.';
    case 'forbidden':
      return 'You are not allowed to do that.';
    case 'not-found':
      return 'That no longer exists.';
    case 'invalid':
      return 'The request was not accepted.';
    case 'conflict':
      return 'Someone changed this at the same time; try again.';
    case 'unavailable':
      return 'The server is busy or unavailable; try again in a moment.';
    case 'network':
      return 'Cannot reach the server. Check your connection.';
    case 'server':
      return `The server failed (HTTP ${status}).`;
  }
}

/** Builds the error for a non-2xx answer from its status and (possibly absent) body. */
export function apiErrorOf(status: number, body: unknown, opts: { signedIn?: boolean } = {}): ApiError {
  // A 401 to a request without a session (the sign-in itself) means wrong credentials.
  const kind = status === 401 && opts.signedIn === false ? 'invalid' : kindOf(status);
  const p = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const detail = typeof p.detail === 'string' && p.detail.length > 0 ? p.detail : null;
  const fields = Array.isArray(p.errors)
    ? p.errors.flatMap((e: unknown) => {
        const f = e as Record<string, unknown> | null;
        return f && typeof f.field === 'string' && typeof f.message === 'string'
          ? [{ field: f.field, message: f.message }]
          : [];
      })
    : [];
  const base =
    kind === 'session-expired'
      ? defaultMessage(kind, status)
      : kind === 'server'
        ? defaultMessage(kind, status)
        : (detail ?? defaultMessage(kind, status));
  const message =
    fields.length > 0 ? `${base}: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}` : base;
  return new ApiError(kind, message, status, fields, typeof p.code === 'string' ? p.code : undefined);
}

export function networkError(cause: unknown): ApiError {
  const e = new ApiError('network', defaultMessage('network', 0), 0);
  (e as { cause?: unknown }).cause = cause;
  return e;
}

/** A message for anything thrown while talking to the API or the phone. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
