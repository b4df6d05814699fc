import type { TransferTarget } from '../api/desk-api';
import type { CallLiveEvent } from '../live/live-types';

/**
 * What the agent typed in the transfer form, as a call target: a colleague's, queue's or flow's id, or
 * a number (digits, optionally with a leading +; spaces, dashes and brackets are dropped).
 */
export function targetOf(kind: TransferTarget['type'], value: string): TransferTarget | null {
  const v = value.trim();
  if (!v) return null;
  if (kind === 'agent') return { type: 'agent', agentId: v };
  if (kind === 'queue') return { type: 'queue', queueId: v };
  if (kind === 'flow') return { type: 'flow', flowId: v };
  const digits = v.replace(/[\s()-]/g, '');
  return /^\+?[0-9]{2,32}$/.test(digits) ? { type: 'external', number: digits } : null;
}

/** A party the agent asked to add to the call (the Desk API accepted the add-party command). */
export interface AddedParty {
  commandId: string;
  label: string;
}

export interface ConferenceMember {
  commandId: string;
  label: string;
  status: 'ringing' | 'joined' | 'not reached';
}

/**
 * The conference as the desk knows it: each added party is ringing until the edge reports how
 * its bridge command ended (call.command.completed, pushed on the live channel by command id).
 */
export function conferenceMembers(added: AddedParty[], events: CallLiveEvent[]): ConferenceMember[] {
  return added.map((party) => {
    const done = events.find((e) => e.type === 'call.command.completed' && e.commandId === party.commandId);
    const status = !done ? 'ringing' : done.outcome === 'done' ? 'joined' : 'not reached';
    return { ...party, status };
  });
}
