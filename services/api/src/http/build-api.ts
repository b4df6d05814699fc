import { randomUUID } from 'node:crypto';
import type { DocumentStore } from '@hotline/document-store';
import { HotlineError, problemHandler, type Logger, type Registry } from '@hotline/platform';
import express, { Router } from 'express';
import type { Desk } from '../desk/desk';
import { liveAccessToken } from '../desk/live/live-routes';
import type { FlowLifecycle } from '../domain/flow-lifecycle';
import type { Provisioner } from '../domain/provisioner';
import type { Resources } from '../resources';
import type { PromptAudioStore } from '../resources/prompts';
import { actionRoutes } from './action-routes';
import { authenticate, type AuthSettings } from './authenticate';
import type { Idempotency } from './idempotency';
import { buildOpenApi } from './openapi';
import { requestMetrics } from './request-metrics';
import { resourceRoutes } from './resource-routes';
import { sessionRoutes } from './session-routes';

export interface ApiOptions {
  store: DocumentStore;
  log: Logger;
  metrics: Registry;
  provisioner: Provisioner;
  resources: Resources;
  flows: FlowLifecycle;
  audio: PromptAudioStore;
  idempotency: Idempotency;
  auth: AuthSettings;
  sessionTtlSeconds: number;
  maxBodyBytes: number;
  maxAudioBytes: number;
  /** Counts requests in flight, so shutdown can wait for them. */
  inFlight: { count: number };
  /**
   * Routers of other services served by the API (reports, recordings, the desk): mounted after
   * `authenticate` (so `res.locals.principal` is set) and before the not-found catch-all.
   */
  extraRouters?: Router[];
  /** The agent and supervisor desk (/v1/me, agent state, call commands, the live channel). */
  desk?: Desk;
}

/** Everything under /v1: JSON in, JSON or problem+json out. */
export function buildApi(options: ApiOptions): Router {
  const openapi = buildOpenApi(options.resources);
  const router = Router();
  router.use('/v1', requestMetrics(options.metrics));
  router.use('/v1', (req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    options.inFlight.count++;
    res.once('close', () => options.inFlight.count--);
    next();
  });
  router.get('/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  router.use(
    '/v1',
    express.json({
      limit: options.maxBodyBytes,
      type: ['application/json', 'application/merge-patch+json', 'application/*+json'],
    }),
  );
  router.use(
    sessionRoutes(options.store, {
      jwtSecret: options.auth.jwtSecret,
      ttlSeconds: options.sessionTtlSeconds,
    }),
  );
  router.use('/v1/live', liveAccessToken);
  router.use('/v1', authenticate(options.store, options.auth));
  router.use(
    actionRoutes({
      store: options.store,
      provisioner: options.provisioner,
      resources: options.resources,
      flows: options.flows,
      audio: options.audio,
      maxAudioBytes: options.maxAudioBytes,
    }),
  );
  if (options.desk) router.use(options.desk.routes);
  for (const spec of Object.values(options.resources)) {
    router.use(resourceRoutes(spec, options.provisioner, options.idempotency));
  }
  for (const extra of options.extraRouters ?? []) router.use(extra);
  router.use('/v1', (req) => {
    throw new HotlineError('not_found', `no route ${req.method} ${req.path}`);
  });
  router.use(
    problemHandler((err) => {
      options.log.error({ err }, 'request failed');
    }),
  );
  return router;
}
