import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;

/**
 * A bare JsSIP softphone page (no desk, no API): registers with a SIP URI + HA1 over WSS and
 * answers every incoming call at once. It proves the browser media path (Chromium ↔ Kamailio WSS ↔
 * rtpengine ↔ the edge) on its own, apart from the web client. State is on `window.softphone`.
 */
const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>softphone</title></head>
<body><p id="status">starting</p><script src="/jssip.js"></script><script>
  const q = new URLSearchParams(location.search);
  const phone = (window.softphone = { registered: false, failures: [], calls: [] });
  const status = document.getElementById('status');
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(q.get('ws'))],
    uri: q.get('uri'),
    realm: q.get('realm'),
    ha1: q.get('ha1'),
    register: true,
    session_timers: false,
    user_agent: 'hotline-test-softphone',
  });
  ua.on('registered', () => { phone.registered = true; status.textContent = 'registered'; });
  ua.on('registrationFailed', (e) => { phone.failures.push(e.cause); status.textContent = 'failed: ' + e.cause; });
  ua.on('newRTCSession', (e) => {
    if (e.originator !== 'remote') return;
    const call = { state: 'ringing', cause: null };
    phone.calls.push(call);
    e.session.on('sdp', (x) => console.log('sdp ' + x.originator + ' ' + x.type + '\\n' + x.sdp));
    e.session.on('reinvite', () => console.log('re-INVITE'));
    e.session.on('confirmed', () => { call.state = 'confirmed'; });
    e.session.on('ended', (x) => { call.state = 'ended'; call.cause = x.cause; });
    e.session.on('failed', (x) => { call.state = 'failed'; call.cause = x.cause; });
    e.session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
  });
  ua.start();
</script></body></html>`;

export interface SoftphonePage {
  /** The page URL for a SIP account: `?ws=&uri=&realm=&ha1=`. */
  url(account: { ws: string; uri: string; realm: string; ha1: string }): string;
  close(): Promise<void>;
}

export async function serveSoftphonePage(): Promise<SoftphonePage> {
  // jssip ships CommonJS only: bundle it for the page (as the lab did), exposing window.JsSIP.
  const bundle = await build({
    stdin: { contents: "import JsSIP from 'jssip'; window.JsSIP = JsSIP;", resolveDir: root },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.contents;
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/jssip.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (account) => `http://127.0.0.1:${port}/?${new URLSearchParams(account).toString()}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
