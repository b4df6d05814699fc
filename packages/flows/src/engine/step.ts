import type { FlowNode } from '../flow-schema';
import { isFinal } from './call-state';
import type { CallFlowState, EngineEnv, EngineInput, StepResult } from './engine-types';
import { handlers, type NodeHandler, type ResumeInput } from './nodes';
import { FlowRuntimeError, Run, type Next } from './run';

/** Nodes a call may pass through without waiting for the caller before the flow is stopped. */
export const maxNodesPerStep = 100;
const maxPath = 200;

/**
 * The flow engine: a pure function from the saved state of one call and one input (a command
 * completion, a lookup answer, a hang-up) to the new state and what to do about it (commands for
 * the SIP edge, events, lookups, documents to store). It reads no clock and does no I/O: the caller
 * passes `env.now` and carries out the effects, so the same code runs in the ivr-runner, in the
 * simulator and in tests, and a replayed input gives the same answer.
 *
 * Idempotency: a call waits for exactly one command, lookup or flow at a time, by id. Any input
 * that does not carry that id (a duplicate, or one from before a retry) is ignored.
 */
export function step(env: EngineEnv, prior: CallFlowState, input: EngineInput): StepResult {
  if (isFinal(prior)) return ignored(prior);
  const run = new Run(env, structuredClone(prior));
  const { state } = run;
  try {
    if (input.type === 'call-ended') {
      endCall(run);
      return result(run);
    }
    let next: Next | undefined;
    switch (input.type) {
      case 'start':
        if (state.seq !== 0) return ignored(prior);
        if (state.answered) next = { goto: run.flow.start };
        else {
          run.note('answering the call');
          next = run.command({ action: 'answer' });
        }
        break;
      case 'command-completed': {
        const waiting = state.waiting;
        if (waiting?.kind !== 'command' || waiting.commandId !== input.commandId) return ignored(prior);
        state.waiting = null;
        if (input.outcome === 'call-gone') {
          endCall(run);
          return result(run);
        }
        if (waiting.action === 'answer' && state.nodeId === '') {
          if (input.outcome === 'done') {
            state.answered = true;
            next = { goto: run.flow.start };
          } else {
            run.note(`the call could not be answered: ${input.outcome}`);
            next = { done: 'failed' };
          }
        } else next = resume(run, input);
        break;
      }
      case 'http-completed':
      case 'flow-loaded': {
        const waiting = state.waiting;
        const expected = input.type === 'http-completed' ? 'http' : 'flow';
        if (waiting?.kind !== expected || waiting.requestId !== input.requestId) return ignored(prior);
        state.waiting = null;
        next = resume(run, input);
        break;
      }
    }
    advance(run, next);
  } catch (err) {
    if (!(err instanceof FlowRuntimeError)) throw err;
    failFlow(run, err);
  }
  return result(run);
}

/** Stops a call's flow at its current node, hanging up on the caller (e.g. flows transferring in a circle). */
export function stopFlow(env: EngineEnv, prior: CallFlowState, message: string): StepResult {
  if (isFinal(prior)) return ignored(prior);
  const run = new Run(env, structuredClone(prior));
  failFlow(run, new FlowRuntimeError(prior.nodeId, message));
  return result(run);
}

function handlerOf(node: FlowNode): NodeHandler<FlowNode> {
  return handlers[node.type] as NodeHandler<FlowNode>;
}

function currentNode(run: Run): FlowNode {
  const node = run.findNode(run.state.nodeId);
  if (!node) throw new FlowRuntimeError(run.state.nodeId, `node "${run.state.nodeId}" is not in the flow`);
  return node;
}

function resume(run: Run, input: ResumeInput): Next {
  const node = currentNode(run);
  const handler = handlerOf(node);
  if (!handler.resume) throw new FlowRuntimeError(node.id, `a ${node.type} node does not wait`);
  return handler.resume(run, node, input);
}

function advance(run: Run, first: Next): void {
  const { state } = run;
  let next = first;
  let hops = 0;
  while ('goto' in next) {
    if (++hops > maxNodesPerStep) {
      throw new FlowRuntimeError(
        next.goto,
        `more than ${maxNodesPerStep} nodes without waiting for the caller`,
      );
    }
    const node = run.findNode(next.goto);
    if (!node)
      throw new FlowRuntimeError(state.nodeId || next.goto, `node "${next.goto}" is not in the flow`);
    state.nodeId = node.id;
    state.attempt = 1;
    state.phase = null;
    state.scratch = {};
    state.path.push(node.id);
    if (state.path.length > maxPath) state.path.splice(0, state.path.length - maxPath);
    run.emit('ivr.node.entered', {
      callId: state.call.callId,
      flowId: state.flowId,
      flowVersion: state.flowVersion,
      nodeId: node.id,
      nodeType: node.type,
    });
    run.note('entered', node);
    next = handlerOf(node).enter(run, node);
  }
  if ('done' in next) {
    state.status = next.done;
    state.waiting = null;
  }
}

function endCall(run: Run): void {
  const node = run.findNode(run.state.nodeId);
  if (node) handlerOf(node).callEnded?.(run, node);
  run.state.status = 'ended';
  run.state.waiting = null;
  run.note('the caller hung up');
}

function failFlow(run: Run, err: FlowRuntimeError): void {
  const { state } = run;
  state.error = { nodeId: err.nodeId, message: err.message };
  state.status = 'failed';
  state.waiting = null;
  run.note(`flow failed at ${err.nodeId}: ${err.message}`);
  run.commandAndForget({ action: 'hangup', cause: 'failed' });
}

function result(run: Run): StepResult {
  return {
    state: run.state,
    commands: run.commands,
    events: run.events,
    effects: run.effects,
    trace: run.trace,
    ignored: false,
  };
}

function ignored(state: CallFlowState): StepResult {
  return { state, commands: [], events: [], effects: [], trace: [], ignored: true };
}
