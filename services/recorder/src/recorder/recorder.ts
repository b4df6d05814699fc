import { createHash } from 'node:crypto';
import { makeEvent, type EventData, type EventType, type HotlineEvent } from '@hotline/contracts';
import { DuplicateKeyError, type Collection, type DocumentStore } from '@hotline/document-store';
import { publishEvents, type EventBus, type EventSelector } from '@hotline/event-bus';
import type { Logger } from '@hotline/platform';
import { Collections, type Hotline } from '@hotline/provisioning';
import { decideRecording, type ScopedPolicy } from '../domain/policy';
import {
  RecorderCollections,
  recordedMs,
  type RecordingDoc,
  type RecordingTrigger,
} from '../domain/recording';
import {
  policyId,
  update,
  upsert,
  type CallDoc,
  type CommandDoc,
  type PolicyDoc,
} from '../domain/recorder-docs';
import type { CallerMedia } from '../media/capture-to-wav';

export const SOURCE = 'recorder';

export interface RecorderDeps {
  store: DocumentStore;
  bus: EventBus;
  log: Logger;
  /** Which side of a call is the caller, asked of rtpengine while it is recorded. */
  callerMedia: (callId: string) => Promise<CallerMedia | null>;
  /** A recording is ready to be converted (the call ended). */
  onReady?: () => void;
}

/** The recording a policy starts for a call: one per call, its id derived from the call's. */
export const policyRecordingId = (callId: string): string =>
  `rec-${createHash('sha256').update(callId).digest('hex').slice(0, 24)}`;

/**
 * Follows calls and `record` commands and keeps each recording's document: decides by policy
 * when an agent is bridged, asks the edge to record (call.command.requested), and emits
 * recording.started/paused/stopped once the edge reports each step done. It is the only
 * emitter of recording.* events (sip-edge only executes commands).
 *
 * Every handler is idempotent: a redelivered event finds its work done and changes nothing.
 */
/**
 * What Recorder.handle acts on: the recorder's group is handed only these (the bus commits the
 * rest unread, among them every call command other than recording's). A test checks that the
 * recorder leaves everything else alone.
 */
export const recorderEventTypes = [
  'call.offered',
  'call.answered',
  'call.bridged',
  'call.command.requested:record',
  'call.command.completed:record',
  'call.ended',
] as const satisfies readonly EventSelector[];

export class Recorder {
  private readonly recordings: Collection<RecordingDoc>;
  private readonly calls: Collection<CallDoc>;
  private readonly commands: Collection<CommandDoc>;
  private readonly policies: Collection<PolicyDoc>;
  private readonly hotlines: Collection<Hotline>;

  constructor(private readonly deps: RecorderDeps) {
    this.recordings = deps.store.collection<RecordingDoc>(RecorderCollections.recordings);
    this.calls = deps.store.collection<CallDoc>(RecorderCollections.calls);
    this.commands = deps.store.collection<CommandDoc>(RecorderCollections.commands);
    this.policies = deps.store.collection<PolicyDoc>(RecorderCollections.policies);
    this.hotlines = deps.store.collection<Hotline>(Collections.hotlines);
  }

  async handle(event: HotlineEvent): Promise<void> {
    switch (event.type) {
      case 'call.offered':
        return this.offered(event);
      case 'call.answered':
        if (event.data.answeredBy === 'agent' && event.data.agentId) {
          return this.agentJoined(event, event.data.callId, event.data.agentId, null);
        }
        return;
      case 'call.bridged':
        if (event.data.agentId) {
          return this.agentJoined(event, event.data.callId, event.data.agentId, event.data.queueId ?? null);
        }
        return;
      case 'call.command.requested':
        if (event.data.command.action === 'record') return this.commandRequested(event);
        return;
      case 'call.command.completed':
        if (event.data.action === 'record') return this.commandCompleted(event);
        return;
      case 'call.ended':
        return this.ended(event);
      default:
        return;
    }
  }

