import { HotlineError, type FieldError } from '@hotline/platform';
import type { z } from 'zod';

/** A zod path as the problem's field: slash-separated ("skills/0/proficiency"). */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  return [prefix, ...path.map(String)].filter((p) => p !== '').join('/');
}

/** Every zod issue as a field error; each unknown key is named on its own. */
export function fieldErrorsOf(error: z.ZodError, prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({ field: fieldPath([...issue.path, key], prefix), message: 'unknown field' });
      }
    } else {
      out.push({ field: fieldPath(issue.path, prefix) || '(body)', message: issue.message });
    }
  }
  return out;
}

export function validationFailed(message: string, fields: FieldError[]): HotlineError {
  return new HotlineError('validation_failed', message, { fields });
}

/** Parses or throws a 422 naming every bad field. */
export function parseOr422<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  prefix = '',
): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationFailed(`${what} is invalid`, fieldErrorsOf(result.error, prefix));
  return result.data;
}

/** Query strings and headers are the client's framing, not the resource: a 400 names them. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HotlineError('bad_request', `${what} is invalid`, { fields: fieldErrorsOf(result.error) });
  }
  return result.data;
}
