// Estimated wait for announcements (F-ACD-1). Once a queue has served calls, the observed gap
// between served calls (an exponentially weighted average) says how fast its line moves: a caller
// at position p waits about p gaps. Before that, the provisioned handle time spread over the
// agents logged in to the queue gives a first figure. Unknown (no agents, no history): undefined.

export interface WaitInputs {
  /** 1 for the call at the head. */
  position: number;
  /** Average time between two calls leaving the queue for an agent, if known. */
  serviceGapMs?: number;
  handleMs: number;
  agentsLoggedIn: number;
}

export function estimateWaitMs(input: WaitInputs): number | undefined {
  if (input.position < 1) return 0;
  if (input.serviceGapMs !== undefined && input.serviceGapMs > 0)
    return Math.round(input.position * input.serviceGapMs);
  if (input.agentsLoggedIn <= 0) return undefined;
  return Math.round(Math.ceil(input.position / input.agentsLoggedIn) * input.handleMs);
}

/** Folds one more gap into the average; the first gap is taken as it is. */
export function nextServiceGap(previous: number | undefined, gapMs: number, weight = 0.2): number {
  if (previous === undefined) return gapMs;
  return Math.round(previous * (1 - weight) + gapMs * weight);
}
