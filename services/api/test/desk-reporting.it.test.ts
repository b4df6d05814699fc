import { createLogger, createMetrics, type RunningService } from '@hotline/platform';
import { startReporting } from '@hotline/reporting';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskTenant, publish, type DeskTenant } from './support/desk-fixtures';
import { startWorld, waitFor, type World } from './support/fixtures';
import { openLive, type SseConnection } from './support/sse-client';

// The desk on reporting's real read model (no stand-in): reporting folds the bus into realtime
// views and pushes them on `hotline:rt:<tenant>`; the desk serves them as the wallboard, the
// live snapshot and live `agent` / `queue` events.

let w: World;
let a: DeskTenant;
let reporting: RunningService;
const open: SseConnection[] = [];

beforeAll(async () => {
  w = await startWorld();
  a = await deskTenant(w, 'rep-a');
  reporting = await startReporting(
    {
      log: createLogger({ service: 'reporting-test', level: 'silent', logPii: false }),
      bus: w.t.bus,
      store: w.t.store,
      live: w.t.live,
      metrics: createMetrics({ service: 'reporting-test', site: 'site-1' }),
    },
    { publishEveryMs: 20 },
  );
});
afterAll(async () => {
  for (const c of open) c.close();
  await reporting?.stop();
  await w?.t.close();
});

describe('the desk on reporting’s views', () => {
  it('pushes an agent’s new state and its queue’s new caller, then shows both in the next snapshot', async () => {
    const [agent, sup] = await Promise.all([
      openLive(w.t.url, a.agentToken),
      openLive(w.t.url, a.supervisorToken),
    ]);
    open.push(agent, sup);
    await Promise.all([agent.next('snapshot'), sup.next('snapshot')]);

    await publish(w.t, 'agent.state.changed', 'rep-a', {
      agentId: a.agentId,
      from: 'logged-out',
      to: 'ready',
    });
    await publish(w.t, 'call.offered', 'rep-a', {
      callId: 'rep-call-1',
      legId: 'rep-leg-1',
      direction: 'inbound',
      ani: '+4915112345678',
      dnis: '+493012345',
      siteId: 'site-1',
    });
    await publish(w.t, 'queue.joined', 'rep-a', {
      callId: 'rep-call-1',
      queueId: a.queueId,
      priority: 0,
      skills: [],
      position: 1,
    });

    const state = await sup.next(
      'agent',
      (x: { agentId: string; state: string }) => x.agentId === a.agentId && x.state === 'ready',
    );
    expect(state.data.today).toBeDefined();
    await agent.next('agent', (x: { state: string }) => x.state === 'ready');
    const queue = await agent.next(
      'queue',
      (q: { queueId: string; waiting: number }) => q.queueId === a.queueId && q.waiting === 1,
    );
    expect(queue.data.oldestJoinedAt).not.toBeNull();

    const board = await a.supervisor.get('/v1/wallboard');
    expect(board.status).toBe(200);
    expect(board.body.waiting.map((c: { callId: string }) => c.callId)).toContain('rep-call-1');

    agent.close();
    const again = await openLive(w.t.url, a.agentToken);
    open.push(again);
    const snapshot = (await again.next('snapshot')).data;
    expect(snapshot.agents).toEqual([expect.objectContaining({ agentId: a.agentId, state: 'ready' })]);
    expect(snapshot.queues).toEqual([expect.objectContaining({ queueId: a.queueId, waiting: 1 })]);
    await waitFor(() => (w.t.api.desk.hub.clientsOf('rep-a') === 2 ? true : undefined));
  });
});
