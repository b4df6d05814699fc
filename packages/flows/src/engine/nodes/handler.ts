import type { FlowNode, FlowNodeType, NodeOf } from '../../flow-schema';
import type { EngineInput } from '../engine-types';
import type { Next, Run } from '../run';

/** An input that continues a waiting node. */
export type ResumeInput = Exclude<EngineInput, { type: 'start' } | { type: 'call-ended' }>;

export interface NodeHandler<N extends FlowNode> {
  /** The call arrives at the node. */
  enter(run: Run, node: N): Next;
  /** What the node waited for arrived. */
  resume?(run: Run, node: N, input: ResumeInput): Next;
  /** The caller hung up while the call was at this node (e.g. during a voicemail). */
  callEnded?(run: Run, node: N): void;
}

export type HandlerTable = { [T in FlowNodeType]: NodeHandler<NodeOf<T>> };
