import { describe, expect, it } from 'vitest';
import { HotlineError } from '../errors';
import { problemOf } from './problem';

describe('problem+json', () => {
  it('maps a typed error with field errors to its status and lists the fields', () => {
    const problem = problemOf(
      new HotlineError('validation_failed', 'queue is invalid', {
        fields: [{ field: 'maxWait', message: 'must be >= 0' }],
      }),
      '/v1/queues',
    );
    expect(problem).toMatchObject({ status: 422, code: 'validation_failed', instance: '/v1/queues' });
    expect(problem.errors).toEqual([{ field: 'maxWait', message: 'must be >= 0' }]);
  });

  it('hides the details of an unknown error behind a 500', () => {
    const problem = problemOf(new Error('db password is hunter2'));
    expect(problem.status).toBe(500);
    expect(problem.detail).not.toContain('hunter2');
  });

  it('maps an oversize body to 413', () => {
    expect(problemOf(Object.assign(new Error('too large'), { type: 'entity.too.large' })).status).toBe(413);
  });
});
