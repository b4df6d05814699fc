import type { CallCommand } from '@hotline/contracts';
import { CallSession, type CallSessionDeps, type CommandOutcome } from './call-session';

// The call command "originate" (callbacks): the edge dials a number through the carrier gateway
// without an offer. A refusal or no answer completes the command with that outcome; an answer
// turns the far end's offer into a CallSession, answered at once, that carries out the commands
// that follow like any caller's (music on hold, a bridge to the agent kept for it).

export interface OriginateRequest {
  tenantId: string;
  callId: string;
  commandId: string;
  requestedBy: string;
  command: Extract<CallCommand, { action: 'originate' }>;
}

/** What a SIP final status to our INVITE means for whoever asked for the call. */
export function originateOutcomeOf(status: number): Exclude<CommandOutcome, 'done'> {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'rejected';
  // 408: nobody answered in the transaction's time; 480: unavailable; 487: our CANCEL at the ring timeout.
  if (status === 408 || status === 480 || status === 487) return 'no-answer';
  return 'failed';
}

/**
 * Dials, and resolves the answered call's session (already announced and answered) or null when
 * the far end did not answer. `adopt` runs before the session starts, so that the call is held
 * (and recorded in live state) before its first event goes out.
 */
export async function originateCall(
  deps: CallSessionDeps,
  request: OriginateRequest,
  adopt: (session: CallSession) => Promise<void>,
): Promise<CallSession | null> {
  const { tenantId, callId, commandId, requestedBy, command } = request;
  const legId = deps.newId('leg');
  const attempt = deps.dialer.originate(command.number, {
    callId,
    legId,
    callerId: command.callerId ?? 'anonymous',
  });
  const timer = deps.timers.setTimeout(() => attempt.cancel(), command.ringTimeoutMs);
  const result = await attempt.result.finally(() => deps.timers.clearTimeout(timer));
  if (result.kind === 'failed') {
    deps.log.info({ callId, status: result.status, reason: result.reason }, 'originated call not answered');
    await deps.events.emit('call.command.completed', tenantId, {
      commandId,
      callId,
      action: 'originate',
      outcome: originateOutcomeOf(result.status),
      error: `${result.status} ${result.reason}`.slice(0, 500),
    });
    return null;
  }
  const session = new CallSession(deps, result.offer, {
    callId,
    callerLegId: legId,
    tenantId,
    direction: 'outbound',
    originated: true,
  });
  await adopt(session);
  await session.startOriginated({ commandId, requestedBy, command });
  return session;
}
