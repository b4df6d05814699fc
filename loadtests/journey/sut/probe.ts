// The harness's eyes inside the system under test: one more consumer group on the process's event
// bus that follows every call from offer through queue to agent answer, and serves what it saw as
// JSON on its own port. With the in-process bus of `hotline up` nothing outside the process can
// read the events, so this is how the harness measures queue→answer times and queue depth. It
// costs one extra subscriber per event (small against the services' own handlers).
//
// It can also ask for an agent state change on the bus (agent.command.requested, exactly what
// POST /v1/agents/:id/state publishes) for trees whose API does not serve that route yet.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { makeEvent, Topics, type HotlineEvent } from '@hotline/contracts';
import { consumeEvents, publishEvents, type EventBus, type Subscription } from '@hotline/event-bus';

export interface ProbeCall {
  offeredAt?: number;
  joinedAt?: number;
  answeredAt?: number;
  endedAt?: number;
  agentId?: string;
}

export interface ProbeStats {
  at: number;
  offered: number;
  ivrAnswered: number;
  queued: number;
  reserved: number;
  agentAnswered: number;
  abandoned: number;
  ended: number;
  endedBy: Record<string, number>;
  waiting: number;
  ringMisses: number;
  commandsRejected: number;
  rejectReasons: Record<string, number>;
  agentsByState: Record<string, number>;
  /** Calls answered within the queue's service-level threshold. */
  withinServiceLevel: number;
  /** The process's main thread (where every service's JavaScript runs): cumulative busy and idle ms. */
  loop: { activeMs: number; idleMs: number };
}

/** How late the main thread's event loop ran timers since the last reset (a step's start). */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface ProbeDetail extends ProbeStats {
  /** [joinedAt epoch ms, queue→agent-answer ms] per answered call. */
  queueToAnswer: [number, number][];
  /** [reservedAt, reserved→answer ms]: how long agents rang. */
  ringToAnswer: [number, number][];
}

export interface Probe {
  port: number;
  close(): Promise<void>;
}

