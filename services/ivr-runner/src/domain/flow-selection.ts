import type { FlowMapping } from '@hotline/provisioning';

export interface HotlineRouting {
  flowMappings: FlowMapping[];
  defaultFlowId: string;
}

/**
 * F-IVR-1: the flow that answers a call. Mappings are tried in order and every field a mapping
 * gives must match (the called number, the start of the caller's number, the inbound trunk); the
 * first match wins, else the hotline's default flow.
 */
export function selectFlowId(
  hotline: HotlineRouting,
  call: { dnis: string; ani: string; trunk?: string },
): string {
  const match = hotline.flowMappings.find(
    (m) =>
      (m.dnis === undefined || m.dnis === call.dnis) &&
      (m.aniPrefix === undefined || call.ani.startsWith(m.aniPrefix)) &&
      (m.trunkId === undefined || m.trunkId === call.trunk),
  );
  return match?.flowId ?? hotline.defaultFlowId;
}
