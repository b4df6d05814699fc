import { makeEvent, type HotlineEvent } from '@hotline/contracts';
import type { Collection, DocumentStore } from '@hotline/document-store';
import { publishEvents, type EventBus } from '@hotline/event-bus';
import type { Logger } from '@hotline/platform';
import { Collections, type AuditActor, type AuditEntry } from '@hotline/provisioning';
import type { Principal } from '../auth/principal';
import type { Fields } from './resource-spec';
import { newId } from './ids';

export interface ChangeRecord {
  tenantId: string;
  principal: Principal;
  action: string;
  resource: string;
  resourceId: string;
  revision: number;
  eventAction: 'created' | 'updated' | 'deleted';
  before: Fields | null;
  after: Fields | null;
  requestId: string | null;
}

interface OutboxDoc {
  _id: string;
  _rev: number;
  tenantId: string;
  event: HotlineEvent;
  failedAt: string;
  attempts: number;
}

/**
 * After each committed write: one audit entry (who, what, when, before/after) and one
 * config.changed event so running services reload without a restart.
 *
 * Neither can share a transaction with the write (none are used: FerretDB 1.x has none), so
 * both come after it. The event is at-least-once: if the publish fails, it goes to the outbox
 * collection and a background loop retries it until the bus takes it; consumers are idempotent
 * by event id. What is lost is only the case where the store fails in the instant between the
 * write and the audit/outbox insert; that is logged at error level with the full change.
 */
export class ChangeLog {
  private readonly audit: Collection<AuditEntry>;
  private readonly outbox: Collection<OutboxDoc>;

  constructor(
    store: DocumentStore,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {
    this.audit = store.collection<AuditEntry>(Collections.auditLog);
    this.outbox = store.collection<OutboxDoc>(Collections.configOutbox);
  }

  async record(change: ChangeRecord): Promise<void> {
    const at = new Date().toISOString();
    try {
      await this.audit.insert({
        _id: newId('aud'),
        tenantId: change.tenantId,
        createdAt: at,
        updatedAt: at,
        actor: actorOf(change.principal),
        action: change.action,
        resource: change.resource,
        resourceId: change.resourceId,
        at,
        requestId: change.requestId,
        before: change.before,
        after: change.after,
      });
    } catch (err) {
      this.log.error({ err, change: { ...change, before: undefined, after: undefined } }, 'audit entry lost');
    }
    const event = makeEvent({
      type: 'config.changed',
      tenantId: change.tenantId,
      source: 'api',
      data: {
        resource: change.resource,
        resourceId: change.resourceId,
        action: change.eventAction,
        revision: change.revision,
      },
    });
    await this.publishOrStash(event);
  }

  private async publishOrStash(event: HotlineEvent): Promise<void> {
    try {
      await publishEvents(this.bus, [event]);
    } catch (err) {
      this.log.warn({ err, eventId: event.id }, 'config event not published; kept in the outbox');
      try {
        await this.outbox.insert({
          _id: event.id,
          tenantId: event.tenantId,
          event,
          failedAt: new Date().toISOString(),
          attempts: 1,
        });
      } catch (stashErr) {
        this.log.error({ err: stashErr, event }, 'config event lost: neither published nor kept');
      }
    }
  }

  /** Publishes what the outbox holds, oldest first; returns how many left it. */
  async drainOutbox(limit = 100): Promise<number> {
    const pending = await this.outbox.find({}, { sort: { failedAt: 1 }, limit });
    let sent = 0;
    for (const doc of pending) {
      try {
        await publishEvents(this.bus, [doc.event]);
      } catch (err) {
        this.log.warn(
          { err, eventId: doc._id, attempts: doc.attempts + 1 },
          'config event still not published',
        );
        await this.outbox.replace({ ...doc, attempts: doc.attempts + 1 }, doc._rev).catch(() => undefined);
        break;
      }
      await this.outbox.delete(doc._id);
      sent++;
    }
    return sent;
  }
}

function actorOf(principal: Principal): AuditActor {
  return { kind: principal.kind, id: principal.id };
}
