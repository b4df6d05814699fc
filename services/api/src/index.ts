import type { ServiceModule } from '@hotline/platform';
import { apiSettings, loadApiSettings } from './api-settings';
import { startApi } from './start-api';

export { apiSettings, loadApiSettings, type ApiSettings } from './api-settings';
export { startApi, type StartedApi } from './start-api';
export {
  seedDemoTenant,
  demoTenantId,
  demoCredentials,
  demoNumbers,
  type SeedResult,
} from './seed/demo-tenant';
export { httpTarget, inProcessTarget, SeedHttpError, type SeedTarget } from './seed/seed-target';

/** The provisioning API: tenants' hotlines, flows, queues, agents… under /v1 (OpenAPI at /v1/openapi.json). */
export const service: ServiceModule = {
  name: 'api',
  settings: apiSettings,
  start: (deps) => startApi(deps, loadApiSettings(deps.env ?? {})),
};