  private callDoc(event: HotlineEvent, callId: string): Omit<CallDoc, '_rev'> {
    return {
      _id: callId,
      tenantId: event.tenantId,
      ani: null,
      dnis: null,
      hotlineId: null,
      queueId: null,
      agentId: null,
      at: event.occurredAt,
      endedAt: null,
    };
  }

  private async offered(event: HotlineEvent<'call.offered'>): Promise<void> {
    const d = event.data;
    await upsert(
      this.calls,
      d.callId,
      () => this.callDoc(event, d.callId),
      (call) => ({
        ...call,
        ani: d.ani,
        dnis: d.dnis,
        hotlineId: d.hotlineId ?? null,
      }),
    );
  }

  private async agentJoined(event: HotlineEvent, callId: string, agentId: string, queueId: string | null) {
    const call = await upsert(
      this.calls,
      callId,
      () => this.callDoc(event, callId),
      (c) =>
        c.agentId === agentId && (queueId === null || c.queueId === queueId)
          ? null
          : { ...c, agentId, queueId: queueId ?? c.queueId },
    );
    const policies = await this.policiesFor(event.tenantId, call);
    const decision = decideRecording(callId, policies);
    const existing = await this.recordings.findOne({ tenantId: event.tenantId, callId });
    if (existing) {
      // call.answered came first (no queue yet), or a transfer: the same recording goes on, the
      // first agent stays its owner, and a queue learned late is filled in.
      if (existing.queueId === null && call.queueId !== null) {
        await update(this.recordings, existing._id, (r) =>
          r.queueId === null ? { ...r, queueId: call.queueId, agentId: r.agentId ?? agentId } : null,
        );
      }
      return;
    }
    if (!decision.record) return;
    const recordingId = policyRecordingId(callId);
    try {
      await this.recordings.insert(
        this.newRecording(event.tenantId, recordingId, call, 'policy', decision.allowPause, event.occurredAt),
      );
    } catch (err) {
      if (err instanceof DuplicateKeyError) return;
      throw err;
    }
    const commandId = `${recordingId}-start`;
    await upsert(
      this.commands,
      commandId,
      () => this.commandDoc(commandId, event.tenantId, callId, event.occurredAt),
      (c) => ({
        ...c,
        request: { op: 'start' as const, recordingId, requestedBy: SOURCE },
      }),
    );
    await publishEvents(this.deps.bus, [
      makeEvent({
        type: 'call.command.requested',
        tenantId: event.tenantId,
        source: SOURCE,
        ...(event.traceparent ? { traceparent: event.traceparent } : {}),
        data: {
          commandId,
          callId,
          requestedBy: SOURCE,
          command: { action: 'record', op: 'start', recordingId },
        },
      }),
    ]);
    this.deps.log.info(
      { callId, recordingId, policy: decision.source, mode: decision.mode },
      'recording requested by policy',
    );
  }

  private newRecording(
    tenantId: string,
    id: string,
    call: CallDoc | null,
    trigger: RecordingTrigger,
    allowPause: boolean,
    at: string,
  ): Omit<RecordingDoc, '_rev'> {
    return {
      _id: id,
      tenantId,
      callId: call?._id ?? '',
      agentId: call?.agentId ?? null,
      queueId: call?.queueId ?? null,
      hotlineId: call?.hotlineId ?? null,
      ani: call?.ani ?? null,
      dnis: call?.dnis ?? null,
      trigger,
      status: 'starting',
      allowPause,
      createdAt: at,
      updatedAt: at,
      startedAt: null,
      endedAt: null,
      pauses: [],
      durationMs: null,
      sizeBytes: null,
      sha256: null,
      objectKey: null,
      contentType: null,
      retentionUntil: null,
      callerMedia: null,
      sidesKnown: null,
      error: null,
    };
  }

  private commandDoc(id: string, tenantId: string, callId: string, at: string): Omit<CommandDoc, '_rev'> {
    return { _id: id, tenantId, callId, at, request: null, outcome: null, applied: false };
  }

