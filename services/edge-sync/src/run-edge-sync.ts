import {
  Lifecycle,
  createLogger,
  createMetrics,
  loadConfig,
  startOpsServer,
  type Env,
  type Logger,
} from '@hotline/platform';
import { KamailioJsonRpc } from './adapters/kamailio-json-rpc';
import { KubeEventReporter } from './adapters/kube-event-reporter';
import { loadKubeConfig } from './adapters/kube-config';
import { KubePodSource } from './adapters/kube-pod-source';
import { DiskTargetFiles } from './adapters/target-files';
import { edgeSyncSettings } from './config';
import { EdgeSync } from './edge-sync';
import { edgeSyncMetrics } from './metrics';

export interface RunningEdgeSync {
  sync: EdgeSync;
  lifecycle: Lifecycle;
  port: number;
  log: Logger;
}

export interface RunEdgeSyncOptions {
  exit?: (code: number) => void;
  installSignalHandlers?: boolean;
}

/**
 * The edge sync as a process: settings from the environment, /healthz /readyz /metrics on
 * HOTLINE_HTTP_PORT (ready once the first lists are written), stopped by SIGTERM.
 */
export async function runEdgeSync(env: Env, options: RunEdgeSyncOptions = {}): Promise<RunningEdgeSync> {
  const config = loadConfig(edgeSyncSettings, env);
  const log = createLogger({
    service: 'edge-sync',
    level: config.HOTLINE_LOG_LEVEL,
    logPii: config.HOTLINE_LOG_PII,
  });
  const metrics = createMetrics({ service: 'edge-sync', site: config.HOTLINE_SITE_ID });
  const m = edgeSyncMetrics(metrics);
  const lifecycle = new Lifecycle({
    log,
    shutdownTimeoutMs: config.HOTLINE_SHUTDOWN_TIMEOUT_MS,
    ...(options.exit ? { exit: options.exit } : {}),
  });
  const kubeConfig = loadKubeConfig(config.HOTLINE_EDGE_SYNC_KUBECONFIG);
  const namespace = config.HOTLINE_EDGE_SYNC_NAMESPACE;
  const source = (role: 'call-control' | 'media', labelSelector: string) =>
    new KubePodSource({
      kubeConfig,
      namespace,
      labelSelector,
      log: log.child({ role }),
      onRestart: () => m.watchRestarts.inc({ role }),
    });
  const mediaSelector = config.HOTLINE_EDGE_SYNC_RTPENGINE_SELECTOR;
  const dbDir = config.HOTLINE_EDGE_SYNC_RTPENGINE_DB_DIR;
  const rpcUrl = config.HOTLINE_EDGE_SYNC_KAMAILIO_RPC_URL;
  const sync = new EdgeSync({
    callControl: source('call-control', config.HOTLINE_EDGE_SYNC_CALL_CONTROL_SELECTOR),
    ...(mediaSelector && dbDir
      ? {
          media: source('media', mediaSelector),
          rtpengine: {
            dbDir,
            setId: config.HOTLINE_EDGE_SYNC_RTPENGINE_SET,
            port: config.HOTLINE_EDGE_SYNC_RTPENGINE_PORT,
          },
        }
      : {}),
    ...(rpcUrl === 'none'
      ? {}
      : {
          kamailio: new KamailioJsonRpc({
            url: rpcUrl,
            ...(config.HOTLINE_EDGE_SYNC_KAMAILIO_RPC_TOKEN
              ? { token: config.HOTLINE_EDGE_SYNC_KAMAILIO_RPC_TOKEN }
              : {}),
          }),
        }),
    events: new KubeEventReporter({
      kubeConfig,
      namespace,
      podName: config.HOTLINE_EDGE_SYNC_POD_NAME,
      nodeName: config.HOTLINE_EDGE_SYNC_NODE_NAME,
    }),
    files: new DiskTargetFiles(),
    metrics: m,
    log,
    dispatcher: {
      file: config.HOTLINE_EDGE_SYNC_DISPATCHER_FILE,
      ...(config.HOTLINE_EDGE_SYNC_DISPATCHER_BASE_FILE
        ? { baseFile: config.HOTLINE_EDGE_SYNC_DISPATCHER_BASE_FILE }
        : {}),
      setId: config.HOTLINE_EDGE_SYNC_DISPATCHER_SET,
      transport: config.HOTLINE_EDGE_SYNC_CALL_CONTROL_TRANSPORT,
      port: config.HOTLINE_EDGE_SYNC_CALL_CONTROL_PORT,
    },
    node: config.HOTLINE_EDGE_SYNC_NODE_NAME,
    debounceMs: config.HOTLINE_EDGE_SYNC_DEBOUNCE_MS,
  });

  // The ops listener comes up first: /healthz answers while the first listing is under way,
  // /readyz only once the lists are written (the Kamailio container waits for that).
  const ops = await startOpsServer({
    host: config.HOTLINE_HTTP_HOST,
    port: config.HOTLINE_HTTP_PORT,
    service: 'edge-sync',
    lifecycle,
    metrics,
    checks: [
      {
        name: 'target-lists',
        check: async () => {
          if (!sync.ready) throw new Error('first listing of the pods not written yet');
        },
      },
    ],
  });
  lifecycle.add({ name: 'http', stop: () => ops.close() });
  lifecycle.add(sync);
  if (options.installSignalHandlers !== false) lifecycle.installSignalHandlers();
  lifecycle.markRunning();
  await sync.start();
  log.info({ port: ops.port, namespace, site: config.HOTLINE_SITE_ID }, 'edge sync running');
  return { sync, lifecycle, port: ops.port, log };
}
