/* eslint-disable no-restricted-syntax -- an entry point: its settings come from the environment */
// The system under test in its production shape: `hotline serve <service>`, one process per
// service on Kafka, MongoDB (FerretDB here) and Redis, through packages/runtime's composition root
// as `hotline serve` does. The run's topics and consumer groups are prefixed (the shared broker's
// other users never meet them: test/support/namespaced-bus), as are its database and Redis keys.
// JOURNEY_SERVICE names the service; "probe" runs the harness's probe alone on the same topics.
// Prints "journey-sut ready <pid> <http port>".
import { services } from '@hotline/cli';
import { Topics } from '@hotline/contracts';
import { openMongoStore } from '@hotline/document-store';
import { createKafkaBus } from '@hotline/event-bus';
import { createRedisLiveState } from '@hotline/live-state';
import { loadConfig, serveSettings, type ServiceName } from '@hotline/platform';
import { runProcess, startMain, withServiceSettings } from '@hotline/runtime';
import { namespacedBus } from '../../../test/support/namespaced-bus';
import { startProbe } from './probe';

const name = process.env.JOURNEY_SERVICE ?? '';
const prefix = process.env.JOURNEY_TOPIC_PREFIX ?? '';
if (!prefix) throw new Error('JOURNEY_TOPIC_PREFIX is required');
const brokers = (process.env.HOTLINE_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');

if (name === 'probe') {
  const bus = namespacedBus(await createKafkaBus({ brokers, clientId: `${prefix}probe` }), prefix);
  // The probe may come up before any service has made this run's topics.
  await bus.ensureTopics(Object.values(Topics).map((topic) => ({ name: topic })));
  await startProbe({
    bus,
    port: Number(process.env.JOURNEY_PROBE_PORT ?? 8790),
    serviceLevelMs: Number(process.env.JOURNEY_SERVICE_LEVEL_MS ?? 20_000),
  });
  process.stdout.write(`journey-sut ready ${process.pid} ${process.env.JOURNEY_PROBE_PORT}\n`);
} else {
  if (!(name in services)) throw new Error(`JOURNEY_SERVICE: no service "${name}"`);
  const service = services[name as ServiceName];
  await startMain(async () => {
    const config = loadConfig(withServiceSettings(serveSettings, [service]), process.env);
    const running = await runProcess({
      name: service.name,
      shape: 'serve',
      config,
      env: process.env,
      services: [service],
      connect: async (log) => {
        const kafka = await createKafkaBus({
          brokers: [...config.HOTLINE_KAFKA_BROKERS],
          clientId: `${prefix}${service.name}`,
          log: (level, message, fields) => log[level]({ kafka: fields }, message),
        });
        const store = await openMongoStore({
          url: config.HOTLINE_MONGO_URL,
          dbName: config.HOTLINE_MONGO_DB,
        });
        const live = await createRedisLiveState({
          url: config.HOTLINE_REDIS_URL,
          keyPrefix: config.HOTLINE_REDIS_PREFIX,
        });
        return { bus: namespacedBus(kafka, prefix), store, live };
      },
    });
    process.stdout.write(`journey-sut ready ${process.pid} ${running.port}\n`);
  });
}
