import { service as acdRouter } from '@hotline/acd-router';
import { service as api } from '@hotline/api';
import { service as ivrRunner } from '@hotline/ivr-runner';
import type { ServiceModule, ServiceName } from '@hotline/platform';
import { service as recorder } from '@hotline/recorder';
import { service as reporting } from '@hotline/reporting';
import { service as sipEdge } from '@hotline/sip-edge';

/** Every service, in start order for `hotline up` (the API last: it takes traffic). */
export const services: Record<ServiceName, ServiceModule> = {
  'sip-edge': sipEdge,
  'ivr-runner': ivrRunner,
  'acd-router': acdRouter,
  recorder,
  reporting,
  api,
};
