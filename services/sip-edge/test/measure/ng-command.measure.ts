// Per-call main-thread costs in sip-edge's adapters:
//   cd services/sip-edge && npx tsx test/measure/ng-command.measure.ts [commands=4000]
// - rtpengine ng `command()` (bencode + cookie + resend timers), against a stand-in rtpengine in a
//   child process (its CPU is not counted): client CPU per command.
// - Kamailio JSON-RPC `ul.lookup` over node:http keep-alive, against fetch() doing the same call
//   (what the edge used before), both against a stand-in JSON-RPC server in a child process.
// - call/leg ids: randomBytes(8) per id against the pooled randomHex(8).
// (The old ng client was compared too when the change was made: 53-70 -> 30-34 µs per command,
// docs/benchmarks/journey-*.md notes; its copy is not kept.)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { KamailioRpc } from '../../src/adapters/directory';
import { randomHex } from '../../src/edge/random-hex';
import { NgClient } from '../../src/rtpengine/ng-client';

const n = Number(process.argv[2] ?? 4000);

const STAND_INS = `
const dgram = require('node:dgram');
const http = require('node:http');
const ng = dgram.createSocket('udp4');
ng.on('message', (data, rinfo) => {
  const space = data.indexOf(0x20);
  ng.send(Buffer.concat([data.subarray(0, space + 1), Buffer.from('d6:result2:oke')]), rinfo.port, rinfo.address);
});
const rpc = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.end('{"jsonrpc":"2.0","result":{"AoR":"ann@acme","Contacts":[{"Contact":{"Address":"sip:ann@10.0.0.5:5060;transport=udp"}}]},"id":1}'));
});
ng.bind(0, '127.0.0.1', () => rpc.listen(0, '127.0.0.1', () => process.send({ ng: ng.address().port, rpc: rpc.address().port })));
process.on('disconnect', () => process.exit(0));
`;
const child = spawn(process.execPath, ['-e', STAND_INS], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const ports = await new Promise<{ ng: number; rpc: number }>((r) =>
  child.once('message', (m) => r(m as never)),
);
const target = { host: '127.0.0.1', port: ports.ng };

const sdp = [
  'v=0',
  'o=- 1545997027 1 IN IP4 127.0.0.1',
  's=hotline',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 40000 RTP/AVP 8 0 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=sendrecv',
  '',
].join('\r\n');
const offerArgs = {
  'call-id': 'call-0123456789abcdef',
  'from-tag': 'caller',
  flags: ['port latching'],
  replace: ['origin', 'session-connection'],
  ICE: 'remove',
  'transport-protocol': 'RTP/AVP',
  'rtcp-mux': ['demux'],
  codec: { mask: ['all'], strip: ['all'], offer: ['PCMA'] },
  sdp,
};

/** Client-side CPU (µs) per awaited operation, 16 in flight at a time. */
async function perOp(op: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 300; i++) await op();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i += 16) await Promise.all(Array.from({ length: 16 }, op));
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / n;
}

const newNg = await NgClient.open();
const rpc = new KamailioRpc({ url: `http://127.0.0.1:${ports.rpc}/RPC`, token: 't' });
const rpcUrl = `http://127.0.0.1:${ports.rpc}/RPC`;
const viaFetch = async (): Promise<unknown> => {
  // The KamailioRpc.call of before, verbatim in what it does.
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hotline-edge-token': 't' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'ul.lookup', params: ['location', 'ann@acme'], id: 1 }),
    signal: AbortSignal.timeout(1500),
  });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return ((await response.json()) as { result?: unknown }).result;
};

for (let round = 1; round <= 2; round++) {
  const newCmd = await perOp(() => newNg.command(target, 'offer', offerArgs));
  const oldRpc = await perOp(viaFetch);
  const newRpc = await perOp(() => rpc.call('ul.lookup', ['location', 'ann@acme']));
  const ids = 200_000;
  let t = performance.now();
  for (let i = 0; i < ids; i++) void `call-${randomBytes(8).toString('hex')}`;
  const oldId = ((performance.now() - t) * 1000) / ids;
  t = performance.now();
  for (let i = 0; i < ids; i++) void `call-${randomHex(8)}`;
  const newId = ((performance.now() - t) * 1000) / ids;
  console.log(
    `round ${round}: ng offer command ${newCmd.toFixed(1)} µs CPU` +
      ` | Kamailio ul.lookup ${oldRpc.toFixed(1)} -> ${newRpc.toFixed(1)} µs CPU` +
      ` | id ${oldId.toFixed(2)} -> ${newId.toFixed(2)} µs`,
  );
}
await newNg.close();
rpc.close();
child.disconnect();
