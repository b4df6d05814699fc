// Health check for the local Kamailio: one SIP OPTIONS over UDP, success on a 200 reply.
//   node sip-ping.mjs HOST PORT [TIMEOUT_MS]
// Exit 0 on 200, 1 on another reply or silence (the status line, if any, goes to stderr).
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { setTimeout } from 'node:timers';

const [host = '127.0.0.1', portText = '5460', timeoutText = '1000'] = process.argv.slice(2);
const port = Number(portText);
const socket = createSocket('udp4');
const tag = randomBytes(6).toString('hex');

socket.on('message', (data) => {
  const status = data.toString('utf8').split('\r\n', 1)[0] ?? '';
  if (/^SIP\/2\.0 200 /.test(status)) {
    socket.close();
    process.exit(0);
  }
  if (/^SIP\/2\.0 1\d\d /.test(status)) return;
  process.stderr.write(`${status}\n`);
  socket.close();
  process.exit(1);
});

socket.bind(0, '127.0.0.1', () => {
  const local = socket.address();
  const message = [
    `OPTIONS sip:${host}:${port} SIP/2.0`,
    `Via: SIP/2.0/UDP ${local.address}:${local.port};branch=z9hG4bK${tag};rport`,
    'Max-Forwards: 70',
    `From: <sip:health@${local.address}>;tag=${tag}`,
    `To: <sip:${host}:${port}>`,
    `Call-ID: ping-${tag}@${local.address}`,
    'CSeq: 1 OPTIONS',
    'User-Agent: hotline-infra-ping',
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  socket.send(message, port, host);
});

setTimeout(() => {
  process.stderr.write(`no reply from ${host}:${port}\n`);
  process.exit(1);
}, Number(timeoutText)).unref();
