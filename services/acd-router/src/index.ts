import type { ServiceModule } from '@hotline/platform';

// Shell: the service's work lands with its own issue. It already runs in both shapes.
export const service: ServiceModule = {
  name: 'acd-router',
  async start({ log }) {
    log.info('service started');
    return { name: 'acd-router', stop: async () => log.info('service stopped') };
  },
};
