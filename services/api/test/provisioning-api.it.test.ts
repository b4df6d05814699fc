import { createHash } from 'node:crypto';
import { httpTarget, loadApiSettings, seedDemoTenant } from '../src';
import { ADMIN_KEY, startTestApi } from './support/api-harness';
import { Collections, type NumberClaim } from '@hotline/provisioning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from './support/client';
import {
  collectConfigEvents,
  ensureEspeak,
  freshNumber,
  provisionBasics,
  startWorld,
  validGraph,
  waitFor,
  type World,
} from './support/fixtures';

let w: World;
let acme: Client;
let globex: Client;

beforeAll(async () => {
  ensureEspeak();
  w = await startWorld();
  acme = await w.tenant('acme');
  globex = await w.tenant('globex');
});
afterAll(async () => {
  await w?.t.close();
});

const count = (collection: string, tenantId: string) => w.t.store.collection(collection).count({ tenantId });

describe('tenants and keys', () => {
  it('shows a new API key once and stores only its hash', async () => {
    const created = await acme.post('/v1/api-keys', { name: 'ci', role: 'supervisor' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^hlk_/);
    const read = await acme.get(`/v1/api-keys/${created.body._id}`);
    expect(read.body).not.toHaveProperty('secret');
    expect(read.body).not.toHaveProperty('secretHash');
    const stored = await w.t.store
      .collection<{ _id: string; _rev: number; secretHash: string }>(Collections.apiKeys)
      .get(created.body._id);
    // The secret's random part (base64url, which may itself hold '_'): its tail is long enough to mean something.
    expect(JSON.stringify(stored)).not.toContain(created.body.secret.slice(-16));
  });

  it('refuses tenant management to a tenant admin key', async () => {
    const r = await acme.post('/v1/tenants', { name: 'Sneaky' });
    expect(r.status).toBe(403);
    expect(r.contentType).toContain('application/problem+json');
  });

  it('answers 401 with a Bearer challenge without credentials, and for a made-up key', async () => {
    const none = await acme.as(null).get('/v1/skills');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const fake = await acme.as(`hlk_key-0000000000000000000000000_${'A'.repeat(43)}`).get('/v1/skills');
    expect(fake.status).toBe(401);
  });

  it('stops a revoked key and an expired key', async () => {
    const key = await acme.post('/v1/api-keys', { name: 'temp', role: 'tenant-admin' });
    const temp = acme.as(key.body.secret);
    expect((await temp.get('/v1/skills')).status).toBe(200);
    const revoked = await acme.post(`/v1/api-keys/${key.body._id}/revoke`);
    expect(revoked.body.revokedAt).not.toBeNull();
    expect((await temp.get('/v1/skills')).status).toBe(401);

    const soon = new Date(Date.now() + 300).toISOString();
    const expiring = await acme.post('/v1/api-keys', { name: 'short', role: 'agent', expiresAt: soon });
    const short = acme.as(expiring.body.secret);
    expect((await short.get('/v1/skills')).status).toBe(200);
    await waitFor(async () => ((await short.get('/v1/skills')).status === 401 ? true : undefined));
  });

  it('locks out a suspended tenant’s keys', async () => {
    const initech = await w.tenant('initech');
    expect((await initech.get('/v1/sites')).status).toBe(200);
    expect((await w.admin.patch('/v1/tenants/initech', { status: 'suspended' })).status).toBe(200);
    expect((await initech.get('/v1/sites')).status).toBe(403);
  });

  it('keeps a tenant’s SIP realm fixed after creation', async () => {
    const r = await w.admin.patch('/v1/tenants/acme', { sipRealm: 'other.example.com' });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'sipRealm' })]);
  });
});

