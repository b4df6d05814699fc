import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type Request, type Response } from 'express';
import type { Logger } from '@hotline/platform';
import type { EdgeDirectory } from '../adapters/directory';

// What Kamailio asks the edge (http_client, cached on its side): an agent's HA1 for digest auth
// and the tenant and hotline of a dialled number. Plain-text answers: Kamailio reads one line.

const SIP_USER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const REALM = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

export function mountDirectoryRoutes(
  app: Express,
  directory: EdgeDirectory,
  token: string,
  log: Logger,
): void {
  const allowed = (req: Request, res: Response): boolean => {
    if (req.get('x-hotline-edge-token') === token) return true;
    res.status(403).type('text/plain').send('forbidden');
    return false;
  };

  app.get('/internal/sip-edge/credentials/:realm/:username', async (req, res) => {
    if (!allowed(req, res)) return;
    const { realm, username } = req.params;
    if (!REALM.test(realm) || !SIP_USER.test(username)) {
      res.status(400).type('text/plain').send('bad realm or username');
      return;
    }
    try {
      const ha1 = await directory.credentials(realm, username);
      if (!ha1) res.status(404).type('text/plain').send('unknown');
      else res.type('text/plain').send(ha1);
    } catch (err) {
      log.error({ err, realm }, 'credential lookup failed');
      res.status(503).type('text/plain').send('unavailable');
    }
  });

  app.get('/internal/sip-edge/numbers/:number', async (req, res) => {
    if (!allowed(req, res)) return;
    try {
      const owner = await directory.numberOwner(req.params.number);
      if (!owner) res.status(404).type('text/plain').send('unknown');
      else res.type('text/plain').send(`${owner.tenantId} ${owner.hotlineId}`);
    } catch (err) {
      log.error({ err }, 'number lookup failed');
      res.status(503).type('text/plain').send('unavailable');
    }
  });
}

/** The directory on its own listener: Kamailio's address for it does not depend on the ops port. */
export async function startDirectoryServer(
  host: string,
  port: number,
  directory: EdgeDirectory,
  token: string,
  log: Logger,
): Promise<{ port: number; close(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  mountDirectoryRoutes(app, directory, token, log);
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