export async function startProbe(options: {
  bus: EventBus;
  port: number;
  serviceLevelMs: number;
}): Promise<Probe> {
  const { bus } = options;
  const calls = new Map<string, ProbeCall>();
  const reservedAt = new Map<string, number>();
  const waiting = new Set<string>();
  const agents = new Map<string, string>();
  const stats: ProbeStats = {
    at: Date.now(),
    offered: 0,
    ivrAnswered: 0,
    queued: 0,
    reserved: 0,
    agentAnswered: 0,
    abandoned: 0,
    ended: 0,
    endedBy: {},
    waiting: 0,
    ringMisses: 0,
    commandsRejected: 0,
    rejectReasons: {},
    agentsByState: {},
    withinServiceLevel: 0,
    loop: { activeMs: 0, idleMs: 0 },
  };
  // Sampled every 10 ms: a stall of the loop shows up as a late sample.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const queueToAnswer: [number, number][] = [];
  const ringToAnswer: [number, number][] = [];
  const call = (id: string) => {
    let c = calls.get(id);
    if (!c) calls.set(id, (c = {}));
    return c;
  };
  const answered = (callId: string, agentId: string | undefined, at: number) => {
    const c = call(callId);
    if (c.answeredAt !== undefined) return;
    c.answeredAt = at;
    if (agentId) c.agentId = agentId;
    stats.agentAnswered++;
    waiting.delete(callId);
    if (c.joinedAt !== undefined) {
      const wait = at - c.joinedAt;
      queueToAnswer.push([c.joinedAt, wait]);
      if (wait <= options.serviceLevelMs) stats.withinServiceLevel++;
    }
    const r = reservedAt.get(callId);
    if (r !== undefined) ringToAnswer.push([r, at - r]);
    reservedAt.delete(callId);
  };

  const handle = async (event: HotlineEvent): Promise<void> => {
    const at = Date.parse(event.occurredAt);
    switch (event.type) {
      case 'call.offered':
        if (event.data.direction !== 'inbound') return;
        stats.offered++;
        call(event.data.callId).offeredAt = at;
        return;
      case 'call.answered':
        if (event.data.answeredBy === 'ivr') stats.ivrAnswered++;
        else if (event.data.answeredBy === 'agent') answered(event.data.callId, event.data.agentId, at);
        return;
      case 'call.bridged':
        if (event.data.agentId) answered(event.data.callId, event.data.agentId, at);
        return;
      case 'queue.joined': {
        const c = call(event.data.callId);
        // A call put back after a missed ring joins again: it waited since the first join.
        if (c.joinedAt === undefined) {
          c.joinedAt = at;
          stats.queued++;
        }
        waiting.add(event.data.callId);
        return;
      }
      case 'queue.abandoned':
        stats.abandoned++;
        waiting.delete(event.data.callId);
        return;
      case 'agent.reserved':
        stats.reserved++;
        reservedAt.set(event.data.callId, at);
        return;
      case 'agent.state.changed':
        agents.set(event.data.agentId, event.data.to);
        if (event.data.reason === 'system:ring-no-answer') stats.ringMisses++;
        return;
      case 'agent.command.rejected': {
        stats.commandsRejected++;
        const reason = event.data.code;
        stats.rejectReasons[reason] = (stats.rejectReasons[reason] ?? 0) + 1;
        return;
      }
      case 'call.ended': {
        const c = call(event.data.callId);
        if (c.endedAt !== undefined) return;
        c.endedAt = at;
        stats.ended++;
        stats.endedBy[event.data.cause] = (stats.endedBy[event.data.cause] ?? 0) + 1;
        waiting.delete(event.data.callId);
        reservedAt.delete(event.data.callId);
        return;
      }
      default:
        return;
    }
  };

  const subscription: Subscription = await consumeEvents({
    bus,
    group: `journey-probe-${randomUUID().slice(0, 8)}`,
    topics: [Topics.calls, Topics.queues, Topics.agents],
    // Only what it counts: it shares the thread with the system it measures.
    types: [
      'call.offered',
      'call.answered',
      'call.bridged',
      'call.ended',
      'queue.joined',
      'queue.abandoned',
      'agent.reserved',
      'agent.state.changed',
      'agent.command.rejected',
    ],
    handle,
  });

  const snapshot = (): ProbeStats => {
    const byState: Record<string, number> = {};
    for (const s of agents.values()) byState[s] = (byState[s] ?? 0) + 1;
    const elu = performance.eventLoopUtilization();
    return {
      ...stats,
      at: Date.now(),
      waiting: waiting.size,
      agentsByState: byState,
      loop: { activeMs: elu.active, idleMs: elu.idle },
    };
  };

  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'GET' && req.url === '/stats') return send(200, snapshot());
    if (req.url === '/loop-delay') {
      const ms = (ns: number) => Math.round(ns / 1e5) / 10;
      const body: LoopDelay = {
        p50Ms: ms(delay.percentile(50)),
        p99Ms: ms(delay.percentile(99)),
        maxMs: ms(delay.max),
      };
      if (req.method === 'POST') delay.reset();
      return send(200, body);
    }
    if (req.method === 'GET' && req.url === '/detail') {
      const detail: ProbeDetail = { ...snapshot(), queueToAnswer, ringToAnswer };
      return send(200, detail);
    }
    if (req.method === 'POST' && req.url === '/agent-command') {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        void (async () => {
          try {
            const { tenantId, agentId, command, ready } = JSON.parse(body) as {
              tenantId: string;
              agentId: string;
              command: 'login' | 'ready' | 'not-ready' | 'logout';
              ready?: boolean;
            };
            const commandId = randomUUID();
            await publishEvents(bus, [
              makeEvent({
                type: 'agent.command.requested',
                tenantId,
                source: 'journey-probe',
                data: {
                  commandId,
                  agentId,
                  command,
                  by: 'agent',
                  ...(ready === undefined ? {} : { ready }),
                },
              }),
            ]);
            send(202, { commandId });
          } catch (err) {
            send(400, { error: (err as Error).message });
          }
        })();
      });
      return;
    }
    send(404, { error: `no ${req.method} ${req.url}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    port: options.port,
    async close() {
      delay.disable();
      await subscription.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
