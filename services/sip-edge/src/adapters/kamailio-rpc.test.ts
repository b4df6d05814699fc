import http from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KamailioRpc, KamailioRpcError } from './directory';

// A stand-in for Kamailio's xhttp + jsonrpcs on loopback.
let server: http.Server;
let rpc: KamailioRpc;
let requests: { method: string; params: unknown; token: string | undefined }[];
let respond: (method: string, res: http.ServerResponse, socketRequests: number) => void;
const perSocket = new WeakMap<Socket, number>();

beforeEach(async () => {
  requests = [];
  respond = (_method, res) => res.end(JSON.stringify({ jsonrpc: '2.0', result: { ok: true }, id: 1 }));
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const parsed = JSON.parse(body) as { method: string; params: unknown };
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      requests.push({
        method: parsed.method,
        params: parsed.params,
        token: req.headers['x-hotline-edge-token'] as string | undefined,
      });
      respond(parsed.method, res, n);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  rpc = new KamailioRpc({ url: `http://127.0.0.1:${port}/RPC`, token: 'secret', timeoutMs: 300 });
});

afterEach(async () => {
  rpc.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('KamailioRpc', () => {
  it('posts a JSON-RPC request with the edge token and resolves its result', async () => {
    expect(await rpc.call('ul.lookup', ['location', 'ann@acme'])).toEqual({ ok: true });
    expect(requests).toEqual([{ method: 'ul.lookup', params: ['location', 'ann@acme'], token: 'secret' }]);
  });

  it('rejects a JSON-RPC error as KamailioRpcError with its code', async () => {
    respond = (_m, res) =>
      res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: 404, message: 'AOR not found' } }));
    const err = await rpc.call('ul.lookup', ['location', 'nobody@acme']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KamailioRpcError);
    expect(err).toMatchObject({ rpcCode: 404, message: 'Kamailio RPC ul.lookup: AOR not found' });
  });

  it('rejects an HTTP error status with the status', async () => {
    respond = (_m, res) => {
      res.statusCode = 403;
      res.end('forbidden');
    };
    await expect(rpc.call('core.uptime')).rejects.toThrow('Kamailio RPC core.uptime: HTTP 403');
  });

  it('gives up after the timeout when Kamailio does not answer', async () => {
    respond = () => undefined;
    await expect(rpc.call('core.uptime')).rejects.toThrow('did not answer within 300 ms');
  });

  it('asks again on a fresh connection when a kept-alive one turns out closed', async () => {
    // The second request on any connection finds it closed, as when Kamailio drops an idle one.
    respond = (_m, res, socketRequests) => {
      if (socketRequests >= 2) res.socket?.destroy();
      else res.end(JSON.stringify({ jsonrpc: '2.0', result: socketRequests, id: 1 }));
    };
    expect(await rpc.call('core.uptime')).toBe(1);
    expect(await rpc.call('core.uptime')).toBe(1);
    expect(requests).toHaveLength(3);
  });
});
