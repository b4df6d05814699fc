import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openEmbeddedStore, type DocumentStore } from '@hotline/document-store';
import { createKafkaBus, type EventBus } from '@hotline/event-bus';
import { createMemoryLiveState } from '@hotline/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, startTestApi, type TestApi } from './support/api-harness';
import { Client } from './support/client';
import { FixedReadModel, deskTenant, publish, type DeskTenant } from './support/desk-fixtures';
import type { World } from './support/fixtures';
import { OpenApiCheck } from './support/openapi-check';
import { openLive, type SseConnection } from './support/sse-client';

// Two API replicas on real Kafka: each has its own live consumer group, so each sees every
// agent and call event (broadcast) and serves the desks connected to it, whichever replica an
// event's partition would have gone to in a shared group.

const brokers = (process.env.HOTLINE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092').split(',');
const run = Date.now().toString(36);
const dir = mkdtempSync(path.join(tmpdir(), 'hotline-desk-bc-'));
let store: DocumentStore;
const buses: EventBus[] = [];
let one: TestApi;
let two: TestApi;
let a: DeskTenant;
const open: SseConnection[] = [];

beforeAll(async () => {
  store = await openEmbeddedStore({ dir });
  const live = createMemoryLiveState();
  const replica = async (name: string) => {
    const bus = await createKafkaBus({
      brokers,
      clientId: `desk-bc-${name}-${run}`,
      connectionTimeoutMs: 3000,
    });
    buses.push(bus);
    return startTestApi({ store, bus, live, readModel: new FixedReadModel() });
  };
  [one, two] = await Promise.all([replica('one'), replica('two')]);
  const doc = (await (await fetch(`${one.url}/v1/openapi.json`)).json()) as Record<string, unknown>;
  const admin = new Client(one.url, ADMIN_KEY, {}, new OpenApiCheck(doc));
  const world = {
    t: one,
    admin,
    async tenant(id: string) {
      await admin.post('/v1/tenants', { id, name: id });
      const key = await admin.post(
        '/v1/api-keys',
        { name: 'admin', role: 'tenant-admin' },
        { 'Hotline-Tenant': id },
      );
      return admin.as(key.body.secret);
    },
  } as unknown as World;
  a = await deskTenant(world, `bc-${run}`);
}, 60_000);
afterAll(async () => {
  for (const c of open) c.close();
  await one?.close();
  await two?.close();
  for (const bus of buses) await bus.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('live channel across replicas', () => {
  it('rings the agent on the replica it is connected to and shows the call to supervisors on both', async () => {
    const agentOnTwo = await openLive(two.url, a.agentToken);
    const supOnOne = await openLive(one.url, a.supervisorToken);
    const supOnTwo = await openLive(two.url, a.supervisorToken);
    open.push(agentOnTwo, supOnOne, supOnTwo);
    await Promise.all([agentOnTwo, supOnOne, supOnTwo].map((c) => c.next('snapshot')));

    await publish(one, 'agent.reserved', a.tenantId, {
      agentId: a.agentId,
      callId: `call-${run}`,
      queueId: a.queueId,
      reservationId: `res-${run}`,
      decisionId: `dec-${run}`,
      ringTimeoutMs: 20_000,
    });
    await publish(one, 'call.bridged', a.tenantId, {
      callId: `call-${run}`,
      legIds: ['l1', 'l2'],
      agentId: a.agentId,
    });
    expect((await agentOnTwo.next('offer', () => true, 10_000)).data.callId).toBe(`call-${run}`);
    for (const sup of [supOnOne, supOnTwo]) {
      const call = await sup.next('call', (d: { type: string }) => d.type === 'call.bridged', 10_000);
      expect(call.data.callId).toBe(`call-${run}`);
    }
    // Both replicas know the agent is on the call, so either accepts its commands.
    for (const api of [one, two]) {
      const r = await new Client(api.url, a.agentToken).post(`/v1/calls/call-${run}/commands`, {
        action: 'hold',
      });
      expect(r.status).toBe(202);
    }
  }, 30_000);
});
