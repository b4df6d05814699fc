// The ACD application: turns what happens to calls and agents into atomic changes of live state,
// events, and explained decisions. Any number of instances may run this over the same live state;
// none keeps anything that another instance would need (the agent cache is only a cache).
//
// Matching runs from both sides, and each side writes before it reads, so that a call and an agent
// that become available at the same moment on two instances cannot miss each other: the call is
// in its waiting set before its instance reads the ready set, and the agent is in the ready set
// before its instance reads the waiting sets, so at least one of the two sees the other. Timers
// (relaxation, overflow, max wait, ring timeout, wrap-up) come due in one shared sorted set.

import { randomUUID } from 'node:crypto';
import type { EventData } from '@hotline/contracts';
import { AgentTransitionError } from '../domain/agent-errors';
import {
  type Actor,
  type AgentCommand,
  type AgentStatus,
  type TransitionResult,
  answered,
  applyCommand,
  held,
  interactionEnded,
  isRoutable,
  loggedOut,
  missed,
  resumed,
  wrapUpEnded,
} from '../domain/agent-state-machine';
import { type Candidate, selectAgents } from '../domain/candidate-selection';
import type { DecisionTrigger, RoutingDecision } from '../domain/decision';
import type { AcdStore, ConfigSource, DecisionLog } from '../domain/ports';
import { waitingScore } from '../domain/queue-order';
import type { AgentRecord, CallRecord, QueueChannel } from '../domain/records';
import {
  type Stage,
  admission,
  nextChangeAt,
  stageAt,
  waitOutcome,
  type WaitOutcome,
} from '../domain/routing-plan';
import { compileExpression } from '../domain/target-expression';
import type { CallSpec, OverflowRule, QueueConfig } from '../domain/types';
import { AgentCache } from './agent-cache';
import { callerKeyFor } from './caller-key';
import { type EventSink, Outbox } from './event-sink';
import { decisionSummary, describeOverflow, destinationId, explainDecision } from './explain';
import { queueStatus } from './queue-status';
import { Callbacks, awaitingDial, callbackEnded, dialRequest, notDueUntil } from './callbacks';
import { Conflict, retrying } from './conflict';
import { agentWrite, queueOf, waitingRecord } from './store-changes';
import { addTransitions, bridgeRequest } from './outgoing';
import { Transfers, agentsOf } from './transfers';

export { callerKeyFor } from './caller-key';
export { queueStatus, type QueueStatus } from './queue-status';
export { callbackCallId } from './callbacks';

export interface AcdLog {
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export interface AcdOptions {
  store: AcdStore;
  config: ConfigSource;
  events: EventSink;
  decisions: DecisionLog;
  /** Names this instance in decision records. */
  instance: string;
  now?: () => number;
  random?: () => number;
  newId?: () => string;
  log?: AcdLog;
  /** A waiting call is looked at again at least this often, whatever happens. Default 10 s. */
  retryMs?: number;
  /** Ready agents read per step, longest idle first. Default 64. */
  windowSize?: number;
  /** Ready agents looked at per decision at most, if none of the first windows match. Default 1000. */
  maxScan?: number;
  /** Agents of a shortlist tried before giving up on this decision. Default 5. */
  maxAttempts?: number;
  /** How long after its ring timeout a reservation the edge never reported is taken back. Default 5 s. */
  ringGraceMs?: number;
  /** How long a caller's last agent is remembered for sticky routing. Default 7 days. */
  stickyMemoryMs?: number;
  /** Sticky wait for a preferred agent the IVR names when the queue has no sticky setting. Default 20 s. */
  preferredAgentWaitMs?: number;
  /** How long a claimed timer stays with its instance before another may take it. Default 5 s. */
  leaseMs?: number;
  /** Sees every decision as it is made (metrics). */
  observe?: (decision: RoutingDecision) => void;
  /** How long the edge rings a caller being called back (F-IVR-6). Default 30 s. */
  callbackRingTimeoutMs?: number;
  /** Dials of a callback before it ends unreached. Default 3. */
  callbackMaxAttempts?: number;
  /** Wait after an unanswered callback dial before the next. Default 5 min. */
  callbackRetryMs?: number;
}

export type RingOutcome = 'no-answer' | 'rejected' | 'failed' | 'timeout';
export type CommandResult = { ok: true } | { ok: false; error: AgentTransitionError };

const noLog: AcdLog = { warn: () => {}, error: () => {} };

export class Acd {
  private readonly store: AcdStore;
  private readonly config: ConfigSource;
  private readonly events: EventSink;
  private readonly decisions: DecisionLog;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly newId: () => string;
  private readonly log: AcdLog;
  private readonly observe: (decision: RoutingDecision) => void;
  readonly agents: AgentCache;
  private readonly o: Required<
    Pick<
      AcdOptions,
      | 'retryMs'
      | 'windowSize'
      | 'maxScan'
      | 'maxAttempts'
      | 'ringGraceMs'
      | 'stickyMemoryMs'
      | 'preferredAgentWaitMs'
      | 'leaseMs'
      | 'instance'
      | 'callbackRingTimeoutMs'
    >
  >;
  private readonly callbacks: Callbacks;
  private readonly transfers: Transfers;

