import { describe, expect, it } from 'vitest';
import { microphoneProblem } from './media-errors';

describe('microphone problems', () => {
  it('a denied permission is "blocked" and says where to allow it', () => {
    const p = microphoneProblem(Object.assign(new Error('x'), { name: 'NotAllowedError' }));
    expect(p.kind).toBe('blocked');
    expect(p.message).toMatch(/address bar/);
  });

  it('no device is "missing"; a device in use is "busy"', () => {
    expect(microphoneProblem({ name: 'NotFoundError' }).kind).toBe('missing');
    expect(microphoneProblem({ name: 'NotReadableError' }).kind).toBe('busy');
  });

  it('anything else keeps its name in the message', () => {
    expect(microphoneProblem({ name: 'StrangeError' }).message).toMatch(/StrangeError/);
    expect(microphoneProblem('boom').kind).toBe('unknown');
  });
});
