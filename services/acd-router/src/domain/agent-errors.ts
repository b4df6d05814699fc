import type { AgentState } from './types';

export type AgentTransitionCode =
  | 'illegal-transition'
  | 'already-in-state'
  | 'break-locked'
  | 'unknown-reason'
  | 'wrap-up-limit'
  | 'not-logged-in'
  | 'inactive-agent'
  | 'unknown-agent'
  | 'unknown-interaction';

/** An agent state change that is not allowed from where the agent is; nothing was changed. */
export class AgentTransitionError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: AgentTransitionCode,
    message: string,
    readonly state: AgentState,
  ) {
    super(message);
    this.name = 'AgentTransitionError';
  }
}
