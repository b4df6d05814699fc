import { durationMs, port, positiveInt } from '@hotline/platform';
import { z } from 'zod';

const hostPort = () =>
  z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'host:port')
    .transform((s) => {
      const i = s.lastIndexOf(':');
      return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
    });

const hostPortList = () =>
  z
    .string()
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(hostPort()).min(1, 'at least one host:port'));

/**
 * HOTLINE_SIP_*: sip-edge's own settings, checked with the process settings at start. The
 * defaults match infra/local/kamailio.sh and infra/local/rtpengine.sh.
 */
export const sipEdgeSettings = z.object({
  /** Where call control listens for SIP (UDP) and what it writes into Via/Contact. */
  HOTLINE_SIP_HOST: z
    .string()
    .regex(/^[0-9.]+$/, 'an IPv4 address')
    .default('127.0.0.1'),
  HOTLINE_SIP_PORT: port().default(5480),
  /** The edge proxy (Kamailio): calls we place go through it, and only its X-Hotline-* headers count. */
  HOTLINE_SIP_PROXY: hostPort().prefault('127.0.0.1:5460'),
  /** The domain of calls we place (From). */
  HOTLINE_SIP_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+$/, 'a DNS name')
    .default('hotline.local'),
  /** rtpengine ng (UDP) addresses; new calls go round-robin to the ones answering pings. */
  HOTLINE_SIP_RTPENGINE: hostPortList().prefault('127.0.0.1:22620'),
  HOTLINE_SIP_RTPENGINE_CHECK_MS: durationMs().min(500).default(5000),
  /** Kamailio asks here for agents' HA1 and numbers' tenants (HTTP, on HOTLINE_SIP_HOST). */
  HOTLINE_SIP_DIRECTORY_PORT: port().default(5481),
  /** Where rtpengine sends DTMF reports (its --dtmf-log-dest). */
  HOTLINE_SIP_DTMF_PORT: port().default(5470),
  /** The address of the edge's silent media endpoint (the IVR side of a call). */
  HOTLINE_SIP_MEDIA_HOST: z
    .string()
    .regex(/^[0-9.]+$/, 'an IPv4 address')
    .default('127.0.0.1'),
  /** Rendered prompts (WAV, 8 kHz); rtpengine reads them, so on its host. */
  HOTLINE_SIP_PROMPT_DIR: z.string().min(1).default('.local/sip-edge/prompts'),
  /** Kamailio's JSON-RPC (registrar lookups); "none" to go without (agents then get plain RTP). */
  HOTLINE_SIP_KAMAILIO_RPC: z
    .union([z.literal('none'), z.url({ error: 'a URL or none' })])
    .default('http://127.0.0.1:8460/RPC'),
  /** Shared secret with Kamailio (its directory lookups and our RPC calls). */
  HOTLINE_SIP_EDGE_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9._-]{16,}$/, '16 or more letters, digits, . _ -')
    .default('hotline-local-edge-token'),
  /** How long an offered call rings before it is refused when nobody asks to answer it. */
  HOTLINE_SIP_ANSWER_TIMEOUT_MS: durationMs().min(100).default(10_000),
  HOTLINE_SIP_TRANSFER_RING_TIMEOUT_MS: durationMs().min(1000).default(30_000),
  /** Calls one instance holds before it answers new INVITEs with 503 (Kamailio tries the next). */
  HOTLINE_SIP_MAX_CALLS: positiveInt().default(1000),
  /** How often an instance says it is alive and looks for calls of instances that are not. */
  HOTLINE_SIP_TAKEOVER_CHECK_MS: durationMs().min(100).default(5000),
  /** An instance silent this long is gone: another ends its calls cleanly. */
  HOTLINE_SIP_INSTANCE_TTL_MS: durationMs().min(300).default(15_000),
  /** This instance's name (its own command consumer group); default: host name and SIP port. */
  HOTLINE_SIP_INSTANCE: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, . _ -')
    .optional(),
});

export type SipEdgeSettings = z.infer<typeof sipEdgeSettings>;
