/* eslint-disable no-restricted-syntax -- an entry point: its settings come from the environment */
// The system under test in its `hotline up` shape: every service in one process on the embedded
// adapters (in-process bus, on-disk store, memory live state), exactly as `hotline up` starts
// them, plus the harness's probe on the same bus. Started by run.ts in a child process so its CPU
// is measured apart from the load generators. Prints "journey-sut ready <pid> <http port>".
import { services } from '@hotline/cli';
import { runUp } from '@hotline/runtime';
import { startProbe } from './probe';

// JOURNEY_WITHOUT (diagnostic runs only): services left out, comma separated, to see what one
// service costs the others in the shared process.
const without = (process.env.JOURNEY_WITHOUT ?? '').split(',').filter(Boolean);
const unknown = without.filter((name) => !(name in services));
if (unknown.length > 0) throw new Error(`JOURNEY_WITHOUT: no service ${unknown.join(', ')}`);
const running = await runUp(
  Object.values(services).filter((s) => !without.includes(s.name)),
  process.env,
);
await startProbe({
  bus: running.adapters.bus,
  port: Number(process.env.JOURNEY_PROBE_PORT ?? 8790),
  serviceLevelMs: Number(process.env.JOURNEY_SERVICE_LEVEL_MS ?? 20_000),
});
process.stdout.write(`journey-sut ready ${process.pid} ${running.port}\n`);
