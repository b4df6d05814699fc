import { z } from 'zod';
import { bool, durationMs, hostPortList, identifier, logLevel, port, url } from './setting-types';

/** Settings every process has, whatever it runs. */
export const commonSettings = {
  HOTLINE_SITE_ID: identifier().default('site-1'),
  HOTLINE_LOG_LEVEL: logLevel().default('info'),
  /** Whether pii.* fields (phone numbers, digits, notes) are written to logs at all. */
  HOTLINE_LOG_PII: bool().default(false),
  HOTLINE_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HOTLINE_HTTP_PORT: port().default(8080),
  HOTLINE_SHUTDOWN_TIMEOUT_MS: durationMs().default(30_000),
  HOTLINE_TRACES: z.enum(['none', 'otlp', 'console']).default('none'),
  HOTLINE_OTLP_ENDPOINT: url(['http', 'https']).default('http://127.0.0.1:4318'),
};

/** `hotline serve <service>`: one service on Kafka, MongoDB and Redis. */
export const serveSettings = z.strictObject({
  ...commonSettings,
  HOTLINE_KAFKA_BROKERS: hostPortList(),
  HOTLINE_KAFKA_CLIENT_ID: z.string().min(1).optional(),
  HOTLINE_MONGO_URL: url(['mongodb', 'mongodb+srv']),
  HOTLINE_MONGO_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'a MongoDB database name')
    .default('hotline'),
  HOTLINE_REDIS_URL: url(['redis', 'rediss']),
  HOTLINE_REDIS_PREFIX: z.string().max(64).default('hotline:'),
});

/** `hotline up`: every service in one process on embedded stores kept under a data folder. */
export const upSettings = z.strictObject({
  ...commonSettings,
  HOTLINE_DATA_DIR: z.string().min(1).default('.local/hotline-up'),
});

export type ServeSettings = z.infer<typeof serveSettings>;
export type UpSettings = z.infer<typeof upSettings>;
export type CommonSettings = Pick<ServeSettings, keyof typeof commonSettings>;
