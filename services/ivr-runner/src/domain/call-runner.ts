import { makeEvent, type EventType, type HotlineEvent } from '@hotline/contracts';
import {
  drive,
  initialState,
  type CallFlowState,
  type CallInfo,
  type CommandRequest,
  type EmittedEvent,
  type EngineInput,
  type FlowDocument,
} from '@hotline/flows';
import { callLogger, type Logger } from '@hotline/platform';
import type {
  CallStates,
  EventSink,
  FlowCatalog,
  HttpLookup,
  OutcomeStore,
  TenantConfigSource,
} from './ports';
import { stableUuid } from './stable-id';

export const source = 'ivr-runner';

export interface CallRunnerDeps {
  states: CallStates;
  flows: FlowCatalog;
  tenants: TenantConfigSource;
  outcomes: OutcomeStore;
  sink: EventSink;
  http: HttpLookup;
  clock: () => Date;
  log: Logger;
}

/** What handling one event came to, for metrics and tests. */
export type HandleOutcome = 'stepped' | 'ignored' | 'not-ours' | 'no-flow' | 'duplicate';

/** Another instance saved this call's state in between: the event is retried on the new state. */
export class CallStateConflictError extends Error {
  readonly code = 'ivr_state_conflict';
  readonly retryable = true;
  constructor(readonly callId: string) {
    super(`the flow state of call ${callId} changed while this step ran`);
    this.name = 'CallStateConflictError';
  }
}

/**
 * Runs flows durably. For each event of a call: load the call's state from live state, step the
 * engine, carry out its lookups, publish its commands and events, then save the state with a
 * check that nobody else saved in between. A crash anywhere before the save leaves the old state
 * and an uncommitted event, so the event is delivered again (to this or another instance) and the
 * step is replayed with the same command and event ids; the SIP edge and consumers drop the
 * copies. A crash after the save loses nothing: the next event continues from the saved step.
 */
/**
 * The event types CallRunner.handle acts on: the IVR's group is handed only these (the bus
 * commits the others unread). A test checks that every other type is 'not-ours'.
 */
export const ivrEventTypes = [
  'call.offered',
  'call.command.completed',
  'call.ended',
  'call.transferred',
] as const satisfies readonly EventType[];

export class CallRunner {
  constructor(private readonly deps: CallRunnerDeps) {}

  async handle(event: HotlineEvent): Promise<HandleOutcome> {
    switch (event.type) {
      case 'call.offered':
        return this.offered(event);
      case 'call.command.completed': {
        const { commandId, outcome, digits, error } = event.data;
        return this.continue(event.data.callId, {
          type: 'command-completed',
          commandId,
          outcome,
          ...(digits !== undefined ? { digits } : {}),
          ...(error !== undefined ? { error } : {}),
        });
      }
      case 'call.ended':
        return this.continue(event.data.callId, { type: 'call-ended' });
      case 'call.transferred':
        return event.data.target.type === 'flow'
          ? this.backToIvr(event, event.data.target.flowId)
          : 'not-ours';
      default:
        return 'not-ours';
    }
  }

  private async offered(event: HotlineEvent<'call.offered'>): Promise<HandleOutcome> {
    const { data } = event;
    if (data.direction !== 'inbound') return 'not-ours';
    if (await this.deps.states.load(data.callId)) return 'duplicate';
    const call: CallInfo = {
      callId: data.callId,
      tenantId: event.tenantId,
      ani: data.ani,
      dnis: data.dnis,
      legId: data.legId,
      ...(data.trunk ? { trunk: data.trunk } : {}),
      ...(data.hotlineId ? { hotlineId: data.hotlineId } : {}),
      ...(event.traceparent ? { traceparent: event.traceparent } : {}),
    };
    const log = this.callLog(call);
    const flowId = await this.deps.flows.flowIdForCall(call);
    if (flowId === null) {
      log.info({ pii: { dnis: call.dnis } }, 'no hotline takes this number');
      return 'not-ours';
    }
    const flow = await this.deps.flows.published(call.tenantId, flowId);
    if (!flow) {
      // The number is ours but its flow was never published: refuse the call rather than leave it ringing.
      log.error({ flowId }, 'the mapped flow has no published version; rejecting the call');
      await this.deps.sink.publish([
        this.commandEvent(call, {
          commandId: `ivr-reject-${event.id}`,
          command: { action: 'hangup', cause: 'rejected' },
        }),
      ]);
      return 'no-flow';
    }
    const state = initialState({ call, flow, runId: event.id, now: this.deps.clock() });
    log.info({ flowId, flowVersion: flow.version }, 'flow starts');
    return this.advance(state, null, flow, { type: 'start' });
  }

