// Where the ACD keeps its state in live state. Every key of one tenant carries the tenant in a
// Redis Cluster hash tag ({tenant}), so all keys one atomic script touches (a call, an agent, the
// queues' sorted sets) live in one slot: a tenant is the unit of sharding, never split. Ids are
// resource ids ([A-Za-z0-9._:-]), which cannot contain braces.
//
//   acd:{t}:agent:<id>            hash   the agent's status, capacity, profile (see agent-codec.ts)
//   acd:{t}:call:<id>             hash   a call the ACD holds (see call-codec.ts)
//   acd:{t}:queue:<q>:waiting     zset   waiting calls, score = priority band + age (queue-order.ts)
//   acd:{t}:queue:<q>:ready       zset   agents free for the queue's channel, score = idle since
//   acd:{t}:queue:<q>:offered     zset   when the queue last offered each agent a call (round robin)
//   acd:{t}:queue:<q>:agents      set    agents logged in to the queue (empty-queue rules, estimates)
//   acd:{t}:queue:<q>:stats       hash   last served time and average gap (estimated wait)
//   acd:{t}:handled               zset   calls answered per agent since login (fewest calls)
//   acd:{t}:caller:<hash>         string the agent who last served a caller (sticky), with a TTL
//   acd:{t}:caller-of:<call>      string the caller hash of a call, from call.offered, with a TTL
//   acd:due                       zset   timers of every tenant: "<kind>|<tenant>|<id>", score = due time

export const dueKey = 'acd:due';

const base = (tenantId: string) => `acd:{${tenantId}}:`;

export const keys = {
  agent: (t: string, agentId: string) => `${base(t)}agent:${agentId}`,
  call: (t: string, callId: string) => `${base(t)}call:${callId}`,
  waiting: (t: string, queueId: string) => `${base(t)}queue:${queueId}:waiting`,
  ready: (t: string, queueId: string) => `${base(t)}queue:${queueId}:ready`,
  offered: (t: string, queueId: string) => `${base(t)}queue:${queueId}:offered`,
  members: (t: string, queueId: string) => `${base(t)}queue:${queueId}:agents`,
  stats: (t: string, queueId: string) => `${base(t)}queue:${queueId}:stats`,
  handled: (t: string) => `${base(t)}handled`,
  caller: (t: string, callerHash: string) => `${base(t)}caller:${callerHash}`,
  callerOf: (t: string, callId: string) => `${base(t)}caller-of:${callId}`,
};
