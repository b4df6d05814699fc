import { runServe, runUp, startMain } from '@hotline/runtime';
import { serviceNames, type ServiceName } from '@hotline/platform';
import { runEdgeSync } from '@hotline/edge-sync';
import { runFlowCommand } from './commands/flow-simulate';
import { runSeedDemoCommand } from './commands/seed-demo';
import { services } from './service-registry';

const usage = `usage: hotline <command>

  up                  run every service in one process on embedded defaults
                      (settings: HOTLINE_DATA_DIR, HOTLINE_HTTP_PORT, ...)
  serve <service>     run one service on Kafka, MongoDB and Redis
                      (settings: HOTLINE_KAFKA_BROKERS, HOTLINE_MONGO_URL, HOTLINE_REDIS_URL, ...)
  edge-sync           keep Kamailio's call-control and rtpengine targets in sync with Kubernetes
  services            list the services
  seed-demo           provision the demo tenant through a running API (hotline seed-demo --help)
  flow simulate <f>   run a flow file with scripted input, no SIP (hotline flow simulate --help)
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
  case 'edge-sync':
    await startMain(() => runEdgeSync(process.env));
    break;
  case 'flow':
    process.exitCode = await runFlowCommand(rest);
    break;
  case 'seed-demo':
    process.exitCode = await runSeedDemoCommand(rest, process.env);
    break;
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
