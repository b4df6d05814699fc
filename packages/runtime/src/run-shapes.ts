import { loadConfig, serveSettings, upSettings, type Env, type ServiceModule } from '@hotline/platform';
import { connectServeAdapters, openUpAdapters } from './adapters';
import { runProcess, type RunningProcess } from './run-process';

export interface RunOptions {
  exit?: (code: number) => void;
  installSignalHandlers?: boolean;
}

/** `hotline serve <service>`: one service on Kafka, MongoDB and Redis. */
export function runServe(
  service: ServiceModule,
  env: Env,
  options: RunOptions = {},
): Promise<RunningProcess> {
  const config = loadConfig(serveSettings, env);
  return runProcess({
    ...options,
    name: service.name,
    shape: 'serve',
    config,
    services: [service],
    connect: (log) => connectServeAdapters(config, `hotline-${service.name}`, log),
  });
}

/** `hotline up`: every service in one process on the embedded defaults. */
export function runUp(
  services: ServiceModule[],
  env: Env,
  options: RunOptions = {},
): Promise<RunningProcess> {
  const config = loadConfig(upSettings, env);
  return runProcess({
    ...options,
    name: 'hotline',
    shape: 'up',
    config,
    services,
    connect: () => openUpAdapters(config),
  });
}
