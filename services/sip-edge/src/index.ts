import { loadConfig, type ServiceModule } from '@hotline/platform';
import { startSipEdge } from './edge/start-sip-edge';
import { sipEdgeSettings } from './settings';

export { startSipEdge, type SipEdge } from './edge/start-sip-edge';
export { sipEdgeSettings, type SipEdgeSettings } from './settings';

/**
 * SIP and media: call control behind Kamailio, media anchored in rtpengine, driven by
 * call-control commands (hotline.call-commands.v1) and reporting every step as call events.
 */
export const service: ServiceModule = {
  name: 'sip-edge',
  settings: sipEdgeSettings,
  async start(deps) {
    const settings = loadConfig(sipEdgeSettings, deps.env ?? {}, { ownedPrefixes: [] });
    const edge = await startSipEdge(deps, settings);
    deps.log.info('service started');
    return edge;
  },
};
