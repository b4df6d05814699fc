import type { FlowDocument } from '../flow-schema';
import type { CallFlowState, CallInfo } from './engine-types';

/** A fresh visit of a call to a flow; `runId` must be unique per visit (the triggering event id). */
export function initialState(input: {
  call: CallInfo;
  flow: FlowDocument;
  runId: string;
  now: Date;
  answered?: boolean;
  vars?: CallFlowState['vars'];
}): CallFlowState {
  return {
    v: 1,
    runId: input.runId,
    call: input.call,
    flowId: input.flow.id,
    flowVersion: input.flow.version,
    nodeId: '',
    status: 'running',
    vars: { ...input.flow.variables, ...input.vars },
    seq: 0,
    attempt: 0,
    phase: null,
    scratch: {},
    waiting: null,
    answered: input.answered ?? false,
    startedAt: input.now.toISOString(),
    path: [],
  };
}

export function isFinal(state: CallFlowState): boolean {
  return state.status !== 'running';
}
