import { runServe, runUp, startMain } from '@hotline/runtime';
import { serviceNames, type ServiceName } from '@hotline/platform';
import { services } from './service-registry';

const usage = `usage: hotline <command>

  up                  run every service in one process on embedded defaults
                      (settings: HOTLINE_DATA_DIR, HOTLINE_HTTP_PORT, ...)
  serve <service>     run one service on Kafka, MongoDB and Redis
                      (settings: HOTLINE_KAFKA_BROKERS, HOTLINE_MONGO_URL, HOTLINE_REDIS_URL, ...)
  services            list the services
  help                this text

services: ${serviceNames.join(', ')}
`;

function fail(message: string): never {
  process.stderr.write(`hotline: ${message}\n\n${usage}`);
  process.exit(2);
}

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'up':
    await startMain(() => runUp(Object.values(services), process.env));
    break;
  case 'serve': {
    const name = rest[0];
    if (!name) fail('serve needs a service name');
    if (!(serviceNames as readonly string[]).includes(name)) fail(`unknown service "${name}"`);
    await startMain(() => runServe(services[name as ServiceName], process.env));
    break;
  }
  case 'services':
    process.stdout.write(`${serviceNames.join('\n')}\n`);
    break;
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(usage);
    break;
  default:
    fail(command ? `unknown command "${command}"` : 'no command given');
}
