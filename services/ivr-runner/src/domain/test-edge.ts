// Test support: a tiny stand-in for the SIP edge and the provisioning store around a CallRunner.
import { makeEvent, type HotlineEvent } from '@hotline/contracts';
import type { FlowDocument } from '@hotline/flows';
import type { EventSink, FlowCatalog, OutcomeStore, TenantConfigSource, TenantIvrConfig } from './ports';

export const tenantId = 'acme';

export class FakeCatalog implements FlowCatalog {
  constructor(
    readonly flows: Map<string, FlowDocument>,
    readonly mapping: (dnis: string) => string | null = () => [...flows.keys()][0] ?? null,
  ) {}
  async flowIdForCall(call: { dnis: string }) {
    return this.mapping(call.dnis);
  }
  async published(_tenant: string, flowId: string) {
    return this.flows.get(flowId) ?? null;
  }
  async version(_tenant: string, flowId: string, version: number) {
    const flow = this.flows.get(flowId);
    return flow && flow.version === version ? flow : null;
  }
}

export const noTenantConfig: TenantConfigSource = {
  load: async (): Promise<TenantIvrConfig> => ({ calendars: new Map(), lists: new Map(), allowedHosts: [] }),
};

export class CollectingSink implements EventSink {
  readonly published: HotlineEvent[] = [];
  async publish(events: HotlineEvent[]) {
    this.published.push(...events);
  }
  commands() {
    return this.published.flatMap((e) => (e.type === 'call.command.requested' ? [e.data] : []));
  }
  lastCommand() {
    return this.commands().at(-1);
  }
  of<T extends HotlineEvent['type']>(type: T): Extract<HotlineEvent, { type: T }>[] {
    return this.published.filter((e): e is Extract<HotlineEvent, { type: T }> => e.type === type);
  }
}

export class CollectingOutcomes implements OutcomeStore {
  readonly stored: unknown[] = [];
  async store(_tenant: string, effect: unknown) {
    this.stored.push(effect);
  }
}

export function offered(callId: string, extra: { ani?: string; dnis?: string } = {}): HotlineEvent {
  return makeEvent({
    type: 'call.offered',
    tenantId,
    source: 'sip-edge',
    data: {
      callId,
      legId: `${callId}-a`,
      direction: 'inbound',
      ani: extra.ani ?? '+4930111222',
      dnis: extra.dnis ?? '+4930999000',
      siteId: 'site-1',
    },
  });
}

export function completed(
  command: { commandId: string; callId: string; command: { action: string } },
  outcome: 'done' | 'timeout' | 'busy' = 'done',
  digits?: string,
): HotlineEvent {
  return makeEvent({
    type: 'call.command.completed',
    tenantId,
    source: 'sip-edge',
    data: {
      commandId: command.commandId,
      callId: command.callId,
      action: command.command.action,
      outcome,
      ...(digits !== undefined ? { digits } : {}),
    },
  });
}
