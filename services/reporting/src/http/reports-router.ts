import { HotlineError } from '@hotline/platform';
import { Router, type Request, type Response } from 'express';
import type { ReportingQueries } from '../app/queries';
import { parseCdrQuery, parseIntervalQuery } from './report-query';

export type ReportRole = 'tenant-admin' | 'supervisor' | 'agent';

/**
 * The API's check that the caller holds one of the roles inside a tenant (services/api
 * http/authorize.ts); it throws a HotlineError (401/403/400) otherwise.
 */
export type Authorize = (req: Request, roles: readonly ReportRole[], res?: Response) => { tenantId: string };

const readers: readonly ReportRole[] = ['supervisor', 'tenant-admin'];

function sendCsv(res: Response, name: string, body: string): void {
  res.setHeader('Content-Type', 'text/csv; charset=utf-8');
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  res.send(body);
}

/** F-REP-1/2/3 over HTTP, mounted in the API after authentication. */
export function reportsRouter(
  queries: ReportingQueries,
  authorize: Authorize,
  now: () => number = Date.now,
): Router {
  const router = Router();

  router.get('/v1/reports/cdrs', async (req, res) => {
    const { tenantId } = authorize(req, readers, res);
    const { format, ...query } = parseCdrQuery(req.query, now());
    const page = await queries.cdrs(tenantId, query);
    if (format === 'csv') {
      if (page.nextCursor) res.setHeader('X-Next-Cursor', page.nextCursor);
      sendCsv(res, 'cdrs', queries.toCsv.cdrs(page.items));
      return;
    }
    res.json(page);
  });

  router.get('/v1/reports/cdrs/:callId', async (req, res) => {
    const { tenantId } = authorize(req, readers, res);
    const callId = req.params.callId ?? '';
    const cdr = await queries.cdr(tenantId, callId);
    if (!cdr) throw new HotlineError('not_found', `no call ${callId}`);
    res.json(cdr);
  });

  router.get('/v1/reports/intervals', async (req, res) => {
    const { tenantId } = authorize(req, readers, res);
    const { format, ...query } = parseIntervalQuery(req.query, now());
    const rows = await queries.intervals(tenantId, query);
    if (format === 'csv') {
      sendCsv(res, `intervals-${query.size}`, queries.toCsv.intervals(rows));
      return;
    }
    res.json({ items: rows });
  });

  router.get('/v1/reports/realtime/queues', async (req, res) => {
    const { tenantId } = authorize(req, readers, res);
    res.json({ items: await queries.realtimeQueues(tenantId) });
  });

  router.get('/v1/reports/realtime/agents', async (req, res) => {
    const { tenantId } = authorize(req, readers, res);
    res.json({ items: await queries.realtimeAgents(tenantId) });
  });

  return router;
}
