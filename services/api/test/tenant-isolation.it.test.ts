import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/domain/cursor';
import type { Client } from './support/client';
import { provisionBasics, startWorld, type World } from './support/fixtures';

// Tenant A provisions one of everything; tenant B, with its strongest role (tenant admin),
// tries every verb on every id of A. Each attempt must be a 404 — the same answer as for an id
// that never existed — and A's documents must be exactly as they were.

let w: World;
let a: Client;
let b: Client;
const owned: { plural: string; id: string; body: Record<string, unknown> }[] = [];
let flowId: string;
let keyId: string;
let promptId: string;
let number: string;

beforeAll(async () => {
  w = await startWorld();
  a = await w.tenant('tenant-a');
  b = await w.tenant('tenant-b');
  await provisionBasics(b, '-b');
  const basics = await provisionBasics(a, '-a');
  number = basics.number;
  flowId = basics.flow._id;
  await a.post(`/v1/flows/${flowId}/validate`);
  await a.post(`/v1/flows/${flowId}/publish`);
  const prompt = await a.post('/v1/prompts', { name: 'upload-a', source: 'upload' });
  promptId = prompt.body._id;
  const code = await a.post('/v1/disposition-codes', { code: 'done', label: 'Done' });
  const user = await a.post('/v1/users', {
    email: 'a@a.example',
    displayName: 'A',
    roles: ['supervisor'],
    password: 'tenant a password',
  });
  const key = await a.post('/v1/api-keys', { name: 'a-key', role: 'agent' });
  keyId = key.body._id;
  const audit = await a.get('/v1/audit-log?limit=1');
  const docs: [string, { _id: string } & Record<string, unknown>][] = [
    ['sites', basics.site],
    ['skills', basics.skill],
    ['queues', basics.queue],
    ['flows', basics.flow],
    ['calendars', basics.calendar],
    ['agents', basics.agent],
    ['hotlines', basics.hotline],
    ['prompts', prompt.body],
    ['disposition-codes', code.body],
    ['users', user.body],
    ['api-keys', key.body],
    ['audit-log', audit.body.items[0]],
  ];
  for (const [plural, doc] of docs) {
    const { _id, _rev, tenantId, createdAt, updatedAt, ...body } = doc;
    void [_rev, tenantId, createdAt, updatedAt];
    owned.push({ plural, id: _id, body });
  }
});
afterAll(async () => {
  await w?.t.close();
});

async function snapshot(): Promise<string[]> {
  return Promise.all(owned.map(async (o) => JSON.stringify((await a.get(`/v1/${o.plural}/${o.id}`)).body)));
}

describe('tenant isolation', () => {
  it('answers 404 to another tenant for every verb on every resource, and changes nothing', async () => {
    const before = await snapshot();
    const attempts: [string, string, unknown?][] = [];
    for (const o of owned) {
      attempts.push(['GET', `/v1/${o.plural}/${o.id}`]);
      if (o.plural === 'audit-log') continue;
      attempts.push(['PUT', `/v1/${o.plural}/${o.id}`, o.body]);
      attempts.push(['PATCH', `/v1/${o.plural}/${o.id}`, {}]);
      attempts.push(['DELETE', `/v1/${o.plural}/${o.id}`]);
    }
    attempts.push(
      ['POST', `/v1/flows/${flowId}/validate`],
      ['POST', `/v1/flows/${flowId}/publish`],
      ['GET', `/v1/flows/${flowId}/versions`],
      ['GET', `/v1/flows/${flowId}/versions/1`],
      ['POST', `/v1/api-keys/${keyId}/revoke`],
      ['GET', `/v1/prompts/${promptId}/audio`],
    );
    const statuses = await Promise.all(
      attempts.map(
        async ([method, path, body]) => `${method} ${path} → ${(await b.request(method, path, body)).status}`,
      ),
    );
    expect(statuses).toEqual(attempts.map(([method, path]) => `${method} ${path} → 404`));
    const wav = await fetch(`${w.t.url}/v1/prompts/${promptId}/audio`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${b.token}`, 'content-type': 'audio/wav' },
      body: new Uint8Array(64),
    });
    expect(wav.status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('gives the same answer for another tenant’s id as for an id that never existed', async () => {
    const agent = owned.find((o) => o.plural === 'agents')!;
    const theirs = await b.get(`/v1/agents/${agent.id}`);
    const made_up = await b.get(`/v1/agents/agt-0000000000000000000000000`);
    expect(theirs.status).toBe(made_up.status);
    expect(Object.keys(theirs.body).sort()).toEqual(Object.keys(made_up.body).sort());
    expect(theirs.body.detail.replace(agent.id, 'ID')).toBe(
      made_up.body.detail.replace('agt-0000000000000000000000000', 'ID'),
    );
  });

  it('never lists another tenant’s resources, even filtered by their values', async () => {
    const ids = new Set(owned.map((o) => o.id));
    for (const plural of new Set(owned.map((o) => o.plural))) {
      const page = await b.get(`/v1/${plural}?limit=100`);
      expect(page.status).toBe(200);
      expect(page.body.items.filter((i: { _id: string }) => ids.has(i._id))).toEqual([]);
    }
    const site = owned.find((o) => o.plural === 'sites')!;
    expect((await b.get(`/v1/hotlines?number=${encodeURIComponent(number)}`)).body.items).toEqual([]);
    expect((await b.get(`/v1/agents?siteId=${site.id}`)).body.items).toEqual([]);
    expect((await b.get(`/v1/audit-log?resourceId=${site.id}`)).body.items).toEqual([]);
  });

  it('refuses a tenant key that names another tenant in Hotline-Tenant', async () => {
    const r = await b.get('/v1/sites', { 'Hotline-Tenant': 'tenant-a' });
    expect(r.status).toBe(403);
  });

  it('does not resolve a cursor into another tenant', async () => {
    // A cursor is only "after this id": made from one of A's ids, it still lists B's only.
    const site = owned.find((o) => o.plural === 'sites')!;
    const page = await b.get(`/v1/sites?limit=100&cursor=${encodeCursor('site-0')}`);
    const after = await b.get(`/v1/sites?limit=100&cursor=${encodeCursor(site.id)}`);
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    expect(
      [...page.body.items, ...after.body.items].every((i: { tenantId: string }) => i.tenantId === 'tenant-b'),
    ).toBe(true);
  });
});
