// What the ACD listens to, and the protocol with the SIP edge for ringing agents.
//
// Ringing an agent (F-ACD-4, F-ACD-5):
// 1. The ACD reserves an agent for a call (one atomic step in live state), then publishes
//    agent.reserved (for the agent's desktop) and call.command.requested with action "bridge",
//    target the agent, ringTimeoutMs from the queue, and commandId = the reservation id.
// 2. The edge rings the agent's softphone and answers with call.command.completed for that
//    commandId:
//      done                  -> answered: the agent goes on-call, the call leaves the queue
//      no-answer | timeout   -> ring-no-answer: the call returns to its place in the queue and goes
//                               to the next agent; the agent is ready again, or not-ready
//                               ("system:ring-no-answer") after the queue's number of misses
//      rejected | busy       -> the agent rejected (or was busy): the same as a miss
//      failed                -> the agent could not be reached (softphone not registered): a miss
//      call-gone|interrupted -> the caller is gone: the offer is withdrawn without a miss
//    call.answered (answeredBy agent) and call.bridged with the agent also count as answered,
//    whichever comes first; the reservation id keeps a late report from touching a newer offer.
// 3. If the edge never reports (it died), the ACD takes the offer back itself ringTimeoutMs plus
//    a grace period after the reservation, as a "timeout".
// Transfers and conferences (app/transfers.ts): call.bridged / call.answered naming an agent the
// connected call was not reserved for makes that agent busy with it; call.transferred (blind or
// consultative) ends the from-agent's part, and a target agent takes the call over.
// Holding and resuming (call.held / call.resumed by the agent) move the agent on-hold and back;
// call.ended ends the agent's part (wrap-up for the queue's time) and queue.abandoned / call.ended
// take a waiting call out. Agent desktops and supervisors change agent states with
// agent.command.requested; refusals come back as agent.command.rejected.
//
// Callbacks (F-IVR-6, app/callbacks.ts): callback.requested from the IVR keeps an entry at the
// caller's place; when an agent is kept for it the ACD asks the edge to dial the caller
// (call.command.requested "originate", commandId dial-<reservation id>), and the originate's
// call.command.completed says whether the caller answered (then the agent is bridged as above).

import type { HotlineEvent } from '@hotline/contracts';
import type { EventSelector } from '@hotline/event-bus';
import type { AgentCommand } from './domain/agent-state-machine';
import type { Acd } from './app/acd';
import { isDialCommandId } from './app/callbacks';

export interface ConsumerHooks {
  /** config.changed for an agent or a queue: caches must forget it. */
  configChanged?: (tenantId: string, resource: string, resourceId: string) => void;
}

/**
 * The event types handleEvent acts on: the ACD's group is handed only these (the bus commits the
 * others unread, most of them the ACD's own agent and routing events, and the completions of
 * commands other than its rings). A test checks that handleEvent ignores everything else.
 */
export const acdEventTypes = [
  'queue.joined',
  'queue.abandoned',
  'call.offered',
  'call.answered',
  'call.bridged',
  'call.held',
  'call.resumed',
  'call.ended',
  'call.transferred',
  // Only the rings it asked for: the IVR's prompts and answers are most of a call's commands.
  'call.command.completed:bridge',
  // ...and the dials of callbacks.
  'call.command.completed:originate',
  'callback.requested',
  'agent.command.requested',
  'config.changed',
] as const satisfies readonly EventSelector[];

/** Handles one event; resolves to what it did, for metrics. */
export async function handleEvent(acd: Acd, event: HotlineEvent, hooks: ConsumerHooks = {}): Promise<string> {
  const t = event.tenantId;
  const trace = event.traceparent;
  switch (event.type) {
    case 'queue.joined':
      if (event.source === 'acd-router') return 'own-event';
      await acd.join(t, event.data, trace);
      return 'joined';
    case 'queue.abandoned':
      await acd.ended(t, event.data.callId, trace);
      return 'abandoned';
    case 'call.offered':
      await acd.callOffered(t, event.data.callId, event.data.ani);
      return 'offered';
    case 'call.answered':
      if (event.data.answeredBy !== 'agent') return 'ignored';
      await acd.answered(t, event.data.callId, event.data.agentId, trace);
      return 'answered';
    case 'call.bridged':
      if (!event.data.agentId) return 'ignored';
      await acd.answered(t, event.data.callId, event.data.agentId, trace);
      return 'answered';
    case 'call.held':
    case 'call.resumed':
      if (event.data.by !== 'agent') return 'ignored';
      await acd.holdChanged(t, event.data.callId, event.type === 'call.held', trace);
      return 'hold';
    case 'call.ended':
      await acd.ended(t, event.data.callId, trace);
      return 'ended';
    case 'call.transferred':
      // Blind or consultative: the agent it leaves is done with it, an agent it goes to takes it.
      if (!event.data.fromAgentId) return 'ignored';
      await acd.transferred(t, event.data, trace);
      return 'transferred';
    case 'call.command.completed': {
      const { callId, commandId, action, outcome } = event.data;
      if (action === 'originate') {
        // Somebody else's originate (not a callback's dial) is none of the ACD's business.
        if (!isDialCommandId(commandId)) return 'ignored';
        await acd.dialCompleted(t, callId, commandId, outcome, trace);
        return `dial-${outcome}`;
      }
      if (action !== 'bridge') return 'ignored';
      if (outcome === 'done') await acd.answered(t, callId, undefined, trace, commandId);
      else if (outcome === 'no-answer' || outcome === 'timeout')
        await acd.ringEnded(t, callId, commandId, outcome, trace);
      else if (outcome === 'rejected' || outcome === 'busy')
        await acd.ringEnded(t, callId, commandId, 'rejected', trace);
      else if (outcome === 'failed') await acd.ringEnded(t, callId, commandId, 'failed', trace);
      else await acd.ended(t, callId, trace);
      return `ring-${outcome}`;
    }
    case 'callback.requested':
      await acd.callbackRequested(t, event.data, trace);
      return 'callback-requested';
    case 'agent.command.requested': {
      const d = event.data;
      const command = commandOf(d);
      const result = await acd.agentCommand(t, d.agentId, command, d.by, d.commandId, trace);
      return result.ok ? 'agent-command' : 'agent-command-rejected';
    }
    case 'config.changed':
      hooks.configChanged?.(t, event.data.resource, event.data.resourceId);
      if (event.data.resource === 'agent' || event.data.resource === 'agents')
        await acd.profileChanged(t, event.data.resourceId);
      return 'config';
    default:
      return 'ignored';
  }
}

function commandOf(d: HotlineEvent<'agent.command.requested'>['data']): AgentCommand {
  switch (d.command) {
    case 'login':
      return { kind: 'login', ready: d.ready ?? false };
    case 'logout':
    case 'ready':
      return { kind: d.command };
    case 'not-ready':
      return { kind: 'not-ready', reason: d.reason ?? 'unspecified' };
    case 'break':
      return {
        kind: 'break',
        ...(d.reason ? { reason: d.reason } : {}),
        ...(d.lockMs ? { lockMs: d.lockMs } : {}),
      };
    case 'extend-wrap-up':
      // Without a length the state machine refuses it, and the desktop is told why.
      return { kind: 'extend-wrap-up', ms: d.extendMs ?? 0 };
  }
}
