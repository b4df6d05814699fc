import { HotlineError } from '@hotline/platform';
import { Router, type RequestHandler } from 'express';
import { looksLikeJwt, verifyJwt } from '../../auth/jwt';
import { agentOf, deskCaller } from '../desk-caller';
import type { DeskDeps } from '../desk-deps';
import { wallboardOf } from '../wallboard-routes';
import type { LiveClient, LiveViewer } from './live-hub';
import { SseStream, sseFrame } from './sse-stream';

/**
 * EventSource cannot send headers, so GET /v1/live carries the token as `?access_token=`
 * (RFC 6750 §2.3). This lifts it into Authorization before `authenticate` runs, for this one
 * route; a request that has a header keeps it.
 */
export const liveAccessToken: RequestHandler = (req, _res, next) => {
  const token = req.query.access_token;
  if (req.method === 'GET' && req.path === '/' && typeof token === 'string' && !req.get('authorization')) {
    req.headers.authorization = `Bearer ${token}`;
  }
  next();
};

function bearerOf(header: string | undefined): string | null {
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return m?.[1] ?? null;
}

/**
 * GET /v1/live: the desk's event stream (F-AG-1, F-SV-1). First a `snapshot` (the wallboard,
 * or for an agent itself and its queues), then pushes as they happen; a reconnect gets a new
 * snapshot, which is how a desk resyncs after any gap. A session token's stream ends when the
 * token expires (the desk signs in again and reconnects).
 */
export function liveRoutes(deps: DeskDeps): Router {
  const router = Router();
  router.get('/v1/live', async (req, res) => {
    const caller = deskCaller(req);
    let viewer: LiveViewer;
    if (caller.supervisor) {
      viewer = { tenantId: caller.tenantId, agentId: caller.agentId, supervisor: true, queueIds: [] };
    } else {
      if (!caller.agentId) throw new HotlineError('forbidden', 'this user works as no agent');
      const agent = await agentOf(deps.store, caller.tenantId, caller.agentId);
      viewer = { tenantId: caller.tenantId, agentId: agent._id, supervisor: false, queueIds: agent.queueIds };
    }

    let expiry: NodeJS.Timeout | undefined;
    let added = false;
    const stream = new SseStream(res, {
      maxBufferedBytes: deps.settings.clientBufferBytes,
      onClose: (reason) => {
        if (!added) return;
        clearTimeout(expiry);
        deps.hub.remove(client);
        deps.observeClose(reason);
      },
    });
    const client: LiveClient = {
      viewer,
      write: (frame) => stream.write(frame),
      ping: () => stream.ping(),
      close: (code, message) => stream.close(code, message),
    };
    // Gone while its agent was read: its close event has passed, nothing would remove it later.
    if (res.destroyed || !res.socket || res.socket.destroyed) return;
    if (!deps.hub.add(client)) {
      throw new HotlineError('rate_limited', 'this tenant has as many live connections as allowed');
    }
    added = true;
    const token = bearerOf(req.get('authorization'));
    if (token && looksLikeJwt(token)) {
      const verified = verifyJwt(token, deps.jwtSecret, Math.floor(Date.now() / 1000));
      if (verified.ok) {
        const leftMs = Math.max(0, verified.claims.exp * 1000 - Date.now());
        expiry = setTimeout(
          () => stream.close('token_expired', 'the session expired: sign in again'),
          leftMs,
        );
        expiry.unref();
      }
    }
    stream.open();
    try {
      // Subscribed to the tenant's pushes before reading, so nothing falls between the two.
      await deps.feed.ready(viewer.tenantId);
      const snapshot = await wallboardOf(
        deps,
        viewer.tenantId,
        viewer.supervisor ? undefined : { agentId: viewer.agentId!, queueIds: viewer.queueIds },
      );
      stream.release(sseFrame('snapshot', snapshot));
    } catch (err) {
      deps.log.warn({ err }, 'live snapshot failed');
      stream.close('snapshot_failed', 'the current state could not be read; reconnect');
      return;
    }
    const offer = viewer.agentId ? deps.tracker.pendingOffer(viewer.tenantId, viewer.agentId) : undefined;
    if (offer) {
      // Still ringing: a desk that reconnected mid-ring must still be able to answer.
      const leftMs = offer.at + offer.ringTimeoutMs - Date.now();
      if (leftMs > 0) {
        const { at, ...rest } = offer;
        void at;
        stream.send('offer', {
          ...rest,
          ringTimeoutMs: leftMs,
          context: await deps.readModel.callContext(viewer.tenantId, offer.callId).catch(() => null),
        });
      }
    }
  });
  return router;
}