  private async policiesFor(tenantId: string, call: CallDoc): Promise<ScopedPolicy[]> {
    const [tenant, queue, hotline] = await Promise.all([
      this.policies.get(policyId(tenantId)),
      call.queueId ? this.policies.get(policyId(tenantId, call.queueId)) : null,
      call.hotlineId ? this.hotlines.get(call.hotlineId) : null,
    ]);
    const out: ScopedPolicy[] = [];
    if (tenant?.tenantId === tenantId) out.push({ source: 'tenant', policy: tenant.policy });
    if (queue?.tenantId === tenantId) out.push({ source: 'queue', policy: queue.policy });
    if (hotline?.tenantId === tenantId && hotline.recording)
      out.push({ source: 'hotline', policy: hotline.recording });
    return out;
  }

  private async commandRequested(event: HotlineEvent<'call.command.requested'>): Promise<void> {
    const { commandId, callId, requestedBy, command } = event.data;
    if (command.action !== 'record') return;
    await upsert(
      this.commands,
      commandId,
      () => this.commandDoc(commandId, event.tenantId, callId, event.occurredAt),
      (c) =>
        c.request
          ? null
          : { ...c, request: { op: command.op, recordingId: command.recordingId, requestedBy } },
    );
    await this.apply(commandId, event.traceparent);
  }

  private async commandCompleted(event: HotlineEvent<'call.command.completed'>): Promise<void> {
    const { commandId, callId, outcome, error } = event.data;
    await upsert(
      this.commands,
      commandId,
      () => this.commandDoc(commandId, event.tenantId, callId, event.occurredAt),
      (c) => (c.outcome ? null : { ...c, outcome: { outcome, error: error ?? null, at: event.occurredAt } }),
    );
    await this.apply(commandId, event.traceparent);
  }

  /** Once a command's request and outcome are both known, its effect on the recording. */
  private async apply(commandId: string, traceparent?: string): Promise<void> {
    const command = await this.commands.get(commandId);
    if (!command?.request || !command.outcome || command.applied) return;
    const { op, recordingId, requestedBy } = command.request;
    const { outcome, at } = command.outcome;
    const tenantId = command.tenantId;
    const emits: { type: EventType; data: EventData<EventType> }[] = [];
    const done = outcome === 'done';

    if (op === 'start') {
      const call = await this.calls.get(command.callId);
      const callerMedia = done ? await this.deps.callerMedia(command.callId).catch(() => null) : null;
      const trigger: RecordingTrigger =
        requestedBy === SOURCE ? 'policy' : /supervisor/i.test(requestedBy) ? 'supervisor' : 'on-demand';
      const existing = await this.recordings.findOne({
        tenantId,
        callId: command.callId,
        status: { $in: ['recording', 'paused'] },
      });
      if (existing && existing._id !== recordingId) {
        // The edge records a call once: a second start names the running recording or is ignored.
        this.deps.log.warn(
          { callId: command.callId, recordingId, running: existing._id },
          'start of a second recording ignored',
        );
      } else {
        await upsert(
          this.recordings,
          recordingId,
          () =>
            this.newRecording(
              tenantId,
              recordingId,
              call && call.tenantId === tenantId ? call : null,
              trigger,
              true,
              at,
            ),
          (r): RecordingDoc | null => {
            emits.length = 0; // a retried change starts over
            if (r.tenantId !== tenantId) return null;
            const base = { ...r, callId: r.callId || command.callId, updatedAt: at };
            if (!done) {
              return r.status === 'starting'
                ? { ...base, status: 'failed', error: command.outcome?.error ?? outcome }
                : null;
            }
            if (r.status !== 'starting' && r.status !== 'stopped') return null;
            if (!r.startedAt)
              emits.push({
                type: 'recording.started',
                data: { callId: base.callId, recordingId, trigger: r.trigger },
              });
            const ended = call?.endedAt ?? null;
            // Started again after a stop: the stretch in between is kept as a pause.
            const pauses =
              r.status === 'stopped' && r.endedAt ? [...r.pauses, { from: r.endedAt, to: at }] : r.pauses;
            return {
              ...base,
              status: ended ? 'processing' : 'recording',
              pauses,
              startedAt: r.startedAt ?? at,
              endedAt: ended,
              callerMedia: callerMedia ?? r.callerMedia,
            };
          },
        );
      }
    } else if (done) {
      // A pause/resume/stop for a recording we never started changes nothing.
      await update(this.recordings, recordingId, (r): RecordingDoc | null => {
        emits.length = 0;
        if (r.tenantId !== tenantId) return null;
        const callId = r.callId;
        if (op === 'pause' && r.status === 'recording') {
          emits.push({ type: 'recording.paused', data: { callId, recordingId, paused: true } });
          return { ...r, status: 'paused', pauses: [...r.pauses, { from: at, to: null }], updatedAt: at };
        }
        if (op === 'resume' && r.status === 'paused') {
          emits.push({ type: 'recording.paused', data: { callId, recordingId, paused: false } });
          return { ...r, status: 'recording', pauses: closePauses(r.pauses, at), updatedAt: at };
        }
        if (op === 'stop' && (r.status === 'recording' || r.status === 'paused')) {
          const stopped = {
            ...r,
            status: 'stopped' as const,
            pauses: closePauses(r.pauses, at),
            endedAt: at,
            updatedAt: at,
          };
          emits.push({
            type: 'recording.stopped',
            data: {
              callId,
              recordingId,
              reason: /supervisor/i.test(requestedBy) ? 'supervisor' : 'on-demand',
              durationMs: recordedMs(stopped, at),
            },
          });
          return stopped;
        }
        return null;
      });
    }
    await upsert(
      this.commands,
      commandId,
      () => ({ ...command }),
      (c) => (c.applied ? null : { ...c, applied: true }),
    );
    await this.emit(tenantId, emits, traceparent);
  }

