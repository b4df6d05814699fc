import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { callLogger, createLogger } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, destination };
}

describe('logger', () => {
  it('redacts pii fields by default and keeps the rest', () => {
    const { lines, destination } = capture();
    const log = callLogger(createLogger({ service: 'ivr-runner', destination }), {
      callId: 'c1',
      tenantId: 't1',
    });
    log.info({ nodeId: 'menu', pii: { ani: '+4930123456', digits: '1234' } }, 'input collected');
    expect(lines[0]).toMatchObject({
      msg: 'input collected',
      callId: 'c1',
      tenantId: 't1',
      nodeId: 'menu',
      pii: '[redacted]',
    });
    expect(JSON.stringify(lines[0])).not.toContain('+4930123456');
  });

  it('writes pii when the operator turned it on', () => {
    const { lines, destination } = capture();
    createLogger({ service: 'api', destination, logPii: true }).info({ pii: { ani: '+1555' } }, 'x');
    expect(lines[0]?.pii).toEqual({ ani: '+1555' });
  });
});
