import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Lifecycle } from '../lifecycle';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Default true. An advisory check (false) is reported in /readyz but does not make the process
   * unready: a dependency the service can start without (sip-edge's Kamailio in `hotline up`).
   */
  required?: boolean;
}

export interface OpsServerOptions {
  host: string;
  port: number;
  service: string;
  lifecycle: Lifecycle;
  metrics: Registry;
  checks: ReadinessCheck[];
  /** Lets a service add its own routes to the same listener (the API does). */
  app?: Express;
}

export interface OpsServer {
  readonly app: Express;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * /healthz (alive; reports active work so a preStop hook can wait for 0 calls), /readyz (takes
 * traffic: running and every dependency answers), /metrics (Prometheus).
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const app = options.app ?? express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({
      status: options.lifecycle.stopping ? 'stopping' : 'ok',
      service: options.service,
      activeWork: options.lifecycle.activeWork(),
    });
  });
  app.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      options.checks.map(async (c) => {
        const advisory = c.required === false ? { required: false } : {};
        try {
          await withTimeout(c.check(), 2000);
          return { name: c.name, ok: true, ...advisory };
        } catch (err) {
          return { name: c.name, ok: false, error: (err as Error).message, ...advisory };
        }
      }),
    );
    const ready = options.lifecycle.ready && results.every((r) => r.ok || r.required === false);
    res.status(ready ? 200 : 503).json({ ready, lifecycle: options.lifecycle.ready, checks: results });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  return {
    app,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