  constructor(options: AcdOptions) {
    this.store = options.store;
    this.config = options.config;
    this.events = options.events;
    this.decisions = options.decisions;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    this.newId = options.newId ?? randomUUID;
    this.log = options.log ?? noLog;
    this.observe = options.observe ?? (() => {});
    this.agents = new AgentCache(this.store, this.now);
    this.o = {
      instance: options.instance,
      retryMs: options.retryMs ?? 10_000,
      windowSize: options.windowSize ?? 64,
      maxScan: options.maxScan ?? 1000,
      maxAttempts: options.maxAttempts ?? 5,
      ringGraceMs: options.ringGraceMs ?? 5000,
      stickyMemoryMs: options.stickyMemoryMs ?? 7 * 86_400_000,
      preferredAgentWaitMs: options.preferredAgentWaitMs ?? 20_000,
      leaseMs: options.leaseMs ?? 5000,
      callbackRingTimeoutMs: options.callbackRingTimeoutMs ?? 30_000,
    };
    const maxAttempts = options.callbackMaxAttempts ?? 3;
    // The contracts' limits (originate ringTimeoutMs, callback attempts).
    if (!(this.o.callbackRingTimeoutMs > 0 && this.o.callbackRingTimeoutMs <= 300_000))
      throw new RangeError('callbackRingTimeoutMs must be 1..300000');
    if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1 && maxAttempts <= 100))
      throw new RangeError('callbackMaxAttempts must be an integer 1..100');
    this.callbacks = new Callbacks({
      store: this.store,
      config: this.config,
      events: this.events,
      now: this.now,
      log: this.log,
      retryMs: options.callbackRetryMs ?? 300_000,
      maxAttempts,
      waitRetryMs: this.o.retryMs,
      callItem: this.callItem,
      routeCall: (tenantId, callId, trigger, known, traceparent) =>
        this.routeCall(tenantId, callId, trigger, known, traceparent),
      routeAgent: (tenantId, agentId, known, traceparent) =>
        this.routeAgent(tenantId, agentId, known, traceparent),
    });
    this.transfers = new Transfers({
      store: this.store,
      config: this.config,
      events: this.events,
      now: this.now,
      agentItem: this.agentItem,
      routeAgent: (tenantId, agentId, known, traceparent) =>
        this.routeAgent(tenantId, agentId, known, traceparent),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Calls

  /** call.offered: remember who calls (as a digest) for sticky routing. */
  async callOffered(tenantId: string, callId: string, ani: string): Promise<void> {
    await this.store.noteCallerKey(tenantId, callId, callerKeyFor(tenantId, ani), 4 * 3_600_000);
  }

  /** callback.requested: the IVR asks for the caller to be called back at their place (F-IVR-6). */
  callbackRequested(tenantId: string, data: EventData<'callback.requested'>, traceparent?: string) {
    return this.callbacks.requested(tenantId, data, traceparent);
  }

  /** call.command.completed for an originate: how the ACD's dial of a callback went. */
  dialCompleted(
    tenantId: string,
    callId: string,
    commandId: string,
    outcome: EventData<'call.command.completed'>['outcome'],
    traceparent?: string,
  ) {
    return this.callbacks.dialCompleted(tenantId, callId, commandId, outcome, traceparent);
  }

  /** queue.joined: the IVR puts a call in a queue (F-ACD-1). */
  async join(tenantId: string, data: EventData<'queue.joined'>, traceparent?: string): Promise<void> {
    const now = this.now();
    const out = new Outbox(tenantId, now, traceparent);
    const queue = await this.config.queue(tenantId, data.queueId);
    if (!queue) {
      out.add('queue.rejected', {
        callId: data.callId,
        queueId: data.queueId,
        reason: 'unknown-queue',
        waitMs: 0,
      });
      await this.events.publish(out.events);
      return;
    }
    const attached = data.attached ?? {};
    const spec: CallSpec = {
      tenantId,
      callId: data.callId,
      queueId: queue.queueId,
      priority: data.priority,
      requiredSkills: data.skills.map((s) => ({ skill: s.skill, minLevel: s.minLevel })),
      attached,
      enqueuedAt: now,
      queueJoinedAt: now,
      ...(traceparent ? { traceparent } : {}),
    };
    const callerKey = attached.ani
      ? callerKeyFor(tenantId, attached.ani)
      : await this.store.callerKeyOf(tenantId, data.callId);
    await this.enterQueue(tenantId, spec, queue, callerKey ?? undefined, out, 'joined', traceparent);
  }

  private async enterQueue(
    tenantId: string,
    spec: CallSpec,
    queue: QueueConfig,
    callerKey: string | undefined,
    out: Outbox,
    trigger: DecisionTrigger,
    traceparent?: string,
    replacing?: CallRecord,
  ): Promise<void> {
    const now = this.now();
    const needsLoad =
      queue.joinWhenEmpty !== 'never' || queue.overflow.some((r) => r.trigger.kind !== 'wait');
    if (needsLoad) {
      const load = await this.store.queueCounts(tenantId, queue.queueId);
      const verdict = admission(queue, load);
      if (verdict.kind === 'overflow') {
        await this.overflowAtJoin(tenantId, spec, queue, verdict.rule, callerKey, out, traceparent);
        return;
      }
      if (verdict.kind === 'refuse') {
        out.add('queue.rejected', {
          callId: spec.callId,
          queueId: queue.queueId,
          reason: verdict.reason,
          waitMs: 0,
        });
        this.recordSimple(spec, queue, trigger, 'refused', now, verdict.reason);
        await this.events.publish(out.events);
        return;
      }
    }
    await this.applySticky(tenantId, spec, queue, callerKey, now);
    const record = waitingRecord(spec, queue, callerKey);
    // Armed before the call exists, so an instance dying right after the enqueue loses nothing.
    await this.store.schedule(this.callItem(tenantId, spec.callId), now + this.o.retryMs, 'min');
    if (replacing) {
      if (!(await this.store.commit(tenantId, { calls: [{ before: replacing, after: record }] })))
        throw new Conflict();
    } else {
      const result = await this.store.enqueue(record, queue.maxSize);
      if (result.result === 'full') {
        out.add('queue.rejected', {
          callId: spec.callId,
          queueId: queue.queueId,
          reason: 'queue-full',
          waitMs: 0,
        });
        await this.events.publish(out.events);
        return;
      }
      if (result.result === 'exists') {
        if (result.state === 'connected') {
          await this.requeueConnected(tenantId, spec, queue, callerKey, out, traceparent);
        }
        // Otherwise a redelivered join, or a join that arrived after the call already ended.
        return;
      }
    }
    await this.events.publish(out.events);
    const routed = await this.routeCall(
      tenantId,
      spec.callId,
      trigger,
      { ...record, version: replacing ? String(Number(replacing.version) + 1) : '1' },
      traceparent,
    );
    if (routed !== 'reserved') await this.announcePosition(tenantId, spec.callId, queue, true, traceparent);
  }

  /** A connected call put back into a queue (transfer to queue): the agent's part of it ends. */
  private async requeueConnected(
    tenantId: string,
    spec: CallSpec,
    queue: QueueConfig,
    callerKey: string | undefined,
    out: Outbox,
    traceparent?: string,
  ): Promise<void> {
    await retrying(async () => {
      const [call] = await this.store.readCalls(tenantId, [spec.callId]);
      if (!call || call.state !== 'connected') return;
      await this.releaseAgentOf(tenantId, call, true, out);
      const [fresh] = await this.store.readCalls(tenantId, [spec.callId]);
      if (!fresh) return;
      await this.enterQueue(tenantId, spec, queue, callerKey, out, 'requeued', traceparent, fresh);
    });
  }

  /** Sticky routing: wait first for the agent the IVR names, or who last served this caller. */
  private async applySticky(
    tenantId: string,
    spec: CallSpec,
    queue: QueueConfig,
    callerKey: string | undefined,
    now: number,
  ): Promise<void> {
    const preferred = spec.attached.preferredAgentId;
    let agentId: string | null = null;
    let waitMs = 0;
    if (preferred) {
      agentId = preferred;
      waitMs = queue.sticky?.timeoutMs ?? this.o.preferredAgentWaitMs;
    } else if (queue.sticky && callerKey) {
      agentId = await this.store.lastAgent(tenantId, callerKey);
      waitMs = queue.sticky.timeoutMs;
    }
    if (!agentId || waitMs <= 0) return;
    const [agent] = await this.store.readAgents(tenantId, [agentId]);
    // Waiting for an agent who is not there, or does not serve this queue, would only delay the call.
    if (
      !agent ||
      agent.status.state === 'logged-out' ||
      !agent.queues.some((q) => q.queueId === queue.queueId)
    )
      return;
    spec.stickyAgentId = agentId;
    spec.stickyUntil = now + waitMs;
  }

  /**
   * Looks for an agent for one waiting call and reserves the best one it can get. Returns what
   * happened; the explanation goes to the decision log.
   */
  async routeCall(
    tenantId: string,
    callId: string,
    trigger: DecisionTrigger,
    known?: CallRecord,
    traceparent?: string,
    round = 0,
  ): Promise<'reserved' | 'waiting' | 'not-waiting' | 'left'> {
    const call = known ?? (await this.store.readCalls(tenantId, [callId]))[0];
    if (!call || call.state !== 'waiting') return 'not-waiting';
    const notBefore = notDueUntil(call.spec, this.now());
    if (notBefore !== undefined) {
      // A callback between dials: nothing to do for it before then.
      await this.store.schedule(this.callItem(tenantId, callId), notBefore, 'set');
      return 'waiting';
    }
    const queue = await queueOf(this.config, tenantId, call.spec.queueId);
    const now = this.now();
    // A callback is not a caller on the line: no max wait, overflow or leaving an emptied queue.
    const isCallback = call.spec.callback !== undefined;
    const needsLoad =
      !isCallback &&
      (queue.leaveWhenEmpty !== 'never' || queue.overflow.some((r) => r.trigger.kind === 'no-agents'));
    const load = needsLoad
      ? await this.store.queueCounts(tenantId, queue.queueId)
      : { waiting: 0, agentsLoggedIn: 1, agentsReady: 1 };
    const outcome = isCallback ? null : waitOutcome(call.spec, queue, load, now);
    if (outcome) {
      await this.applyWaitOutcome(tenantId, call, queue, outcome, traceparent);
      return 'left';
    }
    const stage = stageAt(call.spec, queue, now);
    let candidates: Candidate[] = [];
    let readyInQueue = 0;
    if (stage.kind === 'sticky') {
      const [agent] = await this.store.readAgents(tenantId, [stage.agentId]);
      if (!agent || agent.status.state === 'logged-out') {
        // The sticky agent left: stop waiting for them.
        const spec = { ...call.spec };
        delete spec.stickyAgentId;
        delete spec.stickyUntil;
        if (await this.store.commit(tenantId, { calls: [{ before: call, after: { ...call, spec } }] })) {
          const [fresh] = await this.store.readCalls(tenantId, [callId]);
          return fresh ? this.routeCall(tenantId, callId, trigger, fresh, traceparent) : 'not-waiting';
        }
        return this.routeCall(tenantId, callId, trigger, undefined, traceparent);
      }
      this.agents.remember(tenantId, agent);
      if (agent.queues.some((q) => q.channel === call.channel && isRoutable(agent.status, q.channel))) {
        candidates = [this.candidateOf(agent)];
      }
      readyInQueue = candidates.length;
    }
    let selection = selectAgents({
      call: call.spec,
      queue,
      stage,
      candidates,
      excluded: new Set(call.excluded),
      random: this.random,
    });
    if (stage.kind === 'targets') {
      for (let offset = 0; offset < this.o.maxScan; offset += this.o.windowSize) {
        const window = await this.store.readyWindow(tenantId, queue.queueId, offset, this.o.windowSize);
        readyInQueue = window.total;
        const profiles = await this.agents.get(
          tenantId,
          window.agents.map((a) => a.agentId),
        );
        const page = window.agents.map((a) => ({ ...a, profile: profiles.get(a.agentId)?.profile }));
        candidates = [...candidates, ...page];
        selection = selectAgents({
          call: call.spec,
          queue,
          stage,
          candidates,
          excluded: new Set(call.excluded),
          random: this.random,
          enough: this.o.maxAttempts,
        });
        if (selection.shortlist.length > 0 || window.agents.length < this.o.windowSize) break;
      }
    }
    const attempts = new Map<string, string>();
    const decisionId = this.newId();
    let callMoved = false;
    const explain = (outcome: Parameters<typeof explainDecision>[11]) =>
      explainDecision(
        this.o.instance,
        call,
        queue,
        stage,
        trigger,
        now,
        decisionId,
        selection,
        selection.examined,
        readyInQueue,
        attempts,
        outcome,
      );
    for (const candidate of selection.shortlist.slice(0, this.o.maxAttempts)) {
      const cached = (await this.agents.get(tenantId, [candidate.agentId])).get(candidate.agentId);
      if (!cached) continue;
      const reservationId = this.newId();
      const result = await this.store.reserve(
        call,
        { agentId: candidate.agentId, queues: cached.queues },
        reservationId,
        now,
        offeredState(call),
      );
      attempts.set(candidate.agentId, result.result);
      if (result.result === 'ok') {
        const decision = explain({ outcome: 'reserved', agentId: candidate.agentId, reservationId });
        await this.onReserved(
          tenantId,
          call,
          queue,
          candidate.agentId,
          reservationId,
          result,
          decision,
          traceparent,
        );
        return 'reserved';
      }
      if (result.result === 'stale-agent') this.agents.forget(tenantId, candidate.agentId);
      if (result.result === 'call-gone' || result.result === 'call-taken' || result.result === 'call-moved') {
        callMoved = true;
        break;
      }
    }
    const lost = attempts.size > 0;
    const decision = explain({ outcome: lost ? 'lost-race' : 'no-agent' });
    this.keep(decision);
    const out = new Outbox(tenantId, now, traceparent);
    out.add('routing.decision.made', decisionSummary(decision));
    await this.events.publish(out.events);
    if (lost && !callMoved && round === 0) {
      // Other decisions took every agent this one tried (calls of one queue arriving together all
      // want its longest-idle agent): look again at once rather than after a retry delay.
      return this.routeCall(tenantId, callId, trigger, undefined, traceparent, 1);
    }
    const next = nextChangeAt(call.spec, queue, now);
    const retryAt = now + (lost ? Math.min(1000, this.o.retryMs) : this.o.retryMs);
    await this.store.schedule(this.callItem(tenantId, callId), Math.min(next ?? Infinity, retryAt), 'min');
    return 'waiting';
  }

  private candidateOf(agent: AgentRecord): Candidate {
    return {
      agentId: agent.agentId,
      idleSince: agent.status.idleSince,
      handled: agent.status.handled,
      lastOffered: 0,
      profile: agent.profile,
    };
  }

  /** After the reserve script said yes: tell the agent's desktop and the SIP edge, and ring. */
  private async onReserved(
    tenantId: string,
    call: CallRecord,
    queue: QueueConfig,
    agentId: string,
    reservationId: string,
    result: { from: string; to: string },
    decision: RoutingDecision,
    traceparent?: string,
  ): Promise<void> {
    const now = decision.at;
    const { callId } = call.spec;
    this.keep(decision);
    // The call's own trace first: an agent freed by another call may be what reserved this one.
    const out = new Outbox(tenantId, now, call.spec.traceparent ?? traceparent);
    // The router rings at once, so the script left a ready agent ringing: both steps are published
    // (a callback not dialled yet leaves the agent reserved until the caller answers).
    if (result.from !== result.to) {
      out.add('agent.state.changed', {
        agentId,
        from: result.from as AgentStatus['state'],
        to: 'reserved',
        callId,
      });
      if (result.to !== 'reserved') {
        out.add('agent.state.changed', {
          agentId,
          from: 'reserved',
          to: result.to as AgentStatus['state'],
          callId,
        });
      }
    }
    out.add('agent.reserved', {
      agentId,
      callId,
      queueId: queue.queueId,
      reservationId,
      decisionId: decision.decisionId,
      // A callback's agent rings only once the caller answered: the offer lasts the dial too.
      ringTimeoutMs: awaitingDial(call)
        ? this.o.callbackRingTimeoutMs + queue.ringTimeoutMs
        : queue.ringTimeoutMs,
    });
    out.add(
      'call.command.requested',
      awaitingDial(call)
        ? dialRequest(call, reservationId, this.o.callbackRingTimeoutMs)
        : bridgeRequest(call, queue, agentId, reservationId),
    );
    out.add('routing.decision.made', decisionSummary(decision));
    // No timer to arm for the ring timeout: the call's own timer exists as long as the call waits
    // or rings, comes due within retryMs, and re-arms itself at the ring deadline (onTimer).
    await this.events.publish(out.events);
  }

  /** Finds a waiting call for an agent who just became free (F-ACD-2, fairness across queues). */
  async routeAgent(
    tenantId: string,
    agentId: string,
    known?: AgentRecord,
    traceparent?: string,
  ): Promise<boolean> {
    const agent = known ?? (await this.store.readAgents(tenantId, [agentId]))[0];
    if (!agent) return false;
    const queues = agent.queues.filter((q) => isRoutable(agent.status, q.channel));
    if (queues.length === 0) return false;
    this.agents.remember(tenantId, agent);
    const heads = await this.store.peekWaiting(
      tenantId,
      queues.map((q) => q.queueId),
      5,
    );
    if (heads.length === 0) return false;
    heads.sort((a, b) => a.score - b.score || (a.callId < b.callId ? -1 : 1));
    const calls = await this.store.readCalls(
      tenantId,
      heads.slice(0, 20).map((h) => h.callId),
    );
    const now = this.now();
    for (const call of calls) {
      if (!call || call.state !== 'waiting' || call.excluded.includes(agentId)) continue;
      if (notDueUntil(call.spec, now) !== undefined) continue;
      const queue = await queueOf(this.config, tenantId, call.spec.queueId);
      const stage = stageAt(call.spec, queue, now);
      const matched = this.matchedTarget(stage, queue, call.spec, agent);
      if (matched === undefined) continue;
      const reservationId = this.newId();
      const result = await this.store.reserve(
        call,
        { agentId, queues: agent.queues },
        reservationId,
        now,
        offeredState(call),
      );
      if (result.result === 'ok') {
        const selection = { shortlist: [], matchedTarget: matched, verdicts: [{ agentId, target: matched }] };
        const decision = explainDecision(
          this.o.instance,
          call,
          queue,
          stage,
          'agent-available',
          now,
          this.newId(),
          selection,
          1,
          1,
          new Map([[agentId, 'ok']]),
          {
            outcome: 'reserved',
            agentId,
            reservationId,
          },
        );
        await this.onReserved(tenantId, call, queue, agentId, reservationId, result, decision, traceparent);
        return true;
      }
      if (result.result === 'agent-busy' || result.result === 'agent-gone' || result.result === 'stale-agent')
        return false;
    }
    return false;
  }

  private matchedTarget(
    stage: Stage,
    queue: QueueConfig,
    call: CallSpec,
    agent: AgentRecord,
  ): number | undefined {
    if (stage.kind === 'sticky') return stage.agentId === agent.agentId ? -1 : undefined;
    for (let i = 0; i <= stage.widest; i++) {
      const target = queue.targets[i];
      if (target && compileExpression(target.expression).matches({ agent: agent.profile, call })) return i;
    }
    return undefined;
  }

  /** The edge reports how the ring ended without an answer (F-ACD-5): the call goes back to its place. */
  async ringEnded(
    tenantId: string,
    callId: string,
    reservationId: string,
    outcome: RingOutcome,
    traceparent?: string,
  ): Promise<void> {
    let agentId: string | undefined;
    let freed: AgentRecord | undefined;
    await retrying(async () => {
      const [first] = await this.store.readCalls(tenantId, [callId]);
      if (!first || first.state !== 'reserved' || first.reservationId !== reservationId || !first.agentId)
        return;
      const [agent, call] = await this.store.readAgentAndCall(tenantId, first.agentId, callId);
      if (!call || call.state !== 'reserved' || call.reservationId !== reservationId) return;
      agentId = call.agentId as string;
      const queue = await queueOf(this.config, tenantId, call.spec.queueId);
      const now = this.now();
      const result =
        agent && Object.hasOwn(agent.status.interactions, callId)
          ? missed(agent.status, callId, queue.maxMisses, now)
          : null;
      const back: Omit<CallRecord, 'version'> = {
        ...call,
        state: 'waiting',
        excluded: [...call.excluded, agentId],
      };
      delete back.agentId;
      delete back.reservationId;
      delete back.reservedAt;
      const ok = await this.store.commit(tenantId, {
        agents: agentWrite(agent, result),
        calls: [{ before: call, after: back }],
      });
      if (!ok) throw new Conflict();
      const out = new Outbox(tenantId, now, traceparent);
      addTransitions(out, agentId, result);
      out.add('agent.reservation.ended', {
        agentId,
        callId,
        reservationId,
        outcome,
        misses: result?.status.misses ?? 0,
      });
      await this.events.publish(out.events);
      if (agent && result)
        freed = { ...agent, status: result.status, version: String(Number(agent.version) + 1) };
    });
    if (!agentId) return;
    await this.routeCall(tenantId, callId, 'requeued', undefined, traceparent);
    if (freed) await this.routeAgent(tenantId, agentId, freed, traceparent);
  }

  /**
   * The agent answered (call.answered, call.bridged, or the bridge command completing "done"). An
   * agent named for a connected call joins it (transfers.ts).
   */
  async answered(
    tenantId: string,
    callId: string,
    agentId: string | undefined,
    traceparent?: string,
    reservationId?: string,
  ): Promise<void> {
    let connected = false;
    await retrying(async () => {
      const [first] = await this.store.readCalls(tenantId, [callId]);
      connected = first?.state === 'connected';
      if (!first || first.state !== 'reserved' || !first.agentId) return;
      // A callback's agent cannot answer before the caller has (the dial's completion rings them).
      if (awaitingDial(first)) return;
      if (agentId && first.agentId !== agentId) return;
      if (reservationId && first.reservationId !== reservationId) return;
      const [agent, call] = await this.store.readAgentAndCall(tenantId, first.agentId, callId);
      if (!call || call.state !== 'reserved' || call.agentId !== first.agentId) return;
      const now = this.now();
      const result =
        agent && Object.hasOwn(agent.status.interactions, callId)
          ? answered(agent.status, callId, now)
          : null;
      const ok = await this.store.commit(tenantId, {
        agents: agentWrite(agent, result),
        calls: [{ before: call, after: { ...call, state: 'connected' } }],
      });
      if (!ok) throw new Conflict();
      const out = new Outbox(tenantId, now, traceparent);
      addTransitions(out, call.agentId as string, result);
      out.add('agent.reservation.ended', {
        agentId: call.agentId as string,
        callId,
        reservationId: call.reservationId ?? 'unknown',
        outcome: 'answered',
        misses: 0,
      });
      if (call.spec.callback) {
        out.add('callback.ended', callbackEnded(call, 'connected', call.agentId));
      } else {
        out.add('queue.left', {
          callId,
          queueId: call.spec.queueId,
          reason: 'reserved',
          waitMs: Math.max(0, now - call.spec.queueJoinedAt),
        });
      }
      await this.events.publish(out.events);
      // A connected call never waits again unless it is queued anew (which arms a new timer).
      await this.store.unschedule(this.callItem(tenantId, callId));
      if (call.callerKey)
        await this.store.rememberAgent(
          tenantId,
          call.callerKey,
          call.agentId as string,
          this.o.stickyMemoryMs,
        );
    });
    if (connected && agentId && !reservationId)
      await this.transfers.bridged(tenantId, callId, agentId, traceparent);
  }

  /** The call ended (call.ended) or the caller gave up waiting (queue.abandoned). */
  async ended(tenantId: string, callId: string, traceparent?: string): Promise<void> {
    let freed: AgentRecord[] = [];
    await retrying(async () => {
      const [call] = await this.store.readCalls(tenantId, [callId]);
      if (!call || call.state === 'ended') return;
      // A callback's call exists once the caller answers a dial; how a dial ended comes with the
      // originate's completion, so an end before that is not the callback's.
      if (awaitingDial(call)) return;
      const out = new Outbox(tenantId, this.now(), traceparent);
      freed = await this.releaseAgentOf(tenantId, call, false, out);
      if (call.spec.callback && call.state !== 'connected')
        out.add('callback.ended', callbackEnded(call, 'abandoned'));
      await this.events.publish(out.events);
      await this.store.unschedule(this.callItem(tenantId, callId));
    });
    for (const agent of freed) await this.routeAgent(tenantId, agent.agentId, agent, traceparent);
  }

  /**
   * Ends the call's hold on its agents (offer withdrawn, or connected work done: the call's agent
   * and every other agent on it) and the call's record: a tombstone if the call ended, kept as it
   * is if `keepCall` (it is being requeued). Returns the agents freed.
   */
  private async releaseAgentOf(
    tenantId: string,
    call: CallRecord,
    keepCall: boolean,
    out: Outbox,
  ): Promise<AgentRecord[]> {
    const { callId } = call.spec;
    const now = this.now();
    const agentId = call.agentId;
    const agents = await this.store.readAgents(tenantId, agentsOf(call));
    const changes: { agent: AgentRecord; result: TransitionResult }[] = [];
    for (const agent of agents) {
      if (!agent || !Object.hasOwn(agent.status.interactions, callId)) continue;
      const queue = await queueOf(this.config, tenantId, call.spec.queueId);
      const result = interactionEnded(agent.status, callId, call.state === 'connected', queue.wrapUpMs, now);
      changes.push({ agent, result });
    }
    const ok = await this.store.commit(tenantId, {
      agents: changes.map(({ agent, result }) => ({
        before: agent,
        after: { ...agent, status: result.status },
      })),
      calls: [{ before: call, after: keepCall ? { ...call } : 'ended' }],
    });
    if (!ok) throw new Conflict();
    for (const { agent, result } of changes) addTransitions(out, agent.agentId, result);
    const agent = agents.find((a) => a?.agentId === agentId);
    if (call.state === 'reserved' && agentId) {
      out.add('agent.reservation.ended', {
        agentId,
        callId,
        reservationId: call.reservationId ?? 'unknown',
        outcome: 'call-gone',
        misses: agent?.status.misses ?? 0,
      });
    }
    for (const { agent, result } of changes) {
      if (result.status.wrapUpUntil !== undefined && result.status.state === 'wrap-up')
        await this.store.schedule(this.agentItem(tenantId, agent.agentId), result.status.wrapUpUntil, 'set');
    }
    return changes.map(({ agent, result }) => ({
      ...agent,
      status: result.status,
      version: String(Number(agent.version) + 1),
    }));
  }

  /**
   * A transfer (blind or consultative) took the caller away from an agent (F-AG-2): the agent's
   * part is done and goes to wrap-up as if the call had ended for it; an agent it went to takes
   * the call over (transfers.ts). The call's record stays until call.ended.
   */
  transferred(tenantId: string, data: EventData<'call.transferred'>, traceparent?: string): Promise<void> {
    return this.transfers.transferred(tenantId, data, traceparent);
  }

  /** The agent put the caller on hold or took them back (F-AG-2). */
  async holdChanged(tenantId: string, callId: string, onHold: boolean, traceparent?: string): Promise<void> {
    const [call] = await this.store.readCalls(tenantId, [callId]);
    if (!call || call.state !== 'connected' || !call.agentId) return;
    await this.mutateAgent(tenantId, call.agentId, traceparent, (agent) => {
      if (!agent || !Object.hasOwn(agent.status.interactions, callId)) return null;
      return onHold ? held(agent.status, callId, this.now()) : resumed(agent.status, callId, this.now());
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Agents

  /** A state change asked by an agent's desktop or a supervisor (F-AG-1, F-SV-4). */
  async agentCommand(
    tenantId: string,
    agentId: string,
    command: AgentCommand,
    by: Actor,
    commandId: string,
    traceparent?: string,
  ): Promise<CommandResult> {
    try {
      const after = await this.mutateAgent(
        tenantId,
        agentId,
        traceparent,
        async (agent) => {
          const now = this.now();
          if (command.kind === 'login') {
            const profile = await this.config.agent(tenantId, agentId);
            if (!profile)
              throw new AgentTransitionError(
                'unknown-agent',
                `agent ${agentId} is not provisioned`,
                'logged-out',
              );
            if (!profile.active)
              throw new AgentTransitionError(
                'inactive-agent',
                `agent ${agentId} is deactivated`,
                'logged-out',
              );
            const queues = await this.queueChannels(tenantId, profile.queueIds);
            const base = agent?.status ?? loggedOut(agentId, profile.capacity, now);
            const result = applyCommand(
              { ...base, capacity: profile.capacity },
              command,
              by,
              await this.rules(tenantId, queues),
              now,
            );
            return { result, profile, queues };
          }
          if (!agent)
            throw new AgentTransitionError(
              'not-logged-in',
              `agent ${agentId} is logged out: log in first`,
              'logged-out',
            );
          return applyCommand(agent.status, command, by, await this.rules(tenantId, agent.queues), now);
        },
        true,
      );
      if (after?.status.state === 'wrap-up' && after.status.wrapUpUntil !== undefined) {
        await this.store.schedule(this.agentItem(tenantId, agentId), after.status.wrapUpUntil, 'set');
      }
      if (after && after.queues.some((q) => isRoutable(after.status, q.channel)))
        await this.routeAgent(tenantId, agentId, after, traceparent);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof AgentTransitionError)) throw error;
      const out = new Outbox(tenantId, this.now(), traceparent);
      out.add('agent.command.rejected', {
        commandId,
        agentId,
        command: command.kind,
        code: error.code,
        message: error.message.slice(0, 500),
        state: error.state,
      });
      await this.events.publish(out.events);
      return { ok: false, error };
    }
  }

  /** The agent's profile changed in provisioning: rewrite it into live state if logged in. */
  async profileChanged(tenantId: string, agentId: string): Promise<void> {
    this.agents.forget(tenantId, agentId);
    const after = await this.mutateAgent(tenantId, agentId, undefined, async (agent) => {
      if (!agent || agent.status.state === 'logged-out') return null;
      const profile = await this.config.agent(tenantId, agentId);
      if (!profile) return null;
      const queues = await this.queueChannels(tenantId, profile.queueIds);
      return {
        result: { status: { ...agent.status, capacity: profile.capacity }, transitions: [] },
        profile,
        queues,
      };
    });
    if (after && after.queues.some((q) => isRoutable(after.status, q.channel)))
      await this.routeAgent(tenantId, agentId, after);
  }

  private async queueChannels(tenantId: string, queueIds: string[]): Promise<QueueChannel[]> {
    const out: QueueChannel[] = [];
    for (const queueId of queueIds) {
      const queue = await this.config.queue(tenantId, queueId);
      if (queue) out.push({ queueId, channel: queue.channel });
    }
    return out;
  }

  private async rules(tenantId: string, queues: QueueChannel[]) {
    let maxWrapUpExtensionMs = 0;
    for (const q of queues) {
      const queue = await this.config.queue(tenantId, q.queueId);
      if (queue) maxWrapUpExtensionMs = Math.max(maxWrapUpExtensionMs, queue.maxWrapUpExtensionMs);
    }
    return { reasonCodes: await this.config.reasonCodes(tenantId), maxWrapUpExtensionMs };
  }

  /**
   * Read, apply a pure transition, commit if nobody changed the agent meanwhile; on a conflict
   * start over. Publishes the transitions. `fn` returns null for "nothing to do".
   */
  private async mutateAgent(
    tenantId: string,
    agentId: string,
    traceparent: string | undefined,
    fn: (
      agent: AgentRecord | null,
    ) =>
      | TransitionResult
      | null
      | { result: TransitionResult; profile: AgentRecord['profile']; queues: QueueChannel[] }
      | Promise<
          | TransitionResult
          | null
          | { result: TransitionResult; profile: AgentRecord['profile']; queues: QueueChannel[] }
        >,
    allowMissing = false,
  ): Promise<AgentRecord | undefined> {
    let written: AgentRecord | undefined;
    await retrying(async () => {
      const [agent] = await this.store.readAgents(tenantId, [agentId]);
      if (!agent && !allowMissing) return;
      const change = await fn(agent ?? null);
      if (!change) return;
      const withProfile = 'result' in change ? change : null;
      const result = withProfile ? withProfile.result : (change as TransitionResult);
      const profile = withProfile?.profile ?? agent?.profile;
      const queues = withProfile?.queues ?? agent?.queues ?? [];
      if (!profile) return;
      const after = { status: result.status, profile, queues };
      if (!(await this.store.commit(tenantId, { agents: [{ before: agent ?? null, after }] })))
        throw new Conflict();
      written = { agentId, version: String(agent ? Number(agent.version) + 1 : 1), ...after };
      this.agents.remember(tenantId, written);
      const out = new Outbox(tenantId, this.now(), traceparent);
      addTransitions(out, agentId, result);
      await this.events.publish(out.events);
    });
    return written;
  }

  // ---------------------------------------------------------------------------------------------
  // Queue outcomes and timers

  private async overflowAtJoin(
    tenantId: string,
    spec: CallSpec,
    queue: QueueConfig,
    rule: OverflowRule,
    callerKey: string | undefined,
    out: Outbox,
    traceparent?: string,
  ): Promise<void> {
    const now = this.now();
    this.recordSimple(spec, queue, 'joined', 'overflow', now, describeOverflow(rule));
    out.add('queue.left', {
      callId: spec.callId,
      queueId: queue.queueId,
      reason: 'overflow',
      waitMs: 0,
      overflowTo: destinationId(rule),
    });
    if (rule.to.kind === 'site') {
      await this.events.publish(out.events);
      return;
    }
    const target = await this.config.queue(tenantId, rule.to.queueId);
    if (!target || target.queueId === queue.queueId) {
      out.add('queue.rejected', {
        callId: spec.callId,
        queueId: rule.to.queueId,
        reason: 'unknown-queue',
        waitMs: 0,
      });
      await this.events.publish(out.events);
      return;
    }
    this.announceJoin(out, spec, target, 1);
    // The overflow target's own overflow-at-join rules are not followed again: one hop only.
    await this.enterQueue(
      tenantId,
      { ...spec, queueId: target.queueId, queueJoinedAt: now },
      { ...target, overflow: target.overflow.filter((r) => r.trigger.kind === 'wait') },
      callerKey,
      out,
      'overflowed',
      traceparent,
    );
  }

  private announceJoin(out: Outbox, spec: CallSpec, queue: QueueConfig, position: number): void {
    out.add('queue.joined', {
      callId: spec.callId,
      queueId: queue.queueId,
      priority: spec.priority,
      skills: spec.requiredSkills,
      position,
      ...(Object.keys(spec.attached).length > 0 ? { attached: spec.attached } : {}),
    });
  }

  /** Overflow after a wait, max wait, or the queue emptied: the call leaves this queue. */
  private async applyWaitOutcome(
    tenantId: string,
    call: CallRecord,
    queue: QueueConfig,
    outcome: WaitOutcome,
    traceparent?: string,
  ): Promise<void> {
    const now = this.now();
    const { callId } = call.spec;
    const waitMs = Math.max(0, now - call.spec.queueJoinedAt);
    const out = new Outbox(tenantId, now, traceparent);
    if (outcome.kind === 'overflow' && outcome.rule.to.kind === 'queue') {
      const target = await this.config.queue(tenantId, outcome.rule.to.queueId);
      if (target && target.queueId !== queue.queueId) {
        const spec: CallSpec = { ...call.spec, queueId: target.queueId, queueJoinedAt: now };
        delete spec.stickyAgentId;
        delete spec.stickyUntil;
        const moved: Omit<CallRecord, 'version'> = {
          ...call,
          spec,
          score: waitingScore(spec.priority, target.priority, spec.enqueuedAt),
          channel: target.channel,
        };
        delete moved.announcedPosition;
        if (!(await this.store.commit(tenantId, { calls: [{ before: call, after: moved }] }))) return;
        this.recordSimple(call.spec, queue, 'timer', 'overflow', now, describeOverflow(outcome.rule));
        out.add('queue.left', {
          callId,
          queueId: queue.queueId,
          reason: 'overflow',
          waitMs,
          overflowTo: target.queueId,
        });
        this.announceJoin(out, spec, target, 1);
        await this.events.publish(out.events);
        await this.routeCall(
          tenantId,
          callId,
          'overflowed',
          { ...moved, version: String(Number(call.version) + 1) },
          traceparent,
        );
        return;
      }
    }
    if (!(await this.store.commit(tenantId, { calls: [{ before: call, after: 'ended' }] }))) return;
    await this.store.schedule(this.callItem(tenantId, callId), now, 'set');
    if (outcome.kind === 'overflow') {
      this.recordSimple(call.spec, queue, 'timer', 'overflow', now, describeOverflow(outcome.rule));
      out.add('queue.left', {
        callId,
        queueId: queue.queueId,
        reason: 'overflow',
        waitMs,
        overflowTo: destinationId(outcome.rule),
      });
    } else if (outcome.kind === 'max-wait') {
      this.recordSimple(
        call.spec,
        queue,
        'timer',
        'max-wait',
        now,
        `waited ${waitMs} ms of ${queue.maxWaitMs}`,
      );
      out.add('queue.left', { callId, queueId: queue.queueId, reason: 'max-wait', waitMs });
    } else {
      this.recordSimple(call.spec, queue, 'timer', 'left-empty', now, `queue rule ${queue.leaveWhenEmpty}`);
      out.add('queue.rejected', { callId, queueId: queue.queueId, reason: 'left-empty', waitMs });
    }
    await this.events.publish(out.events);
  }

  /** Publishes the caller's position and estimated wait if it changed (F-ACD-1 announcements). */
  async announcePosition(
    tenantId: string,
    callId: string,
    queue: QueueConfig,
    force: boolean,
    traceparent?: string,
  ): Promise<void> {
    const status = await queueStatus(this.store, tenantId, queue, callId);
    if (!status || status.position === 0) return;
    const [call] = await this.store.readCalls(tenantId, [callId]);
    if (!call || call.state !== 'waiting') return;
    const now = this.now();
    if (!force && call.announcedPosition === status.position) return;
    if (
      !force &&
      queue.positionEveryMs > 0 &&
      call.announcedAt !== undefined &&
      now - call.announcedAt < queue.positionEveryMs
    )
      return;
    // A lost race here only skips one announcement.
    if (
      !(await this.store.commit(tenantId, {
        calls: [{ before: call, after: { ...call, announcedPosition: status.position, announcedAt: now } }],
      }))
    )
      return;
    const out = new Outbox(tenantId, now, traceparent);
    out.add('queue.position.changed', {
      callId,
      queueId: queue.queueId,
      position: status.position,
      ...(status.estimatedWaitMs !== undefined ? { estimatedWaitMs: status.estimatedWaitMs } : {}),
    });
    await this.events.publish(out.events);
  }

  /** Handles due timers of every tenant; any instance may run this. Returns how many it handled. */
  async tick(limit = 200): Promise<number> {
    const claimed = await this.store.claimDue(this.now(), this.o.leaseMs, limit);
    for (const { item, lease } of claimed) {
      try {
        await this.onTimer(item, lease);
      } catch (error) {
        this.log.error({ err: error, item }, 'timer failed');
      }
    }
    return claimed.length;
  }

  private callItem = (tenantId: string, callId: string) => `call|${tenantId}|${callId}`;
  private agentItem = (tenantId: string, agentId: string) => `agent|${tenantId}|${agentId}`;

  private async onTimer(item: string, lease: number): Promise<void> {
    const [kind, tenantId, id] = item.split('|') as [string, string, string];
    const now = this.now();
    if (kind === 'agent') {
      const after = await this.mutateAgent(tenantId, id, undefined, (agent) => {
        if (!agent || agent.status.state !== 'wrap-up') return null;
        const result = wrapUpEnded(agent.status, now);
        return result.transitions.length > 0 ? result : null;
      });
      const [agent] = after ? [after] : await this.store.readAgents(tenantId, [id]);
      if (agent?.status.state === 'wrap-up' && agent.status.wrapUpUntil !== undefined) {
        await this.store.schedule(item, agent.status.wrapUpUntil, 'set');
        return;
      }
      await this.store.unscheduleIf(item, lease);
      if (after) await this.routeAgent(tenantId, id, after);
      return;
    }
    const [call] = await this.store.readCalls(tenantId, [id]);
    if (!call || call.state === 'ended' || call.state === 'connected') {
      await this.store.unscheduleIf(item, lease);
      return;
    }
    const queue = await queueOf(this.config, tenantId, call.spec.queueId);
    if (call.state === 'reserved') {
      const dialling = awaitingDial(call);
      const ringMs = dialling ? this.o.callbackRingTimeoutMs : queue.ringTimeoutMs;
      const deadline = (call.reservedAt ?? now) + ringMs + this.o.ringGraceMs;
      if (now >= deadline && call.reservationId) {
        // The edge never said how the ring (or the callback's dial) ended: take the offer back.
        if (dialling)
          await this.callbacks.dialFailed(tenantId, id, call.reservationId, 'failed', call.spec.traceparent);
        else await this.ringEnded(tenantId, id, call.reservationId, 'timeout', call.spec.traceparent);
      } else {
        await this.store.schedule(item, deadline, 'set');
      }
      return;
    }
    await this.store.schedule(item, now + this.o.retryMs, 'set');
    // A timer has no trace of its own: what it does for the call joins the call's.
    const routed = await this.routeCall(tenantId, id, 'timer', call, call.spec.traceparent);
    if (routed === 'waiting' && queue.positionEveryMs > 0 && !call.spec.callback)
      await this.announcePosition(tenantId, id, queue, false, call.spec.traceparent);
  }

  // ---------------------------------------------------------------------------------------------
  // Explanations

  private keep(decision: RoutingDecision): void {
    this.decisions.record(decision);
    this.observe(decision);
  }

  private recordSimple(
    spec: CallSpec,
    queue: QueueConfig,
    trigger: DecisionTrigger,
    outcome: RoutingDecision['outcome'],
    now: number,
    note: string,
  ): void {
    this.keep({
      decisionId: this.newId(),
      tenantId: spec.tenantId,
      callId: spec.callId,
      queueId: queue.queueId,
      at: now,
      instance: this.o.instance,
      trigger,
      waitMs: Math.max(0, now - spec.queueJoinedAt),
      stage: 'targets',
      targets: [],
      relaxed: false,
      candidates: [],
      candidatesTotal: 0,
      readyInQueue: 0,
      outcome,
      note,
    });
  }
}

/** A callback not dialled yet keeps its agent reserved while the caller is dialled; others ring at once. */
const offeredState = (call: CallRecord) => (awaitingDial(call) ? 'reserved' : 'ringing');
