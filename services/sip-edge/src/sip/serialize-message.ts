import { wireHeaderName, type SipMessage } from './sip-message';

/** Writes a message for the wire; Content-Length always matches the body. */
export function serializeMessage(message: SipMessage): Buffer {
  const lines: string[] = [
    message.kind === 'request'
      ? `${message.method} ${message.uri} SIP/2.0`
      : `SIP/2.0 ${message.status} ${message.reason}`,
  ];
  for (const [name, value] of message.headers) {
    if (name === 'content-length') continue;
    lines.push(`${wireHeaderName(name)}: ${value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`, '', '');
  const head = Buffer.from(lines.join('\r\n'), 'utf8');
  return message.body.length > 0 ? Buffer.concat([head, message.body]) : head;
}
