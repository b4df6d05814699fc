import type { Role } from '@hotline/provisioning';
import { HotlineError } from '@hotline/platform';
import { Router, type Request, type Response } from 'express';
import type { AuditActor } from '@hotline/provisioning';
import { policyRoutes } from './policy-routes';
import type { AudioResponse, RecordingLibrary, RecordingSearch } from './recording-library';

/** The API's authorize helper (services/api/src/http/authorize.ts), as this router needs it. */
export type Authorize = (
  req: Request,
  roles: readonly Role[],
) => { tenantId: string; kind: AuditActor['kind']; id: string };

const READERS: Role[] = ['tenant-admin', 'supervisor'];
const ADMINS: Role[] = ['tenant-admin'];
const STATUSES = ['starting', 'recording', 'paused', 'stopped', 'processing', 'available', 'failed'] as const;

/**
 * /v1/recordings: supervisors and tenant admins search and play; only tenant admins delete;
 * agents have no access. Every access is written to the audit log. Also serves the tenant and
 * queue recording policies (policy-routes.ts).
 */
export function recordingsRouter(library: RecordingLibrary, authorize: Authorize): Router {
  const router = Router();
  const who = (req: Request, res: Response, roles: Role[]) => {
    const principal = authorize(req, roles);
    return {
      principal,
      accessor: {
        kind: principal.kind,
        id: principal.id,
        requestId: (res.locals.requestId as string | undefined) ?? null,
      },
    };
  };

  router.get('/v1/recordings', async (req, res) => {
    const { principal, accessor } = who(req, res, READERS);
    const result = await library.search(principal.tenantId, searchOf(req));
    await library.audit(principal.tenantId, accessor, 'recording.searched', 'search');
    res.json(result);
  });

  router.get('/v1/recordings/:id', async (req, res) => {
    const { principal, accessor } = who(req, res, READERS);
    const recording = await library.get(principal.tenantId, String(req.params.id));
    await library.audit(principal.tenantId, accessor, 'recording.read', recording.id);
    res.json(recording);
  });

  router.get('/v1/recordings/:id/audio', async (req, res) => {
    const { principal, accessor } = who(req, res, READERS);
    const id = String(req.params.id);
    if (req.query.download === '1' || req.query.download === 'true') {
      const exported = await library.exportAudio(principal.tenantId, id);
      await library.audit(principal.tenantId, accessor, 'recording.exported', id);
      return send(res, exported);
    }
    const audio = await library.audio(principal.tenantId, id, {
      ...(req.headers.range ? { range: req.headers.range } : {}),
      ...(req.headers['if-none-match'] ? { ifNoneMatch: req.headers['if-none-match'] } : {}),
    });
    await library.audit(principal.tenantId, accessor, 'recording.played', id);
    return send(res, audio);
  });

  router.post('/v1/recordings/:id/export', async (req, res) => {
    const { principal, accessor } = who(req, res, READERS);
    const id = String(req.params.id);
    const exported = await library.exportAudio(principal.tenantId, id);
    await library.audit(principal.tenantId, accessor, 'recording.exported', id);
    return send(res, exported);
  });

  router.delete('/v1/recordings/:id', async (req, res) => {
    const { principal, accessor } = who(req, res, ADMINS);
    const id = String(req.params.id);
    await library.remove(principal.tenantId, id);
    await library.audit(principal.tenantId, accessor, 'recording.deleted', id);
    res.status(204).end();
  });

  router.use(policyRoutes(library, authorize));
  return router;
}

function send(res: Response, audio: AudioResponse): Promise<void> {
  res.status(audio.status).set(audio.headers);
  if (!audio.body) {
    res.end();
    return Promise.resolve();
  }
  const body = audio.body;
  return new Promise((resolve) => {
    // A listener that seeks away closes the connection: stop reading the object then.
    res.once('close', () => {
      body.destroy();
      resolve();
    });
    body.once('error', () => res.destroy());
    body.pipe(res);
  });
}

function searchOf(req: Request): RecordingSearch {
  const q = req.query;
  const text = (name: string): string | undefined => {
    const v = q[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) {
      throw new HotlineError('bad_request', `${name} must be one non-empty value`, {
        fields: [{ field: name, message: 'one value, up to 256 characters' }],
      });
    }
    return v;
  };
  const time = (name: string): string | undefined => {
    const v = text(name);
    if (v !== undefined && Number.isNaN(Date.parse(v))) {
      throw new HotlineError('bad_request', `${name} must be an ISO date-time`, {
        fields: [{ field: name, message: 'an ISO 8601 date-time' }],
      });
    }
    return v === undefined ? undefined : new Date(v).toISOString();
  };
  const limitText = text('limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 200)) {
    throw new HotlineError('bad_request', 'limit must be a whole number from 1 to 200', {
      fields: [{ field: 'limit', message: '1 to 200' }],
    });
  }
  const status = text('status');
  if (status !== undefined && !(STATUSES as readonly string[]).includes(status)) {
    throw new HotlineError('bad_request', `status must be one of ${STATUSES.join(', ')}`, {
      fields: [{ field: 'status', message: 'unknown status' }],
    });
  }
  const search: RecordingSearch = {};
  const set = <K extends keyof RecordingSearch>(k: K, v: RecordingSearch[K] | undefined) => {
    if (v !== undefined) search[k] = v;
  };
  set('from', time('from'));
  set('to', time('to'));
  set('agentId', text('agentId'));
  set('queueId', text('queueId'));
  set('ani', text('ani'));
  set('callId', text('callId'));
  set('cursor', text('cursor'));
  set('limit', limit);
  set('status', status as RecordingSearch['status']);
  return search;
}
