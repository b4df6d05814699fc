import type { CallCommand, EventData, EventType, PromptRef } from '@hotline/contracts';
import { evaluate, parseExpression, renderTemplate, toText, type Expr, type Value } from '../expression';
import { ExpressionError } from '../expression/expression-error';
import type { FlowDocument, FlowNode, FlowPrompt, Scalar } from '../flow-schema';
import type {
  CallFlowState,
  CallStatus,
  CommandRequest,
  EmittedEvent,
  Effect,
  EngineEnv,
  TraceEntry,
} from './engine-types';

/** What a node does next: go to another node, wait for an input, or leave the flow. */
export type Next = { goto: string } | { wait: true } | { done: CallStatus };
export const waitForInput: Next = { wait: true };

/** A problem running a node (a bad expression value, a missing calendar): the flow fails there. */
export class FlowRuntimeError extends Error {
  readonly code = 'flow_runtime_error';
  readonly retryable = false;
  constructor(
    readonly nodeId: string,
    message: string,
  ) {
    super(message);
    this.name = 'FlowRuntimeError';
  }
}

const parsed = new Map<string, Expr>();
function compile(source: string): Expr {
  let expr = parsed.get(source);
  if (!expr) {
    expr = parseExpression(source);
    if (parsed.size > 2000) parsed.clear();
    parsed.set(source, expr);
  }
  return expr;
}

/** One step in progress: the state being changed and everything the step asks for. */
export class Run {
  readonly commands: CommandRequest[] = [];
  readonly events: EmittedEvent[] = [];
  readonly effects: Effect[] = [];
  readonly trace: TraceEntry[] = [];
  flow: FlowDocument;

  constructor(
    readonly env: EngineEnv,
    public state: CallFlowState,
  ) {
    this.flow = env.flow;
  }

  get now(): Date {
    return this.env.now;
  }

  nextId(prefix: string): string {
    this.state.seq += 1;
    return `${prefix}-${this.state.runId}-${this.state.seq}`;
  }

  command(command: CallCommand, queue?: CommandRequest['queue']): Next {
    const commandId = this.nextId('ivr');
    this.commands.push(queue ? { commandId, command, queue } : { commandId, command });
    this.state.waiting = { kind: 'command', commandId, action: command.action };
    return waitForInput;
  }

  /** A command whose completion the flow does not wait for (music on hold when queued, hang up). */
  commandAndForget(command: CallCommand, queue?: CommandRequest['queue']): void {
    const commandId = this.nextId('ivr');
    this.commands.push(queue ? { commandId, command, queue } : { commandId, command });
  }

  emit<T extends EventType>(type: T, data: EventData<T>): void {
    this.state.seq += 1;
    this.events.push({ type, data, seed: `${this.state.runId}:${this.state.seq}` } as EmittedEvent);
  }

  note(what: string, node?: FlowNode): void {
    const current = node ?? this.findNode(this.state.nodeId);
    this.trace.push({ nodeId: current?.id ?? this.state.nodeId, nodeType: current?.type ?? '-', what });
  }

  findNode(id: string): FlowNode | undefined {
    return this.flow.nodes.find((n) => n.id === id);
  }

  setVar(name: string, value: Value): void {
    this.state.vars[name] = toScalar(value);
  }

  resolve = (path: string[]): Value => {
    const [head, field, ...rest] = path;
    if (head === 'call' && rest.length === 0) {
      const call = this.state.call;
      switch (field) {
        case 'ani':
          return call.ani;
        case 'dnis':
          return call.dnis;
        case 'trunk':
          return call.trunk ?? null;
        case 'id':
        case 'callId':
          return call.callId;
        case 'hotlineId':
          return call.hotlineId ?? null;
        case 'flowId':
          return this.state.flowId;
      }
      return null;
    }
    if (head === 'input' && path.length === 1) return this.state.scratch.input ?? null;
    if (head !== undefined && path.length === 1) return this.state.vars[head] ?? null;
    return null;
  };

  /** Evaluates an expression of the current node; `field` names it in errors. */
  evaluate(source: string, field: string): Value {
    try {
      return evaluate(compile(source), this.resolve);
    } catch (err) {
      if (err instanceof ExpressionError)
        throw new FlowRuntimeError(this.state.nodeId, `${field}: ${err.message}`);
      throw err;
    }
  }

  render(template: string, field: string, escape?: (text: string) => string): string {
    try {
      return renderTemplate(template, this.resolve, escape);
    } catch (err) {
      if (err instanceof ExpressionError)
        throw new FlowRuntimeError(this.state.nodeId, `${field}: ${err.message}`);
      throw err;
    }
  }

  /** Prompts as the SIP edge plays them: TTS text with its `{{ }}` holes filled in. */
  prompts(list: FlowPrompt[], field = 'prompts'): PromptRef[] {
    return list.map((prompt, i) =>
      prompt.kind === 'tts' ? { ...prompt, text: this.render(prompt.text, `${field}.${i}.text`) } : prompt,
    );
  }
}

function toScalar(value: Value): Scalar {
  if (Array.isArray(value)) return toText(value);
  return value;
}
