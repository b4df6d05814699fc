import type { FlowDocument } from '../flow-schema';
import type {
  CallFlowState,
  CommandRequest,
  EmittedEvent,
  Effect,
  EngineEnv,
  EngineInput,
  HttpRequest,
  HttpResult,
  TraceEntry,
} from './engine-types';
import { step, stopFlow } from './step';

/** What the engine's effects need from the outside world. */
export interface EffectPorts {
  http(request: HttpRequest): Promise<HttpResult>;
  /** The published version of a flow of the same tenant, or null. */
  loadFlow(flowId: string): Promise<FlowDocument | null>;
  store(effect: Extract<Effect, { kind: 'store' }>): Promise<void>;
}

export interface DriveInput {
  /** The environment for the state's flow; `now` is re-read after each effect. */
  env: Omit<EngineEnv, 'now'>;
  clock: () => Date;
  state: CallFlowState;
  input: EngineInput;
  ports: EffectPorts;
}

export interface DriveResult {
  state: CallFlowState;
  /** The flow the state now runs (it changes on a transfer to another flow). */
  flow: FlowDocument;
  commands: CommandRequest[];
  events: EmittedEvent[];
  trace: TraceEntry[];
  ignored: boolean;
}

/** Lookups and flow loads one input may chain before the flow is stopped (flows transferring in a circle). */
export const maxEffectRounds = 16;

/**
 * Steps the engine on one input, then carries out its effects and feeds the answers of lookups
 * and flow loads back in, until the call waits for the SIP edge (or leaves the IVR). The result
 * is what to publish and the state to save. Nothing is saved here: a crash before the caller saves
 * loses nothing, because the same input replayed on the saved state gives the same ids.
 */
export async function drive({ env, clock, state, input, ports }: DriveInput): Promise<DriveResult> {
  let flow = env.flow;
  const commands: CommandRequest[] = [];
  const events: EmittedEvent[] = [];
  const trace: TraceEntry[] = [];
  let result = step({ ...env, flow, now: clock() }, state, input);
  if (result.ignored) return { state, flow, commands, events, trace, ignored: true };
  for (let round = 0; ; round++) {
    commands.push(...result.commands);
    events.push(...result.events);
    trace.push(...result.trace);
    let followUp: EngineInput | undefined;
    let loadedFlow: FlowDocument | null = null;
    for (const effect of result.effects) {
      if (effect.kind === 'store') await ports.store(effect);
      else if (effect.kind === 'http') {
        followUp = {
          type: 'http-completed',
          requestId: effect.requestId,
          result: await ports.http(effect.request),
        };
      } else {
        loadedFlow = await ports.loadFlow(effect.flowId);
        followUp = { type: 'flow-loaded', requestId: effect.requestId, flow: loadedFlow };
      }
    }
    if (!followUp) return { state: result.state, flow, commands, events, trace, ignored: false };
    // The step that takes a loaded flow still starts in the old one (at its transfer node).
    result =
      round + 1 >= maxEffectRounds
        ? stopFlow(
            { ...env, flow, now: clock() },
            result.state,
            `more than ${maxEffectRounds} lookups or flow transfers without waiting for the caller`,
          )
        : step({ ...env, flow, now: clock() }, result.state, followUp);
    if (loadedFlow && !result.ignored && result.state.flowId === loadedFlow.id) flow = loadedFlow;
  }
}