  private async ended(event: HotlineEvent<'call.ended'>): Promise<void> {
    const { callId } = event.data;
    await upsert(
      this.calls,
      callId,
      () => this.callDoc(event, callId),
      (c) => (c.endedAt ? null : { ...c, endedAt: event.occurredAt }),
    );
    const open = await this.recordings.find({
      tenantId: event.tenantId,
      callId,
      status: { $in: ['starting', 'recording', 'paused', 'stopped'] },
    });
    const at = event.occurredAt;
    for (const rec of open) {
      const emits: { type: EventType; data: EventData<EventType> }[] = [];
      await upsert(
        this.recordings,
        rec._id,
        () => rec,
        (r): RecordingDoc | null => {
          emits.length = 0;
          if (!['starting', 'recording', 'paused', 'stopped'].includes(r.status)) return null;
          if (r.status === 'starting') {
            return {
              ...r,
              status: 'failed',
              error: 'the call ended before recording started',
              updatedAt: at,
            };
          }
          const wasRunning = r.status !== 'stopped';
          const next: RecordingDoc = {
            ...r,
            status: 'processing',
            pauses: closePauses(r.pauses, at),
            endedAt: r.endedAt ?? at,
            updatedAt: at,
          };
          if (wasRunning) {
            emits.push({
              type: 'recording.stopped',
              data: { callId, recordingId: r._id, reason: 'call-ended', durationMs: recordedMs(next, at) },
            });
          }
          return next;
        },
      );
      await this.emit(event.tenantId, emits, event.traceparent);
    }
    if (open.length > 0) this.deps.onReady?.();
  }

  /** Publishes in the call's trace: `traceparent` of the event that led to these. */
  private async emit(
    tenantId: string,
    emits: { type: EventType; data: EventData<EventType> }[],
    traceparent?: string,
  ): Promise<void> {
    if (emits.length === 0) return;
    await publishEvents(
      this.deps.bus,
      emits.map((e) =>
        makeEvent({
          type: e.type,
          tenantId,
          source: SOURCE,
          data: e.data,
          ...(traceparent ? { traceparent } : {}),
        } as Parameters<typeof makeEvent>[0]),
      ),
    );
  }
}

function closePauses(pauses: RecordingDoc['pauses'], at: string): RecordingDoc['pauses'] {
  return pauses.map((p) => (p.to === null ? { ...p, to: at } : p));
}
