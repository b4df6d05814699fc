// The whole contact center in one test process, the production way: every service on real Kafka,
// FerretDB and Redis through packages/runtime's composition root (runProcess), each run in its own
// topics and consumer groups (namespacedBus), database and key prefix, so runs never meet. With
// sip-edge in, it uses the shared Kamailio + rtpengine on their fixed ports: run under
// `flock /tmp/hotline-sip.lock`.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { services as allServices } from '../../packages/cli/src/service-registry';
import {
  makeEvent,
  Topics,
  type EventData,
  type EventType,
  type HotlineEvent,
  type NewEvent,
} from '../../packages/contracts/src/index';
import { openMongoStore } from '../../packages/document-store/src/index';
import { consumeEvents, createKafkaBus, publishEvents } from '../../packages/event-bus/src/index';
import { createRedisLiveState } from '../../packages/live-state/src/index';
import {
  loadConfig,
  serveSettings,
  type ServiceModule,
  type ServiceName,
} from '../../packages/platform/src/index';
import { runProcess, withServiceSettings, type RunningProcess } from '../../packages/runtime/src/index';
import { assertMediaPlane } from '../../services/sip-edge/test/support/media-plane';
import { namespacedBus } from './namespaced-bus';
import type { SpanCollector } from './span-collector';

export const servers = {
  kafka: process.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092',
  mongo: process.env.HOTLINE_TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27018/',
  redis: process.env.HOTLINE_TEST_REDIS_URL ?? 'redis://127.0.0.1:16379',
};

export interface StackOptions {
  /** Which services run (default: all six, in `hotline up` order). */
  services?: ServiceName[];
  /** More modules in the same process after them (the agent-web static server, say). */
  extraServices?: ServiceModule[];
  /** Settings on top of the stack's (HOTLINE_*). */
  env?: Record<string, string>;
  /** Receives every span the process makes. */
  spans?: SpanCollector;
}

