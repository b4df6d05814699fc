import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { createInProcessBus, type EventBus } from '@hotline/event-bus';
import { createMemoryLiveState, type LiveState } from '@hotline/live-state';
import { Topics } from '@hotline/contracts';
import { createLogger, createMetrics } from '@hotline/platform';
import express from 'express';
import { loadApiSettings } from '../../src/api-settings';
import { startApi, type StartedApi } from '../../src/start-api';
import type { TextToSpeech } from '../../src/domain/text-to-speech';
import type { DeskReadModel } from '../../src/desk/desk-read-model';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789';

export interface TestApi {
  url: string;
  store: DocumentStore;
  bus: EventBus;
  live: LiveState;
  api: StartedApi;
  close(): Promise<void>;
}

export interface HarnessOptions {
  store?: DocumentStore;
  bus?: EventBus;
  env?: Record<string, string>;
  tts?: TextToSpeech;
  shape?: 'serve' | 'up';
  live?: LiveState;
  /** What the desk reads realtime views from (default: nothing known). */
  readModel?: DeskReadModel;
}

/** The API on a loopback port, on the embedded store and in-process bus unless given others. */
export async function startTestApi(options: HarnessOptions = {}): Promise<TestApi> {
  const dir = mkdtempSync(path.join(tmpdir(), 'hotline-api-'));
  const store = options.store ?? (await openEmbeddedStore({ dir }));
  const bus = options.bus ?? createInProcessBus({});
  await bus.ensureTopics(Object.values(Topics).map((name) => ({ name })));
  const live = options.live ?? createMemoryLiveState();
  const app = express();
  const log = createLogger({
    service: 'api-test',
    level: process.env.HOTLINE_TEST_LOG ? 'debug' : 'silent',
    logPii: false,
  });
  const settings = loadApiSettings({
    HOTLINE_API_ADMIN_KEY: ADMIN_KEY,
    HOTLINE_API_JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
    HOTLINE_API_DEMO_SEED: 'false',
    ...options.env,
  });
  const started = startApi(
    {
      siteId: 'site-1',
      log,
      metrics: createMetrics({ service: 'api-test', site: 'site-1' }),
      bus,
      store,
      live,
      http: app,
      shape: options.shape ?? 'serve',
    },
    settings,
    {
      ...(options.tts ? { tts: options.tts } : {}),
      ...(options.readModel ? { readModel: options.readModel } : {}),
    },
  );
  let api: StartedApi;
  try {
    api = await started;
  } catch (err) {
    if (!options.store) await store.close();
    if (!options.bus) await bus.close();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    bus,
    live,
    api,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await api.stop();
      if (!options.store) await store.close();
      if (!options.bus) await bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
