import type { CallCommand, PromptRef } from '@hotline/contracts';
import type { Calendar, FlowDocument, Scalar } from '../flow-schema';
import { initialState } from './call-state';
import { drive, type EffectPorts } from './driver';
import type {
  CallFlowState,
  CallInfo,
  CommandOutcome,
  CommandRequest,
  Effect,
  EmittedEvent,
  EngineInput,
  HttpRequest,
  HttpResult,
  TraceEntry,
} from './engine-types';

/**
 * A scripted caller and SIP edge for a flow: every command completes at once, and each digit
 * collection takes the next entry of `digits` ("1", "4#", "" for silence). No SIP, no network
 * unless `http` says so: the same engine and driver as the ivr-runner, so what the simulator
 * shows is what a call does.
 */
export interface SimulationScript {
  call: Partial<CallInfo> & { ani: string; dnis: string };
  /** One entry per digit collection; when they run out, the caller stays silent. */
  digits?: string[];
  /** After this many digit entries the caller hangs up (default: never). */
  hangUpAfterDigits?: number;
  /** The wall clock at the start; collect timeouts move it on. */
  now?: Date;
  /** Outcome of a bridge to an external number (default done). */
  transferOutcome?: CommandOutcome;
  http?: (request: HttpRequest) => Promise<HttpResult>;
  flows?: (flowId: string) => FlowDocument | null | Promise<FlowDocument | null>;
  calendars?: Record<string, Calendar>;
  lists?: Record<string, string[]>;
  /** Stops a flow that never ends (e.g. a menu looping on silence); default 200 commands. */
  maxCommands?: number;
}

export interface SimulatedPrompt {
  nodeId: string;
  prompt: string;
}

export interface SimulationResult {
  /** Node ids in the order the call entered them. */
  path: string[];
  prompts: SimulatedPrompt[];
  variables: Record<string, Scalar>;
  status: CallFlowState['status'] | 'stopped';
  state: CallFlowState;
  commands: CommandRequest[];
  events: EmittedEvent[];
  stored: Extract<Effect, { kind: 'store' }>[];
  trace: TraceEntry[];
  error?: { nodeId: string; message: string };
}

export function describePrompt(prompt: PromptRef): string {
  switch (prompt.kind) {
    case 'prompt':
      return `[${prompt.promptId}]`;
    case 'tts':
      return `"${prompt.text}"`;
    case 'silence':
      return `(${prompt.ms} ms silence)`;
    case 'say-number':
      return `(number ${prompt.value})`;
  }
}

export async function simulateFlow(flow: FlowDocument, script: SimulationScript): Promise<SimulationResult> {
  let clockMs = (script.now ?? new Date()).getTime();
  const clock = () => new Date(clockMs);
  const digits = [...(script.digits ?? [])];
  let digitsUsed = 0;
  const call: CallInfo = {
    callId: script.call.callId ?? 'sim-call',
    tenantId: script.call.tenantId ?? 'sim-tenant',
    ...script.call,
  };
  const commands: CommandRequest[] = [];
  const events: EmittedEvent[] = [];
  const stored: SimulationResult['stored'] = [];
  const trace: TraceEntry[] = [];
  const prompts: SimulatedPrompt[] = [];
  const ports: EffectPorts = {
    http: script.http ?? (async () => ({ ok: false, reason: 'no HTTP in this simulation' })),
    loadFlow: async (flowId) => (script.flows ? await script.flows(flowId) : null),
    store: async (effect) => void stored.push(effect),
  };
  const env = {
    calendar: (id: string) => script.calendars?.[id],
    listContains: (id: string, number: string) => script.lists?.[id]?.includes(number),
  };

  let state = initialState({ call, flow, runId: 'sim', now: clock() });
  let currentFlow = flow;
  let input: EngineInput = { type: 'start' };
  const maxCommands = script.maxCommands ?? 200;
  for (;;) {
    const result = await drive({ env: { ...env, flow: currentFlow }, clock, state, input, ports });
    state = result.state;
    currentFlow = result.flow;
    commands.push(...result.commands);
    events.push(...result.events);
    trace.push(...result.trace);
    const waiting = state.waiting;
    if (state.status !== 'running' || waiting?.kind !== 'command') break;
    if (commands.length >= maxCommands) {
      return finish('stopped');
    }
    const request = result.commands.find((c) => c.commandId === waiting.commandId)!;
    if ('prompts' in request.command) {
      for (const p of request.command.prompts)
        prompts.push({ nodeId: state.nodeId, prompt: describePrompt(p) });
    }
    if (
      request.command.action === 'collect' &&
      script.hangUpAfterDigits !== undefined &&
      digitsUsed >= script.hangUpAfterDigits
    ) {
      input = { type: 'call-ended' };
      continue;
    }
    input = complete(request.commandId, request.command);
  }
  return finish(state.status);

  function complete(commandId: string, command: CallCommand): EngineInput {
    switch (command.action) {
      case 'collect': {
        const entry = digits.shift() ?? '';
        digitsUsed++;
        if (entry === '') {
          clockMs += command.digits.firstDigitTimeoutMs;
          return { type: 'command-completed', commandId, outcome: 'timeout', digits: '' };
        }
        return { type: 'command-completed', commandId, outcome: 'done', digits: entry };
      }
      case 'bridge':
        return { type: 'command-completed', commandId, outcome: script.transferOutcome ?? 'done' };
      default:
        return { type: 'command-completed', commandId, outcome: 'done' };
    }
  }

  function finish(status: SimulationResult['status']): SimulationResult {
    return {
      path: events.flatMap((e) => (e.type === 'ivr.node.entered' ? [e.data.nodeId] : [])),
      prompts,
      variables: state.vars,
      status,
      state,
      commands,
      events,
      stored,
      trace,
      ...(state.error ? { error: state.error } : {}),
    };
  }
}
