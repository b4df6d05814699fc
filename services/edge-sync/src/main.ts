// The edge sync as its own process (a sidecar of every Kamailio pod; see charts/sip-edge).
// The same as `hotline edge-sync`.
import { startMain } from '@hotline/runtime';
import { runEdgeSync } from './run-edge-sync';

await startMain(() => runEdgeSync(process.env));
