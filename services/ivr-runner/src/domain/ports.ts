import type { HotlineEvent } from '@hotline/contracts';
import type {
  CallFlowState,
  CallInfo,
  Calendar,
  Effect,
  FlowDocument,
  HttpRequest,
  HttpResult,
} from '@hotline/flows';

/** A call's saved flow state and the version it was read at, for a checked save. */
export interface SavedState {
  state: CallFlowState;
  version: string;
}

/** Per-call flow state in live state: any ivr-runner instance can pick a call up from it. */
export interface CallStates {
  load(callId: string): Promise<SavedState | null>;
  /**
   * Saves only if the stored state is still at `version` (null: only if there is none). False
   * when another instance got there first.
   */
  save(state: CallFlowState, version: string | null): Promise<boolean>;
}

/** Published flows and which one answers a call (the hotline's flow mapping). */
export interface FlowCatalog {
  /** The flow id the call's hotline maps it to, or null when no hotline takes the call. */
  flowIdForCall(call: CallInfo): Promise<string | null>;
  /** The latest published version of a flow, or null when it has none. */
  published(tenantId: string, flowId: string): Promise<FlowDocument | null>;
  /** One published version (what a call in progress runs), or null. */
  version(tenantId: string, flowId: string, version: number): Promise<FlowDocument | null>;
}

/** What a tenant's flows may use at run time. */
export interface TenantIvrConfig {
  calendars: ReadonlyMap<string, Calendar>;
  lists: ReadonlyMap<string, ReadonlySet<string>>;
  allowedHosts: readonly string[];
}

export interface TenantConfigSource {
  load(tenantId: string): Promise<TenantIvrConfig>;
}

/** Keeps what callers leave behind: voicemails, callback requests, survey answers. */
export interface OutcomeStore {
  store(tenantId: string, effect: Extract<Effect, { kind: 'store' }>): Promise<void>;
}

export interface EventSink {
  publish(events: HotlineEvent[]): Promise<void>;
}

/** Carries out a CRM lookup, refusing hosts not on the list. */
export type HttpLookup = (request: HttpRequest, allowedHosts: readonly string[]) => Promise<HttpResult>;
