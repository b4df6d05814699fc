import { randomBytes } from 'node:crypto';
import { agentWebBuilt, agentWebRoot } from '@hotline/agent-web';
import { ConfigError, type RunningService, type ServiceDeps } from '@hotline/platform';
import { createRecordingLibrary, recorderSettingsFrom, recordingsRouter } from '@hotline/recorder';
import { createReportingQueries, reportsRouter } from '@hotline/reporting';
import express, { type Router } from 'express';
import type { ApiSettings } from './api-settings';
import { createDesk, type Desk } from './desk/desk';
import type { DeskReadModel } from './desk/desk-read-model';
import { ChangeLog } from './domain/change-log';
import { FlowLifecycle } from './domain/flow-lifecycle';
import { Provisioner } from './domain/provisioner';
import { espeakTextToSpeech, type TextToSpeech } from './domain/text-to-speech';
import { authorize } from './http/authorize';
import { buildApi } from './http/build-api';
import { Idempotency } from './http/idempotency';
import { createResources, ensureIndexes, type Resources } from './resources';
import { seedDemoTenant } from './seed/demo-tenant';
import { inProcessTarget } from './seed/seed-target';

export interface StartedApi extends RunningService {
  provisioner: Provisioner;
  resources: Resources;
  flows: FlowLifecycle;
  changes: ChangeLog;
  desk: Desk;
  adminKey: string | null;
}

const OUTBOX_EVERY_MS = 5_000;

/** Wires the API into the process's HTTP app; in `up` also provisions the demo tenant once. */
export async function startApi(
  deps: ServiceDeps,
  settings: ApiSettings,
  options: {
    tts?: TextToSpeech;
    /** What the desk reads realtime views and screen pops from (reporting's queries). */
    readModel?: DeskReadModel;
    /** The desk's broadcast consumer group (tests); default unique per process. */
    liveGroup?: string;
  } = {},
): Promise<StartedApi> {
  const { log, store, bus, shape } = deps;
  if (shape === 'serve' && !settings.HOTLINE_API_JWT_SECRET) {
    throw new ConfigError([
      { key: 'HOTLINE_API_JWT_SECRET', message: 'required by `serve` (every replica must sign alike)' },
    ]);
  }
  // `up` is a laptop demo: missing secrets are made up for this run, and the admin key printed.
  const adminKey =
    settings.HOTLINE_API_ADMIN_KEY ??
    (shape === 'up' ? `hla_${randomBytes(24).toString('base64url')}` : null);
  const jwtSecret = settings.HOTLINE_API_JWT_SECRET ?? randomBytes(32).toString('base64url');
  if (shape === 'up' && adminKey && !settings.HOTLINE_API_ADMIN_KEY) {
    log.info({ adminKey }, 'platform admin key for this run (set HOTLINE_API_ADMIN_KEY to fix it)');
  }

  const tts = options.tts ?? espeakTextToSpeech(settings.HOTLINE_API_ESPEAK_BIN);
  const { resources, audio } = createResources(store, tts);
  await ensureIndexes(store, resources);
  const changes = new ChangeLog(store, bus, log);
  const provisioner = new Provisioner(store, changes);
  const flows = new FlowLifecycle(store, provisioner, resources.flows);
  const reporting = createReportingQueries({ store, live: deps.live });
  const recordings = createRecordingLibrary({ store, settings: recorderSettingsFrom(deps.env ?? {}), log });
  const desk = createDesk({
    store,
    recordings,
    bus,
    live: deps.live,
    log,
    metrics: deps.metrics,
    jwtSecret,
    readModel: options.readModel ?? reporting,
    ...(options.liveGroup ? { group: options.liveGroup } : {}),
    settings: {
      sipWssUrls: settings.HOTLINE_API_SIP_WSS_URLS,
      maxClientsPerTenant: settings.HOTLINE_API_LIVE_MAX_CLIENTS_PER_TENANT,
      clientBufferBytes: settings.HOTLINE_API_LIVE_CLIENT_BUFFER_BYTES,
      heartbeatMs: settings.HOTLINE_API_LIVE_HEARTBEAT_MS,
    },
  });
  await desk.start();
  const inFlight = { count: 0 };
  // Other services' routers served under /v1 after authentication (one line each).
  const extraRouters: Router[] = [
    reportsRouter(reporting, authorize),
    recordingsRouter(recordings, authorize),
  ];
  deps.http.use(
    buildApi({
      store,
      log,
      metrics: deps.metrics,
      provisioner,
      resources,
      flows,
      audio,
      idempotency: new Idempotency(store),
      auth: { adminKey, jwtSecret },
      sessionTtlSeconds: settings.HOTLINE_API_SESSION_TTL_S,
      maxBodyBytes: settings.HOTLINE_API_MAX_BODY_BYTES,
      maxAudioBytes: settings.HOTLINE_API_MAX_AUDIO_BYTES,
      inFlight,
      extraRouters,
      desk,
    }),
  );

  // The agent and supervisor web client (services/agent-web, built by scripts/up.sh and test.sh).
  // Vite's assets carry content hashes and may be cached; index.html must be fetched fresh.
  if (agentWebBuilt())
    deps.http.use(
      express.static(agentWebRoot(), {
        maxAge: '1h',
        setHeaders: (res, path) => {
          if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
        },
      }),
    );
  else log.warn('the agent web client is not built (services/agent-web: vite build); / serves nothing');

  let draining = false;
  const outbox = setInterval(() => {
    if (!draining) changes.drainOutbox().catch((err: unknown) => log.warn({ err }, 'outbox drain failed'));
  }, OUTBOX_EVERY_MS);
  outbox.unref();

  if (shape === 'up' && settings.HOTLINE_API_DEMO_SEED) {
    const seeded = await seedDemoTenant(inProcessTarget(provisioner, resources, flows), (message, err) =>
      log.warn({ err }, message),
    );
    if (seeded.created) {
      log.info(
        { tenant: seeded.tenantId, apiKey: seeded.apiKey },
        'demo tenant provisioned (key shown once)',
      );
    }
  }

  log.info('service started');
  return {
    name: 'api',
    provisioner,
    resources,
    flows,
    changes,
    desk,
    adminKey,
    activeWork: () => inFlight.count,
    drain: async () => {
      draining = true;
      desk.drain();
    },
    stop: async () => {
      clearInterval(outbox);
      await desk.stop();
      await changes.drainOutbox().catch(() => 0);
      log.info('service stopped');
    },
  };
}