export interface Stack {
  /** This run's id: in topic prefixes, the database name, the Redis prefix. */
  run: string;
  /** http://127.0.0.1:<port>: the API (under /v1), /healthz, /readyz, /metrics. */
  baseUrl: string;
  adminKey: string;
  process: RunningProcess;
  /** Every event on every topic of this run, in arrival order. */
  events: HotlineEvent[];
  /** Resolves with the first event of `type` matching `match`, already seen or arriving. */
  waitFor<T extends EventType>(
    type: T,
    match?: (event: HotlineEvent<T>) => boolean,
    timeoutMs?: number,
  ): Promise<HotlineEvent<T>>;
  /** The `traceparent` header the event's Kafka record carried (the transport's copy of the trace). */
  recordTraceparent(eventId: string): string | undefined;
  /** Events whose key is `key` (a call id or an agent id), in arrival order. */
  eventsOf(key: string): HotlineEvent[];
  publish<T extends EventType>(event: NewEvent<T>): Promise<HotlineEvent<T>>;
  /** The API as the platform admin, acting in `tenantId` when given. */
  api<T = unknown>(
    method: string,
    path: string,
    options?: { tenantId?: string; body?: unknown },
  ): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/** Starts the stack; fails (never skips) naming the server that does not answer. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const names = options.services ?? (Object.keys(allServices) as ServiceName[]);
  const modules = [...names.map((n) => allServices[n]), ...(options.extraServices ?? [])];
  if (names.includes('sip-edge')) await assertMediaPlane();
  const run = randomBytes(4).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), `stack-${run}-`));
  const adminKey = `hla_${randomBytes(24).toString('base64url')}`;
  const env: Record<string, string> = {
    HOTLINE_LOG_LEVEL: process.env.STACK_LOG ?? 'fatal',
    HOTLINE_SHUTDOWN_TIMEOUT_MS: '5000',
    HOTLINE_KAFKA_BROKERS: servers.kafka,
    HOTLINE_MONGO_URL: servers.mongo,
    HOTLINE_MONGO_DB: `stack_${run}`,
    HOTLINE_REDIS_URL: servers.redis,
    HOTLINE_REDIS_PREFIX: `stack:${run}:`,
    HOTLINE_API_ADMIN_KEY: adminKey,
    HOTLINE_API_JWT_SECRET: randomBytes(32).toString('base64url'),
    ...(names.includes('sip-edge') ? { HOTLINE_SIP_PROMPT_DIR: join(dir, 'prompts') } : {}),
    ...options.env,
  };
  // Any free port: the settings refuse 0, the listener takes it.
  const config = { ...loadConfig(withServiceSettings(serveSettings, modules), env), HOTLINE_HTTP_PORT: 0 };
  const prefix = `stack-${run}.`;

  const running = await runProcess({
    name: 'hotline',
    shape: 'serve',
    config,
    env,
    services: modules,
    installSignalHandlers: false,
    exit: () => undefined,
    ...(options.spans ? { spanExporter: options.spans } : {}),
    connect: async (log) => {
      const kafka = await createKafkaBus({
        brokers: servers.kafka.split(','),
        clientId: `stack-${run}`,
        log: (level, message, fields) => log[level]({ kafka: fields }, message),
      }).catch((err: unknown) => {
        throw new Error(`Kafka at ${servers.kafka} not reachable (bash infra/local/kafka.sh start)`, {
          cause: err,
        });
      });
      const store = await openMongoStore({ url: servers.mongo, dbName: config.HOTLINE_MONGO_DB });
      const live = await createRedisLiveState({ url: servers.redis, keyPrefix: config.HOTLINE_REDIS_PREFIX });
      return { bus: namespacedBus(kafka, prefix), store, live };
    },
  });
  const { bus } = running.adapters;

  const events: HotlineEvent[] = [];
  const recordTraces = new Map<string, string | undefined>();
  const waiters = new Set<() => void>();
  const watch = await consumeEvents({
    bus,
    group: 'stack-watch',
    fromBeginning: true,
    topics: Object.values(Topics).filter((t) => t !== Topics.deadLetter),
    handle: async (event, record) => {
      recordTraces.set(event.id, record.headers.traceparent);
      events.push(event);
      for (const wake of [...waiters]) wake();
    },
  });

  const waitFor: Stack['waitFor'] = (type, match, timeoutMs = 15_000) =>
    new Promise((resolve, reject) => {
      type Found = HotlineEvent<typeof type>;
      const find = () =>
        events.find((e) => e.type === type && (!match || match(e as Found))) as Found | undefined;
      const check = () => {
        const hit = find();
        if (!hit) return false;
        waiters.delete(wake);
        clearTimeout(timer);
        resolve(hit);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`no ${type} within ${timeoutMs} ms; saw: ${events.map((e) => e.type).join(', ')}`));
      }, timeoutMs);
      if (!check()) waiters.add(wake);
    });

  const baseUrl = `http://127.0.0.1:${running.port}`;
  return {
    run,
    baseUrl,
    adminKey,
    process: running,
    events,
    waitFor,
    recordTraceparent: (eventId) => recordTraces.get(eventId),
    eventsOf: (key) => events.filter((e) => e.key === key),
    async publish(input) {
      const event = makeEvent(input);
      await publishEvents(bus, [event as HotlineEvent]);
      return event;
    },
    async api(method, path, { tenantId, body } = {}) {
      const res = await fetch(new URL(path, baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${adminKey}`,
          ...(tenantId ? { 'hotline-tenant': tenantId } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      const parsed = type.includes('json') && text ? (JSON.parse(text) as unknown) : text;
      return { status: res.status, body: parsed as never, headers: res.headers };
    },
    async close() {
      await watch.close().catch(() => undefined);
      await running.lifecycle.shutdown('test done');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The data of the first event of `type` among `events`, or undefined. */
export function dataOf<T extends EventType>(events: HotlineEvent[], type: T): EventData<T> | undefined {
  return (events.find((e) => e.type === type) as HotlineEvent<T> | undefined)?.data;
}
