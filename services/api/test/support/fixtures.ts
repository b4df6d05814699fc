/* eslint-disable @typescript-eslint/no-explicit-any -- replies are JSON of many shapes; tests assert on them field by field */
import { consumeEvents, type ConsumeEventsOptions } from '@hotline/event-bus';
import type { HotlineEvent } from '@hotline/contracts';
import { Topics } from '@hotline/contracts';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY, startTestApi, type HarnessOptions, type TestApi } from './api-harness';
import { Client } from './client';
import { OpenApiCheck } from './openapi-check';

export interface World {
  t: TestApi;
  admin: Client;
  check: OpenApiCheck;
  tenant(id: string): Promise<Client>;
}

/** A running API, its platform admin, and a way to make tenants with a tenant-admin key each. */
export async function startWorld(options: HarnessOptions = {}): Promise<World> {
  const t = await startTestApi(options);
  const doc = (await (await fetch(`${t.url}/v1/openapi.json`)).json()) as Record<string, unknown>;
  const check = new OpenApiCheck(doc);
  const admin = new Client(t.url, ADMIN_KEY, {}, check);
  return {
    t,
    admin,
    check,
    async tenant(id) {
      const created = await admin.post('/v1/tenants', { id, name: `Tenant ${id}` });
      if (created.status !== 201) throw new Error(`tenant ${id}: ${JSON.stringify(created.body)}`);
      const key = await admin.post(
        '/v1/api-keys',
        { name: 'admin', role: 'tenant-admin' },
        { 'Hotline-Tenant': id },
      );
      if (key.status !== 201) throw new Error(`key for ${id}: ${JSON.stringify(key.body)}`);
      return admin.as(key.body.secret);
    },
  };
}

let numberSeq = 0;
/** A fresh E.164 number per call, so tests never collide on number claims. */
export function freshNumber(): string {
  numberSeq++;
  return `+4930${String(Date.now() % 1e6).padStart(6, '0')}${String(numberSeq).padStart(3, '0')}`;
}

export const validGraph = (queueId: string) => ({
  start: 'hello',
  nodes: [
    { id: 'hello', type: 'play', prompts: [{ kind: 'tts', text: 'Hello.' }], next: 'queue' },
    { id: 'queue', type: 'enqueue', queueId },
  ],
});

/** One of each thing a hotline needs; returns their ids. */
export async function provisionBasics(c: Client, suffix = '') {
  const must = async (path: string, body: unknown) => {
    const r = await c.post(path, body);
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as { _id: string; _rev: number } & Record<string, any>;
  };
  const site = await must('/v1/sites', { name: `Site${suffix}` });
  const skill = await must('/v1/skills', { name: `billing${suffix}` });
  const queue = await must('/v1/queues', {
    name: `Billing${suffix}`,
    targets: [{ afterSeconds: 0, requirements: [{ skillId: skill._id, minProficiency: 2 }] }],
  });
  const flow = await must('/v1/flows', { name: `Main${suffix}`, graph: validGraph(queue._id) });
  const calendar = await must('/v1/calendars', {
    name: `Hours${suffix}`,
    timeZone: 'Europe/Paris',
    weekly: [{ day: 'mon', open: '09:00', close: '17:00' }],
  });
  const agent = await must('/v1/agents', {
    displayName: `Agent${suffix}`,
    siteId: site._id,
    skills: [{ skillId: skill._id, proficiency: 4 }],
    queueIds: [queue._id],
    sip: { username: `agent${suffix.replace(/[^A-Za-z0-9]/g, '')}`, password: 'a long sip password' },
  });
  const number = freshNumber();
  const hotline = await must('/v1/hotlines', {
    name: `Line${suffix}`,
    numbers: [number],
    trunk: { id: 'carrier-a' },
    defaultFlowId: flow._id,
    calendarId: calendar._id,
  });
  return { site, skill, queue, flow, calendar, agent, hotline, number };
}

/** Collects config events from the bus into an array. */
export async function collectConfigEvents(t: TestApi, group: string) {
  const events: HotlineEvent[] = [];
  const options: ConsumeEventsOptions = {
    bus: t.bus,
    group,
    topics: [Topics.config],
    fromBeginning: true,
    handle: async (e) => {
      events.push(e);
    },
  };
  const sub = await consumeEvents(options);
  return { events, close: () => sub.close() };
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** Installs espeak-ng (the prompts' TTS) if the machine lacks it; instant when present. */
export function ensureEspeak(): void {
  execFileSync('bash', [path.join(root, 'infra/local/espeak.sh'), 'install'], {
    stdio: 'inherit',
    timeout: 110_000,
  });
}
