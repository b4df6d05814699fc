import type { ServiceModule } from '@hotline/platform';
import { recorderSettings } from '@hotline/recorder';
import { apiSettings, loadApiSettings } from './api-settings';
import { startApi } from './start-api';

export { apiSettings, loadApiSettings, type ApiSettings } from './api-settings';
export { startApi, type StartedApi } from './start-api';
export { authorize, type Authorize, type TenantPrincipal } from './http/authorize';
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
  // The API serves recordings' audio, so it reads the recorder's storage settings too.
  settings: apiSettings.extend(recorderSettings.shape),
  start: (deps) => startApi(deps, loadApiSettings(deps.env ?? {})),
};
