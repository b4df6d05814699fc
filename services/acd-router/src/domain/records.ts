// What the live state holds for an agent and a call, as the application reads and writes it. The
// version changes on every write: a change computed from a record commits only if the record is
// still at the version it was read at (adapters/scripts/commit.ts).

import type { AgentStatus } from './agent-state-machine';
import type { AgentProfile, CallSpec } from './types';

export interface QueueChannel {
  queueId: string;
  channel: string;
}

export interface AgentRecord {
  agentId: string;
  version: string;
  status: AgentStatus;
  profile: AgentProfile;
  /** The queues the agent serves with each queue's channel, as the ready indexes were built. */
  queues: QueueChannel[];
  /** The stored fields as read, so a commit writes only what changed (set by the store adapter). */
  stored?: Readonly<Record<string, string>>;
}

export type CallState = 'waiting' | 'reserved' | 'connected' | 'ended';

export interface CallRecord {
  version: string;
  spec: CallSpec;
  state: CallState;
  /** Place in the waiting set (queue-order.ts). */
  score: number;
  channel: string;
  /** Agents who missed this call: it is not offered to them again. */
  excluded: string[];
  /**
   * The agent the call is with: the one it was reserved for, or a transfer's target. Holds and the
   * end of the call go to this agent (unless listed in `gone`: their part already ended).
   */
  agentId?: string;
  /**
   * Agents on the connected call besides `agentId`, who took it without a reservation (a
   * conference member, a supervisor, a transfer's target before the transfer is reported); each
   * holds an interaction for it until it ends. Absent when none.
   */
  others?: string[];
  /**
   * Agents whose part of the connected call ended while the call went on (transferred away): late
   * or redelivered events naming them do not bring them back. Absent when none.
   */
  gone?: string[];
  reservationId?: string;
  reservedAt?: number;
  /** Key of the caller's sticky-agent memory (a hash of the caller's number, never the number). */
  callerKey?: string;
  /** The position last announced, to publish only changes. */
  announcedPosition?: number;
  announcedAt?: number;
  /** The stored fields as read, so a commit writes only what changed (set by the store adapter). */
  stored?: Readonly<Record<string, string>>;
}

/** The agent's queue list as one string: the reserve script compares it to detect stale indexes. */
export function queueListText(queues: readonly QueueChannel[]): string {
  return queues.map((q) => `${q.queueId}=${q.channel}`).join(',');
}

export function parseQueueList(text: string | undefined): QueueChannel[] {
  if (!text) return [];
  return text.split(',').map((pair) => {
    const [queueId = '', channel = 'voice'] = pair.split('=');
    return { queueId, channel };
  });
}