  private async backToIvr(event: HotlineEvent<'call.transferred'>, flowId: string): Promise<HandleOutcome> {
    const prior = await this.deps.states.load(event.data.callId);
    if (!prior) {
      this.deps.log.warn(
        { callId: event.data.callId, flowId },
        'transfer to a flow for a call the IVR never saw',
      );
      return 'not-ours';
    }
    if (prior.state.runId === event.id) return 'duplicate';
    const flow = await this.deps.flows.published(event.tenantId, flowId);
    if (!flow) {
      this.callLog(prior.state.call).error({ flowId }, 'transfer to a flow with no published version');
      return 'no-flow';
    }
    // The caller comes back with what the IVR already collected (F-IVR-5), on an answered call.
    const state = initialState({
      call: prior.state.call,
      flow,
      runId: event.id,
      now: this.deps.clock(),
      answered: true,
      vars: prior.state.vars,
    });
    return this.advance(state, prior.version, flow, { type: 'start' });
  }

  private async continue(callId: string, input: EngineInput): Promise<HandleOutcome> {
    const saved = await this.deps.states.load(callId);
    if (!saved) return 'not-ours';
    if (saved.state.status !== 'running') return 'ignored';
    const { state } = saved;
    const flow = await this.deps.flows.version(state.call.tenantId, state.flowId, state.flowVersion);
    if (!flow) throw new Error(`flow ${state.flowId}@${state.flowVersion} of a call in progress is gone`);
    return this.advance(state, saved.version, flow, input);
  }

  private async advance(
    state: CallFlowState,
    version: string | null,
    flow: FlowDocument,
    input: EngineInput,
  ): Promise<HandleOutcome> {
    const { tenantId, callId } = state.call;
    const tenant = await this.deps.tenants.load(tenantId);
    const result = await drive({
      env: {
        flow,
        calendar: (id) => tenant.calendars.get(id),
        listContains: (id, number) => tenant.lists.get(id)?.has(number),
      },
      clock: this.deps.clock,
      state,
      input,
      ports: {
        http: (request) => this.deps.http(request, tenant.allowedHosts),
        loadFlow: (flowId) => this.deps.flows.published(tenantId, flowId),
        store: (effect) => this.deps.outcomes.store(tenantId, effect),
      },
    });
    if (result.ignored) return 'ignored';
    const call = result.state.call;
    await this.deps.sink.publish([
      ...result.events.map((e) => this.ivrEvent(call, e)),
      ...result.commands.map((c) => this.commandEvent(call, c)),
    ]);
    if (!(await this.deps.states.save(result.state, version))) throw new CallStateConflictError(callId);
    const log = this.callLog(call);
    for (const t of result.trace)
      log.debug({ nodeId: t.nodeId, nodeType: t.nodeType, step: t.what }, 'flow step');
    if (result.state.error) log.warn({ error: result.state.error }, 'flow failed');
    else if (result.state.status !== 'running') log.info({ status: result.state.status }, 'flow finished');
    return 'stepped';
  }

  private ivrEvent(call: CallInfo, emitted: EmittedEvent): HotlineEvent {
    return makeEvent({
      type: emitted.type,
      data: emitted.data,
      tenantId: call.tenantId,
      source,
      id: stableUuid(emitted.seed),
      occurredAt: this.deps.clock(),
      ...(call.traceparent ? { traceparent: call.traceparent } : {}),
    } as Parameters<typeof makeEvent>[0]);
  }

  private commandEvent(call: CallInfo, request: CommandRequest): HotlineEvent {
    return makeEvent({
      type: 'call.command.requested',
      tenantId: call.tenantId,
      source,
      id: stableUuid(request.commandId),
      occurredAt: this.deps.clock(),
      ...(call.traceparent ? { traceparent: call.traceparent } : {}),
      data: {
        commandId: request.commandId,
        callId: call.callId,
        requestedBy: source,
        ...(request.queue ? { queue: request.queue } : {}),
        command: request.command,
      },
    });
  }

  private callLog(call: CallInfo): Logger {
    return callLogger(this.deps.log, call);
  }
}
