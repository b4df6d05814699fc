import type { HotlineEvent } from '@hotline/contracts';
import type { LiveRealtime } from '../adapters/live-realtime';
import { subjectKeys, type ReportStore } from '../adapters/report-store';
import { agentEventTypes, buildAgentDay } from '../domain/agent-timeline';
import { buildCdr, callEventTypes } from '../domain/cdr-builder';
import { utcDay } from '../domain/event-order';
import { KeyedSerializer } from './keyed-serializer';

export interface ChangeListener {
  queueChanged(tenantId: string, queueId: string): void;
  agentChanged(tenantId: string, agentId: string): void;
}

/** Which records an event feeds: its call's CDR, its agent's day, or both (offers). */
export function subjectsOf(event: HotlineEvent): string[] {
  const subjects: string[] = [];
  const data = event.data as { callId?: unknown; agentId?: unknown };
  if (callEventTypes.has(event.type) && typeof data.callId === 'string')
    subjects.push(subjectKeys.call(data.callId));
  if (agentEventTypes.has(event.type) && typeof data.agentId === 'string')
    subjects.push(subjectKeys.agent(data.agentId, utcDay(event.occurredAt)));
  return subjects;
}

/**
 * One consumed event: kept once as a fact of every record it feeds, each record folded again from
 * all its facts and mirrored into real-time state. A redelivered event is not kept twice but still
 * refolds (a crash may have come between keeping and folding); the fold gives the same anyway.
 */
export class ReportingIngest {
  private readonly serial = new KeyedSerializer();

  constructor(
    private readonly reports: ReportStore,
    private readonly rt: LiveRealtime,
    private readonly changes: ChangeListener,
  ) {}

  /** What came of it, for metrics: ignored, stored or duplicate. */
  async handle(event: HotlineEvent): Promise<'ignored' | 'stored' | 'duplicate'> {
    const subjects = subjectsOf(event);
    if (subjects.length === 0) return 'ignored';
    const data = event.data as { callId?: string; agentId?: string };
    const t = event.tenantId;
    let fresh = false;
    for (const subject of subjects) {
      if (subject.startsWith('call:') && data.callId)
        fresh = (await this.call(t, data.callId, event)) || fresh;
      else if (data.agentId)
        fresh = (await this.agent(t, data.agentId, utcDay(event.occurredAt), event)) || fresh;
    }
    return fresh ? 'stored' : 'duplicate';
  }

  /** Keeps the event with its call's facts and folds the call's record again from all of them. */
  private call(tenantId: string, callId: string, event: HotlineEvent): Promise<boolean> {
    return this.serial.run(`${tenantId}|call|${callId}`, async () => {
      const { events, fresh } = await this.reports.addFact(event, subjectKeys.call(callId));
      const cdr = await this.reports.storeCdr(buildCdr(tenantId, callId, events));
      await this.rt.applyCdr(cdr);
      for (const q of cdr.queueIds) this.changes.queueChanged(tenantId, q);
      return fresh;
    });
  }

  private agent(tenantId: string, agentId: string, day: string, event: HotlineEvent): Promise<boolean> {
    return this.serial.run(`${tenantId}|agent|${agentId}|${day}`, async () => {
      const { events, fresh } = await this.reports.addFact(event, subjectKeys.agent(agentId, day));
      const agentDay = await this.reports.storeAgentDay(buildAgentDay(tenantId, agentId, day, events));
      await this.rt.applyAgentDay(agentDay);
      this.changes.agentChanged(tenantId, agentId);
      return fresh;
    });
  }
}
