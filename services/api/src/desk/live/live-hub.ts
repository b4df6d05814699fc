import { sseFrame } from './sse-stream';

// The connected desks of this API process, indexed so that an event reaches exactly the clients
// that care without scanning the others: per tenant, the supervisors (who see the whole tenant),
// and the agents by agent id and by queue. Routing one event costs O(recipients); each event is
// serialized once whoever receives it.

/** Who a live client is, and so what it may see. */
export interface LiveViewer {
  tenantId: string;
  /** The agent the viewer works as (agents see themselves, their queues and their calls). */
  agentId: string | null;
  /** Supervisors and tenant admins see every agent, queue and call of the tenant. */
  supervisor: boolean;
  queueIds: readonly string[];
}

export interface LiveClient {
  readonly viewer: LiveViewer;
  write(frame: string): void;
  ping(): void;
  close(code: string, message: string): void;
}

interface Room {
  count: number;
  supervisors: Set<LiveClient>;
  byAgent: Map<string, Set<LiveClient>>;
  byQueue: Map<string, Set<LiveClient>>;
}

function addTo<K>(map: Map<K, Set<LiveClient>>, key: K, client: LiveClient): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(client);
}

function removeFrom<K>(map: Map<K, Set<LiveClient>>, key: K, client: LiveClient): void {
  const set = map.get(key);
  set?.delete(client);
  if (set?.size === 0) map.delete(key);
}

export interface LiveHubHooks {
  /** The first client of a tenant connected: start listening to its realtime channel. */
  tenantActive?: (tenantId: string) => void;
  /** The last one left. */
  tenantIdle?: (tenantId: string) => void;
}

export class LiveHub {
  private readonly rooms = new Map<string, Room>();
  private total = 0;

  constructor(
    private readonly maxPerTenant: number,
    private readonly hooks: LiveHubHooks = {},
  ) {}

  get clients(): number {
    return this.total;
  }

  clientsOf(tenantId: string): number {
    return this.rooms.get(tenantId)?.count ?? 0;
  }

  /** Whether anyone would receive an event for this agent (saves reading a screen pop for nobody). */
  watchesAgent(tenantId: string, agentId: string): boolean {
    return this.rooms.get(tenantId)?.byAgent.has(agentId) ?? false;
  }

  hasTenant(tenantId: string): boolean {
    return this.rooms.has(tenantId);
  }

  /** Adds a client; false when the tenant is at its connection limit. */
  add(client: LiveClient): boolean {
    const { tenantId, agentId, supervisor, queueIds } = client.viewer;
    let room = this.rooms.get(tenantId);
    if (room && room.count >= this.maxPerTenant) return false;
    const first = !room;
    if (!room) {
      room = { count: 0, supervisors: new Set(), byAgent: new Map(), byQueue: new Map() };
      this.rooms.set(tenantId, room);
    }
    room.count++;
    this.total++;
    if (supervisor) room.supervisors.add(client);
    if (agentId) addTo(room.byAgent, agentId, client);
    if (!supervisor) for (const q of queueIds) addTo(room.byQueue, q, client);
    if (first) this.hooks.tenantActive?.(tenantId);
    return true;
  }

  remove(client: LiveClient): void {
    const { tenantId, agentId, supervisor, queueIds } = client.viewer;
    const room = this.rooms.get(tenantId);
    if (!room) return;
    const known =
      room.supervisors.has(client) || (agentId !== null && !!room.byAgent.get(agentId)?.has(client));
    if (!known) return;
    room.supervisors.delete(client);
    if (agentId) removeFrom(room.byAgent, agentId, client);
    if (!supervisor) for (const q of queueIds) removeFrom(room.byQueue, q, client);
    room.count--;
    this.total--;
    if (room.count === 0) {
      this.rooms.delete(tenantId);
      this.hooks.tenantIdle?.(tenantId);
    }
  }

  /** An agent's realtime view: to its own desks and the tenant's supervisors. */
  agent(tenantId: string, agentId: string, event: string, data: unknown): void {
    const room = this.rooms.get(tenantId);
    if (!room) return;
    this.deliver(sseFrame(event, data), room.supervisors, room.byAgent.get(agentId));
  }

  /** A queue's realtime view: to the desks of its members and the supervisors. */
  queue(tenantId: string, queueId: string, event: string, data: unknown): void {
    const room = this.rooms.get(tenantId);
    if (!room) return;
    this.deliver(sseFrame(event, data), room.supervisors, room.byQueue.get(queueId));
  }

  /** To one agent's desks only (an offer rings that agent alone). */
  agentOnly(tenantId: string, agentId: string, event: string, data: unknown): void {
    const set = this.rooms.get(tenantId)?.byAgent.get(agentId);
    if (set) this.deliver(sseFrame(event, data), set);
  }

  /** A call's event: to the desks of the agents on it and the supervisors. */
  call(tenantId: string, agentIds: readonly string[], event: string, data: unknown): void {
    const room = this.rooms.get(tenantId);
    if (!room) return;
    this.deliver(sseFrame(event, data), room.supervisors, ...agentIds.map((a) => room.byAgent.get(a)));
  }

  pingAll(): void {
    for (const room of this.rooms.values()) {
      for (const c of room.supervisors) c.ping();
      for (const set of room.byAgent.values()) for (const c of set) if (!c.viewer.supervisor) c.ping();
    }
  }

  closeAll(code: string, message: string): void {
    for (const room of [...this.rooms.values()]) {
      const all = new Set<LiveClient>(room.supervisors);
      for (const set of room.byAgent.values()) for (const c of set) all.add(c);
      for (const c of all) c.close(code, message);
    }
  }

  private deliver(frame: string, ...sets: (Set<LiveClient> | undefined)[]): void {
    // A supervisor who is also an agent, or an agent on a call twice, gets one copy.
    const seen = sets.length > 1 ? new Set<LiveClient>() : null;
    for (const set of sets) {
      if (!set) continue;
      for (const c of set) {
        if (seen) {
          if (seen.has(c)) continue;
          seen.add(c);
        }
        c.write(frame);
      }
    }
  }
}