describe('provisioning a hotline', () => {
  it('wires site, skill, queue, agent, flow, calendar and hotline together', async () => {
    const b = await provisionBasics(acme, '-wire');
    expect(b.hotline.numbers).toEqual([b.number]);
    expect(b.agent.sip).toEqual({ username: 'agentwire', realm: 'acme.sip.hotline.local' });
    const stored = await w.t.store
      .collection<{ _id: string; _rev: number; sip: { ha1: string } }>(Collections.agents)
      .get(b.agent._id);
    const ha1 = createHash('md5')
      .update('agentwire:acme.sip.hotline.local:a long sip password')
      .digest('hex');
    expect(stored?.sip.ha1).toBe(ha1);
  });

  it('keeps the SIP HA1 when the password is left out, and asks for it when the username changes', async () => {
    const b = await provisionBasics(acme, '-sip');
    const before = await w.t.store
      .collection<{ _id: string; _rev: number; sip: { ha1: string } }>(Collections.agents)
      .get(b.agent._id);
    expect((await acme.patch(`/v1/agents/${b.agent._id}`, { displayName: 'Renamed' })).status).toBe(200);
    const after = await w.t.store
      .collection<{ _id: string; _rev: number; sip: { ha1: string } }>(Collections.agents)
      .get(b.agent._id);
    expect(after?.sip.ha1).toBe(before?.sip.ha1);
    const r = await acme.patch(`/v1/agents/${b.agent._id}`, { sip: { username: 'someone-else' } });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([{ field: 'sip/password', message: 'required when the username changes' }]);
  });
});

describe('updates', () => {
  it('round-trips every resource through an empty PATCH unchanged but for its revision', async () => {
    const b = await provisionBasics(acme, '-noop');
    const others = await Promise.all([
      acme.post('/v1/prompts', { name: 'noop-prompt', source: 'upload' }),
      acme.post('/v1/disposition-codes', { code: 'noop', label: 'Noop' }),
      acme.post('/v1/users', {
        email: 'noop@acme.example',
        displayName: 'N',
        roles: ['agent'],
        password: 'noop password 123',
      }),
      acme.post('/v1/api-keys', { name: 'noop', role: 'agent' }),
    ]);
    const items: [string, { _id: string } & Record<string, unknown>][] = [
      ['sites', b.site],
      ['skills', b.skill],
      ['queues', b.queue],
      ['flows', b.flow],
      ['calendars', b.calendar],
      ['agents', b.agent],
      ['hotlines', b.hotline],
      ['prompts', others[0].body],
      ['disposition-codes', others[1].body],
      ['users', others[2].body],
      ['api-keys', others[3].body],
    ];
    const strip = ({ _rev, updatedAt, secret, ...rest }: Record<string, unknown>) => (
      void [_rev, updatedAt, secret],
      rest
    );
    for (const [plural, doc] of items) {
      const r = await acme.patch(`/v1/${plural}/${doc._id}`, {});
      expect([plural, r.status]).toEqual([plural, 200]);
      expect(strip(r.body)).toEqual(strip(doc));
    }
    const tenant = await w.admin.get('/v1/tenants/acme');
    expect(strip((await w.admin.patch('/v1/tenants/acme', {})).body)).toEqual(strip(tenant.body));
  });
});

describe('bad input', () => {
  it('names every wrong type and unknown field, and writes nothing', async () => {
    const before = await count(Collections.queues, 'acme');
    const r = await acme.post('/v1/queues', {
      name: 42,
      targets: [{ afterSeconds: 'soon' }],
      priority: 11,
      colour: 'blue',
    });
    expect(r.status).toBe(422);
    expect(r.contentType).toContain('application/problem+json');
    expect(r.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(
      ['colour', 'name', 'priority', 'targets/0/afterSeconds'].sort(),
    );
    expect(await count(Collections.queues, 'acme')).toBe(before);
  });

  it('answers 413 for an oversize body', async () => {
    const r = await acme.post('/v1/skills', { name: 'big', description: 'x'.repeat(2 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body.code).toBe('payload_too_large');
  });

  it('answers 400 for a body that is not JSON, and for a non-JSON content type', async () => {
    const broken = await acme.request('POST', '/v1/skills', undefined, {
      'content-type': 'application/json',
    });
    expect(broken.status).toBe(422);
    const res = await fetch(`${w.t.url}/v1/skills`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(res.status).toBe(400);
    const text = await fetch(`${w.t.url}/v1/skills`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'text/plain' },
      body: 'name=x',
    });
    expect(text.status).toBe(400);
    expect(((await text.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe('Content-Type');
  });

  it('names a dangling reference and writes nothing', async () => {
    const b = await provisionBasics(acme, '-dangle');
    const before = await count(Collections.agents, 'acme');
    const r = await acme.post('/v1/agents', {
      displayName: 'Ghost',
      siteId: b.site._id,
      skills: [{ skillId: 'skl-does-not-exist', proficiency: 3 }],
      queueIds: [b.queue._id, 'que-nope'],
      sip: { username: 'ghost', password: 'a long sip password' },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['skills/0/skillId', 'queueIds/1']);
    expect(await count(Collections.agents, 'acme')).toBe(before);
  });

  it('refuses a reference to another tenant’s resource as dangling', async () => {
    const theirs = await provisionBasics(globex, '-theirs');
    const ours = await provisionBasics(acme, '-ours');
    const r = await acme.patch(`/v1/agents/${ours.agent._id}`, { siteId: theirs.site._id });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'siteId' })]);
  });

  it('refuses a queue that overflows to itself', async () => {
    const b = await provisionBasics(acme, '-self');
    const r = await acme.patch(`/v1/queues/${b.queue._id}`, {
      overflow: { triggers: ['max-wait'], target: { kind: 'queue', queueId: b.queue._id } },
    });
    expect(r.status).toBe(422);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'overflow/target/queueId' })]);
  });

  it('refuses unknown query parameters and a forged cursor with 400', async () => {
    expect((await acme.get('/v1/skills?colour=blue')).status).toBe(400);
    const forged = await acme.get('/v1/skills?cursor=not-a-cursor');
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0].field).toBe('cursor');
  });
});

