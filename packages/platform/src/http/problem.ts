import type { ErrorRequestHandler, Response } from 'express';
import { HotlineError, errorTable, type ErrorCode, type FieldError } from '../errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
}

export function problemOf(err: unknown, instance?: string): Problem {
  const e =
    err instanceof HotlineError
      ? err
      : (bodyParserError(err) ?? new HotlineError('internal', 'internal error', { cause: err }));
  return {
    type: `https://hotline.dev/problems/${e.code.replace(/_/g, '-')}`,
    title: errorTable[e.code].title,
    status: e.status,
    detail: e.message,
    code: e.code,
    ...(instance ? { instance } : {}),
    ...(e.fields.length > 0 ? { errors: e.fields } : {}),
  };
}

export function sendProblem(res: Response, err: unknown): void {
  const problem = problemOf(err, res.req?.originalUrl);
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** Express's body parser throws plain errors with a `type`; map them to our table. */
function bodyParserError(err: unknown): HotlineError | undefined {
  if (!err || typeof err !== 'object' || !('type' in err)) return undefined;
  switch (err.type) {
    case 'entity.too.large':
      return new HotlineError('payload_too_large', 'request body is too large', { cause: err });
    case 'entity.parse.failed':
      return new HotlineError('bad_request', 'request body is not valid JSON', { cause: err });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HotlineError('bad_request', 'unsupported body encoding', { cause: err });
    default:
      return undefined;
  }
}

/** The last middleware: every error leaves as problem+json; 5xx are logged with their cause. */
export function problemHandler(onServerError: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const problem = problemOf(err);
    if (problem.status >= 500) onServerError(err);
    sendProblem(res, err);
  };
}
