import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { performHttpLookup } from './http-lookup';
import { flowOf, simulate } from './test-support';

// A stand-in CRM on loopback: the lookup node really goes over HTTP.
let server: Server;
let host: string;
const seen: { url: string; method: string; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', method: req.method ?? '', body });
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/customers') {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            name: 'Ada Lovelace',
            tier: 'gold',
            accounts: [{ id: 'acc-9' }],
            phone: url.searchParams.get('phone'),
          }),
        );
      } else if (url.pathname === '/slow') {
        setTimeout(() => res.end('{}'), 1000);
      } else if (url.pathname === '/html') {
        res.end('<html>not json</html>');
      } else if (url.pathname === '/redirect') {
        res.statusCode = 302;
        res.setHeader('location', 'http://169.254.169.254/latest/meta-data');
        res.end();
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const lookupFlow = (
  path: string,
  extra: Record<string, unknown> = {},
  flowExtra: Record<string, unknown> = {},
) =>
  flowOf(
    [
      {
        id: 'crm',
        type: 'http-lookup',
        url: `http://${host}${path}`,
        timeoutMs: 300,
        map: [
          { variable: 'customer_name', path: 'name' },
          { variable: 'tier', path: 'tier' },
          { variable: 'account', path: 'accounts.0.id' },
          { variable: 'missing', path: 'no.such.field' },
        ],
        next: 'found',
        onError: 'fallback',
        ...extra,
      },
      { id: 'found', type: 'hangup' },
      { id: 'fallback', type: 'hangup' },
    ],
    flowExtra,
  );

const withCrm = (allowedHosts: string[]) => ({
  http: (request: Parameters<typeof performHttpLookup>[0]) => performHttpLookup(request, { allowedHosts }),
});

describe('http-lookup node', () => {
  it('maps the CRM answer into variables, with the caller number URL-encoded', async () => {
    const result = await simulate(lookupFlow('/customers?phone={{ call.ani }}'), [], withCrm([host]));
    expect(result.path).toEqual(['crm', 'found']);
    expect(result.variables).toMatchObject({
      customer_name: 'Ada Lovelace',
      tier: 'gold',
      account: 'acc-9',
      missing: null,
    });
    expect(seen.at(-1)?.url).toBe('/customers?phone=%2B4930111222');
  });

  it('posts a JSON body with the holes escaped', async () => {
    const flow = lookupFlow(
      '/customers',
      { method: 'POST', body: '{"ani": "{{ call.ani }}", "note": "{{ note }}"}' },
      { variables: { note: 'say "hi"' } },
    );
    await simulate(flow, [], withCrm([host]));
    expect(JSON.parse(seen.at(-1)!.body)).toEqual({ ani: '+4930111222', note: 'say "hi"' });
  });

  it('takes the fallback branch on a timeout, within the timeout', async () => {
    const started = Date.now();
    const result = await simulate(lookupFlow('/slow'), [], withCrm([host]));
    expect(result.path).toEqual(['crm', 'fallback']);
    expect(Date.now() - started).toBeLessThan(900);
    expect(result.trace.some((t) => t.what === 'lookup failed: timeout after 300 ms')).toBe(true);
  });

  it('takes the fallback branch on a non-2xx answer, a body that is not JSON, and a redirect', async () => {
    for (const path of ['/nope', '/html', '/redirect']) {
      expect((await simulate(lookupFlow(path), [], withCrm([host]))).path).toEqual(['crm', 'fallback']);
    }
  });

  it('never contacts a host off the allowed list', async () => {
    const before = seen.length;
    const result = await simulate(lookupFlow('/customers'), [], withCrm(['crm.acme.test']));
    expect(result.path).toEqual(['crm', 'fallback']);
    expect(seen.length).toBe(before);
    expect(result.trace.some((t) => t.what === `lookup failed: host not allowed: ${host}`)).toBe(true);
  });
});