describe('phone numbers', () => {
  it('refuses a number another tenant holds, naming it, and claims none of the others', async () => {
    const theirs = await provisionBasics(globex, '-num');
    const ours = await provisionBasics(acme, '-num');
    const spare = freshNumber();
    const before = await count(Collections.hotlines, 'acme');
    const r = await acme.post('/v1/hotlines', {
      name: 'Copycat',
      numbers: [spare, theirs.number],
      trunk: { id: 't' },
      defaultFlowId: ours.flow._id,
    });
    expect(r.status).toBe(409);
    expect(r.body.errors).toEqual([{ field: 'numbers/1', message: 'number already in use' }]);
    expect(await count(Collections.hotlines, 'acme')).toBe(before);
    expect(await w.t.store.collection(Collections.numberClaims).get(spare)).toBeNull();
  });

  it('releases the claims of a hotline whose write failed', async () => {
    const b = await provisionBasics(acme, '-rollback');
    const spare = freshNumber();
    // Same name as an existing hotline: the unique index fails the write after the claim.
    const r = await acme.post('/v1/hotlines', {
      name: 'Line-rollback',
      numbers: [spare],
      trunk: { id: 't' },
      defaultFlowId: b.flow._id,
    });
    expect(r.status).toBe(409);
    expect(r.body.errors).toEqual([expect.objectContaining({ field: 'name' })]);
    expect(await w.t.store.collection(Collections.numberClaims).get(spare)).toBeNull();
    const g = await provisionBasics(globex, '-rollback');
    const taken = await globex.patch(`/v1/hotlines/${g.hotline._id}`, { numbers: [g.number, spare] });
    expect(taken.status).toBe(200);
  });

  it('frees a number dropped by an update or a delete for anyone', async () => {
    const a = await provisionBasics(acme, '-free');
    const g = await provisionBasics(globex, '-free');
    const extra = freshNumber();
    expect((await acme.patch(`/v1/hotlines/${a.hotline._id}`, { numbers: [a.number, extra] })).status).toBe(
      200,
    );
    expect((await globex.patch(`/v1/hotlines/${g.hotline._id}`, { numbers: [g.number, extra] })).status).toBe(
      409,
    );
    expect((await acme.patch(`/v1/hotlines/${a.hotline._id}`, { numbers: [a.number] })).status).toBe(200);
    expect((await globex.patch(`/v1/hotlines/${g.hotline._id}`, { numbers: [g.number, extra] })).status).toBe(
      200,
    );
    expect((await acme.delete(`/v1/hotlines/${a.hotline._id}`)).status).toBe(204);
    expect(
      (await globex.patch(`/v1/hotlines/${g.hotline._id}`, { numbers: [g.number, extra, a.number] })).status,
    ).toBe(200);
  });

  it('takes over a claim left by a crash once it is stale', async () => {
    const b = await provisionBasics(acme, '-stale');
    const orphan = freshNumber();
    await w.t.store.collection<NumberClaim>(Collections.numberClaims).insert({
      _id: orphan,
      tenantId: 'globex',
      hotlineId: 'htl-crashed',
      claimedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const r = await acme.patch(`/v1/hotlines/${b.hotline._id}`, { numbers: [b.number, orphan] });
    expect(r.status).toBe(200);
  });
});

describe('concurrency and retries', () => {
  it('refuses a write at a stale ETag with 412 and accepts the current one', async () => {
    const skill = (await acme.post('/v1/skills', { name: 'etag' })).body;
    const first = await acme.get(`/v1/skills/${skill._id}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe('"1"');
    const ok = await acme.put(
      `/v1/skills/${skill._id}`,
      { name: 'etag', description: 'one' },
      { 'if-match': etag },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await acme.put(
      `/v1/skills/${skill._id}`,
      { name: 'etag', description: 'two' },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(412);
    expect((await acme.get(`/v1/skills/${skill._id}`)).body.description).toBe('one');
    expect((await acme.delete(`/v1/skills/${skill._id}`, { 'if-match': etag })).status).toBe(412);
  });

  it('replays a POST with the same Idempotency-Key instead of writing twice', async () => {
    const before = await count(Collections.skills, 'acme');
    const headers = { 'idempotency-key': 'create-skill-idem-1' };
    const first = await acme.post('/v1/skills', { name: 'idem' }, headers);
    const again = await acme.post('/v1/skills', { name: 'idem' }, headers);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body._id).toBe(first.body._id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await count(Collections.skills, 'acme')).toBe(before + 1);
    const other = await acme.post('/v1/skills', { name: 'different' }, headers);
    expect(other.status).toBe(422);
    expect(other.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('keeps nothing for a failed idempotent POST, so the fixed retry runs', async () => {
    const headers = { 'idempotency-key': 'fix-and-retry' };
    expect((await acme.post('/v1/skills', { name: 7 }, headers)).status).toBe(422);
    expect((await acme.post('/v1/skills', { name: 7 }, headers)).status).toBe(422);
  });
});

describe('lists', () => {
  it('pages with a cursor in creation order and filters', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(
        (await acme.post('/v1/disposition-codes', { code: `page-${i}`, label: `P${i}`, active: i % 2 === 0 }))
          .body._id,
      );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { _id: string }[]; nextCursor: string | null } } = await acme.get(
        `/v1/disposition-codes?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((i) => i._id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    const retired = await acme.get('/v1/disposition-codes?active=false&limit=100');
    expect(retired.body.items.map((i: { _id: string }) => i._id)).toEqual([ids[1], ids[3]]);
  });
});

describe('audit and config events', () => {
  it('records who changed what, with before and after, and never secrets', async () => {
    const user = await acme.post('/v1/users', {
      email: 'Audit@Acme.example',
      displayName: 'Audit',
      roles: ['supervisor'],
      password: 'correct horse battery staple',
    });
    expect(user.body.email).toBe('audit@acme.example');
    await acme.patch(`/v1/users/${user.body._id}`, { displayName: 'Audited' });
    const log = await acme.get(`/v1/audit-log?resourceId=${user.body._id}`);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual(['created', 'updated']);
    const update = log.body.items[1];
    expect(update.actor.kind).toBe('api-key');
    expect(update.before.displayName).toBe('Audit');
    expect(update.after.displayName).toBe('Audited');
    expect(JSON.stringify(log.body)).not.toContain('scrypt');
  });

  it('publishes config.changed for every change, keyed by tenant', async () => {
    const sub = await collectConfigEvents(w.t, `audit-${Date.now()}`);
    const skill = (await acme.post('/v1/skills', { name: 'evented' })).body;
    await acme.patch(`/v1/skills/${skill._id}`, { description: 'changed' });
    await acme.delete(`/v1/skills/${skill._id}`);
    const mine = await waitFor(() => {
      const e = sub.events.filter(
        (x) => x.type === 'config.changed' && (x.data as { resourceId: string }).resourceId === skill._id,
      );
      return e.length === 3 ? e : undefined;
    });
    expect(mine.map((e) => [e.tenantId, e.key, (e.data as { action: string }).action])).toEqual([
      ['acme', 'acme', 'created'],
      ['acme', 'acme', 'updated'],
      ['acme', 'acme', 'deleted'],
    ]);
    await sub.close();
  });

  it('keeps an event the bus refused in the outbox and sends it later', async () => {
    const bus = w.t.bus;
    const original = bus.publish.bind(bus);
    let failing = true;
    bus.publish = async (records) => {
      if (failing) throw new Error('broker down');
      return original(records);
    };
    try {
      const r = await acme.post('/v1/skills', { name: 'outboxed' });
      expect(r.status).toBe(201);
      expect(await w.t.store.collection(Collections.configOutbox).count({ tenantId: 'acme' })).toBe(1);
      failing = false;
      expect(await w.t.api.changes.drainOutbox()).toBe(1);
      expect(await w.t.store.collection(Collections.configOutbox).count({ tenantId: 'acme' })).toBe(0);
    } finally {
      bus.publish = original;
    }
  });
});

describe('flows', () => {
  it('names the bad parts of an invalid graph and keeps the flow a draft', async () => {
    const flow = (await acme.post('/v1/flows', { name: 'Broken', graph: { start: 'nowhere', nodes: [] } }))
      .body;
    expect(flow.status).toBe('draft');
    const r = await acme.post(`/v1/flows/${flow._id}/validate`);
    expect(r.status).toBe(422);
    expect(r.body.errors.every((e: { field: string }) => e.field.startsWith('graph/'))).toBe(true);
    expect((await acme.get(`/v1/flows/${flow._id}`)).body.status).toBe('draft');
    expect((await acme.post(`/v1/flows/${flow._id}/publish`)).status).toBe(409);
  });

  it('refuses a graph naming a queue that does not exist', async () => {
    const flow = (await acme.post('/v1/flows', { name: 'Dangling', graph: validGraph('que-missing') })).body;
    const r = await acme.post(`/v1/flows/${flow._id}/validate`);
    expect(r.status).toBe(422);
    expect(r.body.errors[0].field).toMatch(/^graph\/nodes\/1/);
  });

  it('goes draft → validated → published, and an edit makes a new draft while version 1 stays', async () => {
    const b = await provisionBasics(acme, '-life');
    const validated = await acme.post(`/v1/flows/${b.flow._id}/validate`);
    expect(validated.body.status).toBe('validated');
    const published = await acme.post(`/v1/flows/${b.flow._id}/publish`);
    expect(published.body).toMatchObject({ status: 'published', publishedVersion: 1 });
    const edited = await acme.patch(`/v1/flows/${b.flow._id}`, {
      graph: { ...validGraph(b.queue._id), start: 'queue' },
    });
    expect(edited.body).toMatchObject({ status: 'draft', publishedVersion: 1 });
    const v1 = await acme.get(`/v1/flows/${b.flow._id}/versions/1`);
    expect(v1.body.graph.start).toBe('hello');
    expect((await acme.get(`/v1/flows/${b.flow._id}/versions`)).body.items).toHaveLength(1);
  });

  it('refuses to delete a flow a hotline uses', async () => {
    const b = await provisionBasics(acme, '-inuse');
    const r = await acme.delete(`/v1/flows/${b.flow._id}`);
    expect(r.status).toBe(409);
    expect(r.body.detail).toContain('hotline');
  });
});

describe('roles and sessions', () => {
  it('signs a user in and lets the session token act within the user’s roles', async () => {
    await acme.post('/v1/users', {
      email: 'agent@acme.example',
      displayName: 'Agent',
      roles: ['agent'],
      password: 'agent password 1234',
    });
    const session = await acme.as(null).post('/v1/sessions', {
      tenantId: 'acme',
      email: 'agent@acme.example',
      password: 'agent password 1234',
    });
    expect(session.status).toBe(201);
    const agent = acme.as(session.body.token);
    expect((await agent.get('/v1/queues')).status).toBe(200);
    expect((await agent.post('/v1/skills', { name: 'nope' })).status).toBe(403);
    expect((await agent.get('/v1/users')).status).toBe(403);
  });

  it('refuses a wrong password and a tampered token', async () => {
    const wrong = await acme.as(null).post('/v1/sessions', {
      tenantId: 'acme',
      email: 'agent@acme.example',
      password: 'not the password',
    });
    expect(wrong.status).toBe(401);
    const session = await acme.as(null).post('/v1/sessions', {
      tenantId: 'acme',
      email: 'agent@acme.example',
      password: 'agent password 1234',
    });
    const [h, p, s] = (session.body.token as string).split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, tid: 'globex' })).toString('base64url')}.${s}`;
    expect((await acme.as(forged).get('/v1/queues')).status).toBe(401);
  });

  it('lets a supervisor move agents between queues but not change queues', async () => {
    const b = await provisionBasics(acme, '-sup');
    const key = await acme.post('/v1/api-keys', { name: 'sup', role: 'supervisor' });
    const sup = acme.as(key.body.secret);
    expect((await sup.patch(`/v1/agents/${b.agent._id}`, { queueIds: [] })).status).toBe(200);
    expect((await sup.patch(`/v1/queues/${b.queue._id}`, { priority: 9 })).status).toBe(403);
  });
});

describe('prompts', () => {
  it('renders a text prompt to WAV with espeak-ng and serves it', async () => {
    const prompt = await acme.post('/v1/prompts', {
      name: 'hello-tts',
      source: 'tts',
      text: 'Hello caller.',
    });
    expect(prompt.status).toBe(201);
    expect(prompt.body.audio).toMatchObject({ format: 'wav', channels: 1 });
    expect(prompt.body.audio.durationMs).toBeGreaterThan(300);
    const res = await fetch(`${w.t.url}/v1/prompts/${prompt.body._id}/audio`, {
      headers: { authorization: `Bearer ${acme.token}` },
    });
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8);
  });

  it('takes a WAV upload for an upload prompt and refuses a file that is not WAV', async () => {
    const prompt = (await acme.post('/v1/prompts', { name: 'hello-upload', source: 'upload' })).body;
    expect(prompt.audio).toBeNull();
    const wav = silentWav(8000, 800);
    const ok = await acme.request('PUT', `/v1/prompts/${prompt._id}/audio`, wav, {
      'content-type': 'audio/wav',
    });
    expect(ok.status).toBe(200);
    expect(ok.body.audio).toMatchObject({ sampleRate: 8000, durationMs: 100, bitsPerSample: 16 });
    const junk = await acme.request('PUT', `/v1/prompts/${prompt._id}/audio`, new Uint8Array(100), {
      'content-type': 'audio/wav',
    });
    expect(junk.status).toBe(422);
    expect((await acme.get(`/v1/prompts/${prompt._id}`)).body.audio.sha256).toBe(ok.body.audio.sha256);
  });
});

describe('settings', () => {
  it('refuses to serve without a JWT secret, naming the setting', async () => {
    await expect(startTestApi({ env: { HOTLINE_API_JWT_SECRET: '' } })).rejects.toMatchObject({
      code: 'invalid_config',
      issues: [expect.objectContaining({ key: 'HOTLINE_API_JWT_SECRET' })],
    });
  });

  it('names every bad API setting at once', () => {
    expect(() =>
      loadApiSettings({
        HOTLINE_API_ADMIN_KEY: 'short',
        HOTLINE_API_MAX_BODY_BYTES: 'big',
        HOTLINE_API_DEMOSEED: 'no',
      }),
    ).toThrow(
      /HOTLINE_API_ADMIN_KEY[\s\S]*HOTLINE_API_DEMOSEED[\s\S]*did you mean HOTLINE_API_DEMO_SEED[\s\S]*HOTLINE_API_MAX_BODY_BYTES/,
    );
  });
});

describe('demo seed', () => {
  it('provisions the demo tenant over HTTP as the platform admin, and a second run changes nothing', async () => {
    const warnings: string[] = [];
    const target = httpTarget(w.t.url, ADMIN_KEY);
    const first = await seedDemoTenant(target, (m) => warnings.push(m), 'demo-http');
    expect(first.created).toBe(true);
    expect(warnings).toEqual([]);
    const demo = acme.as(first.apiKey!);
    const flow = await demo.get(`/v1/flows/${first.ids!.flow}`);
    expect(flow.body).toMatchObject({ status: 'published', publishedVersion: 1 });
    expect((await demo.get('/v1/agents')).body.items).toHaveLength(3);
    // The team lead signs in to the desk as a supervisor with a softphone of her own.
    const lead = await fetch(`${w.t.url}/v1/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenantId: 'demo-http',
        email: 'carol@demo.example',
        password: 'carol-demo-password',
      }),
    });
    expect(lead.status).toBe(201);
    const session = (await lead.json()) as { user: { roles: string[]; agentId: string | null } };
    expect(session.user.roles).toEqual(['agent', 'supervisor']);
    expect(session.user.agentId).toEqual(expect.any(String));
    const auditBefore = await count(Collections.auditLog, 'demo-http');
    expect(await seedDemoTenant(target, (m) => warnings.push(m), 'demo-http')).toEqual({
      created: false,
      tenantId: 'demo-http',
    });
    expect(await count(Collections.auditLog, 'demo-http')).toBe(auditBefore);
  });
});

/** A mono 16-bit PCM WAV of `samples` zero samples. */
function silentWav(rate: number, samples: number): Uint8Array {
  const data = samples * 2;
  const b = Buffer.alloc(44 + data);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + data, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * 2, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(data, 40);
  return new Uint8Array(b);
}
