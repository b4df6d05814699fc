import { bool, durationMs, loadConfig, positiveInt, url, type Env } from '@hotline/platform';
import { z } from 'zod';

const secret = (what: string) => z.string().min(32, `${what} must be at least 32 characters`).max(512);

/** The provisioning API's own settings; both shapes accept them (checked at start with the rest). */
export const apiSettings = z.strictObject({
  /**
   * Bearer token of the platform admin (creates tenants, acts for any tenant with the
   * Hotline-Tenant header). Unset: no platform admin in `serve`; a random one printed at start
   * in `up`.
   */
  HOTLINE_API_ADMIN_KEY: secret('the admin key').optional(),
  /** HS256 key of web session tokens. Required in `serve` (every replica must share it). */
  HOTLINE_API_JWT_SECRET: secret('the JWT secret').optional(),
  HOTLINE_API_SESSION_TTL_S: positiveInt()
    .max(7 * 24 * 3600)
    .default(8 * 3600),
  /** Largest JSON body accepted (flow graphs are the big ones). */
  HOTLINE_API_MAX_BODY_BYTES: positiveInt()
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  /** Largest WAV upload; base64 in the store must stay under MongoDB's 16 MB per document. */
  HOTLINE_API_MAX_AUDIO_BYTES: positiveInt()
    .max(10 * 1024 * 1024)
    .default(5 * 1024 * 1024),
  HOTLINE_API_ESPEAK_BIN: z.string().min(1).default('espeak-ng'),
  /** Whether `hotline up` provisions the demo tenant on its first start. */
  HOTLINE_API_DEMO_SEED: bool().default(true),
  /**
   * SIP-over-secure-WebSocket addresses the browser softphone registers at, comma separated
   * (GET /v1/me). Default: the local Kamailio's WSS listener (infra/local/kamailio.sh, 8461).
   */
  HOTLINE_API_SIP_WSS_URLS: z
    .string()
    .default('wss://127.0.0.1:8461')
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(url(['wss', 'ws'])).min(1, 'must list at least one wss:// URL')),
  /** Live channel (GET /v1/live) connections one tenant may hold open in this API process. */
  HOTLINE_API_LIVE_MAX_CLIENTS_PER_TENANT: positiveInt().max(1_000_000).default(5000),
  /**
   * Bytes a live client may have unsent (socket buffers included) before it is dropped as too
   * slow: a stalled browser must not grow the server's memory.
   */
  HOTLINE_API_LIVE_CLIENT_BUFFER_BYTES: positiveInt()
    .min(1024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** How often an idle live stream gets a `: ping` comment (proxies close silent streams). */
  HOTLINE_API_LIVE_HEARTBEAT_MS: durationMs().min(100).max(300_000).default(15_000),
});

export type ApiSettings = z.infer<typeof apiSettings>;

export function loadApiSettings(env: Env): ApiSettings {
  return loadConfig(apiSettings, env, { ownedPrefixes: ['HOTLINE_API_'] });
}
