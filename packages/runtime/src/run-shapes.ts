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
  const config = loadConfig(withServiceSettings(serveSettings, [service]), env);
  return runProcess({
    ...options,
    name: service.name,
    shape: 'serve',
    config,
    env,
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
  const config = loadConfig(withServiceSettings(upSettings, services), env);
  return runProcess({
    ...options,
    name: 'hotline',
    shape: 'up',
    config,
    env,
    services,
    connect: () => openUpAdapters(config),
  });
}

/** The shape's settings plus each service's own, so one check names every bad key. */
export function withServiceSettings<S extends NonNullable<ServiceModule['settings']>>(
  base: S,
  services: ServiceModule[],
): S {
  return services.reduce<S>(
    (schema, service) =>
      service.settings ? (schema.extend(service.settings.shape) as unknown as S) : schema,
    base,
  );
}
