import { commonSettings, port, positiveInt } from '@hotline/platform';
import { z } from 'zod';

const labelSelector = () =>
  z
    .string()
    .min(1)
    .regex(/^[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*(,[A-Za-z0-9./_-]+(=|==|!=)[A-Za-z0-9._-]*)*$/, {
      error: 'a label selector: key=value,key=value',
    });

const absolutePath = () => z.string().regex(/^\//, { error: 'an absolute path' });

/**
 * The edge sync's settings: where the pods are, how Kamailio names them, and where it reads its
 * lists. It talks to the Kubernetes API (in-cluster credentials, or HOTLINE_EDGE_SYNC_KUBECONFIG)
 * and to Kamailio; it needs no Kafka, MongoDB or Redis.
 */
export const edgeSyncSettings = z.strictObject({
  ...commonSettings,
  HOTLINE_EDGE_SYNC_NAMESPACE: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name'),
  /** A kubeconfig file; unset: the pod's own service account (in-cluster). */
  HOTLINE_EDGE_SYNC_KUBECONFIG: z.string().min(1).optional(),
  /** Who this is, for the Events it records (the pod and node it runs on). */
  HOTLINE_EDGE_SYNC_POD_NAME: z.string().min(1).default('edge-sync'),
  HOTLINE_EDGE_SYNC_NODE_NAME: z.string().min(1).default('unknown-node'),

  HOTLINE_EDGE_SYNC_CALL_CONTROL_SELECTOR: labelSelector(),
  /** The SIP port call control listens on (a container port named "sip" wins when present). */
  HOTLINE_EDGE_SYNC_CALL_CONTROL_PORT: port().default(5480),
  HOTLINE_EDGE_SYNC_CALL_CONTROL_TRANSPORT: z.enum(['udp', 'tcp']).default('udp'),
  HOTLINE_EDGE_SYNC_DISPATCHER_SET: positiveInt().max(65535).default(1),
  HOTLINE_EDGE_SYNC_DISPATCHER_FILE: absolutePath(),
  /** Lines for the other dispatcher sets (trunks, gateways), copied ahead of ours. */
  HOTLINE_EDGE_SYNC_DISPATCHER_BASE_FILE: absolutePath().optional(),

  /** rtpengine pods; unset: the rtpengine set is not managed. */
  HOTLINE_EDGE_SYNC_RTPENGINE_SELECTOR: labelSelector().optional(),
  HOTLINE_EDGE_SYNC_RTPENGINE_PORT: port().default(2223),
  HOTLINE_EDGE_SYNC_RTPENGINE_SET: z.coerce
    .number({ error: 'must be a whole number' })
    .int()
    .min(0)
    .max(65535)
    .default(0),
  /** The db_text directory Kamailio's rtpengine module reads (db_url "text://<dir>"). */
  HOTLINE_EDGE_SYNC_RTPENGINE_DB_DIR: absolutePath().optional(),

  /** Kamailio's JSON-RPC over HTTP (jsonrpcs + xhttp); "none": write the files only. */
  HOTLINE_EDGE_SYNC_KAMAILIO_RPC_URL: z.union([z.literal('none'), z.url({ error: 'must be a URL or none' })]),
  /** Sent as X-Hotline-Edge-Token when Kamailio's RPC route asks for one. */
  HOTLINE_EDGE_SYNC_KAMAILIO_RPC_TOKEN: z.string().min(1).optional(),
  HOTLINE_EDGE_SYNC_DEBOUNCE_MS: z.coerce
    .number({ error: 'must be a duration in milliseconds' })
    .int()
    .min(0)
    .max(10_000)
    .default(250),
});

export type EdgeSyncSettings = z.infer<typeof edgeSyncSettings>;
