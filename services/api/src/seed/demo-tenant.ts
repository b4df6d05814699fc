import type { Fields } from '../domain/resource-spec';
import type { SeedTarget } from './seed-target';

export const demoTenantId = 'demo';

export interface SeedResult {
  created: boolean;
  tenantId: string;
  /** The demo tenant admin's API key (shown once, on the run that created it). */
  apiKey?: string;
  ids?: Record<string, string>;
}

/** Demo credentials: well known on purpose, for a laptop demo only. */
export const demoCredentials = {
  adminEmail: 'admin@demo.example',
  adminPassword: 'demo-admin-password',
  agentUserPassword: 'alice-demo-password',
  supervisorUserPassword: 'carol-demo-password',
  agentPassword: (username: string) => `${username}-demo-sip-password`,
};

/** The demo hotline's numbers (DNIS), E.164. */
export const demoNumbers = ['+4930901820', '+4930901821'] as const;

/** A small IVR: welcome, a menu (1 sales, 2 support), each into its queue. */
export function demoFlowGraph(salesQueueId: string, supportQueueId: string): Fields {
  return {
    start: 'welcome',
    nodes: [
      {
        id: 'welcome',
        type: 'play',
        prompts: [{ kind: 'tts', text: 'Welcome to the Hotline demo.' }],
        next: 'menu',
      },
      {
        id: 'menu',
        type: 'menu',
        prompts: [{ kind: 'tts', text: 'For sales, press 1. For support, press 2.' }],
        options: { '1': 'sales', '2': 'support' },
        timeoutMs: 5000,
        retries: 2,
        onFailure: 'support',
      },
      { id: 'sales', type: 'enqueue', queueId: salesQueueId },
      { id: 'support', type: 'enqueue', queueId: supportQueueId },
    ],
  };
}

/**
 * Provisions the demo tenant: one hotline, a published flow, two queues, three agents, users,
 * disposition codes. Skipped when the tenant already exists, so restarts of `hotline up` keep
 * what the demo user changed.
 */
export async function seedDemoTenant(
  target: SeedTarget,
  warn: (message: string, err: unknown) => void,
  tenantId = demoTenantId,
): Promise<SeedResult> {
  if (await target.tenantExists(tenantId)) return { created: false, tenantId };
  await target.create('tenants', { id: tenantId, name: 'Demo Co', timeZone: 'Europe/Berlin' }, null);
  const make = async (plural: string, body: Fields) => (await target.create(plural, body, tenantId))._id;

  const site = await make('sites', { name: 'Berlin', timeZone: 'Europe/Berlin' });
  const sales = await make('skills', { name: 'sales', description: 'Sales questions' });
  const support = await make('skills', { name: 'support', description: 'Technical support' });
  const hours = await make('calendars', {
    name: 'Office hours',
    timeZone: 'Europe/Berlin',
    weekly: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, open: '08:00', close: '18:00' })),
    holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
  });
  let welcome: string | null = null;
  try {
    welcome = await make('prompts', {
      name: 'Queue welcome',
      source: 'tts',
      text: 'Please hold, an agent will be with you shortly.',
    });
  } catch (err) {
    warn('demo prompt not rendered (is espeak-ng installed?); queues have no welcome prompt', err);
  }
  const supportQueue = await make('queues', {
    name: 'Support',
    targets: [
      { afterSeconds: 0, requirements: [{ skillId: support, minProficiency: 3 }] },
      { afterSeconds: 30, requirements: [{ skillId: support, minProficiency: 1 }] },
    ],
    priority: 5,
    maxWaitSeconds: 600,
    serviceLevelSeconds: 20,
    wrapUpSeconds: 15,
    announcements: { welcomePromptId: welcome, positionEverySeconds: 60, estimatedWait: true },
  });
  const salesQueue = await make('queues', {
    name: 'Sales',
    targets: [{ afterSeconds: 0, requirements: [{ skillId: sales, minProficiency: 1 }] }],
    priority: 7,
    maxWaitSeconds: 300,
    overflow: { triggers: ['max-wait', 'no-agents'], target: { kind: 'queue', queueId: supportQueue } },
    serviceLevelSeconds: 15,
    announcements: { welcomePromptId: welcome, positionEverySeconds: 0, estimatedWait: false },
  });
  const agent = (name: string, username: string, extension: string, skills: [string, number][]) =>
    make('agents', {
      displayName: name,
      extension,
      siteId: site,
      skills: skills.map(([skillId, proficiency]) => ({ skillId, proficiency })),
      queueIds: [
        ...(skills.some(([s]) => s === sales) ? [salesQueue] : []),
        ...(skills.some(([s]) => s === support) ? [supportQueue] : []),
      ],
      sip: { username, password: demoCredentials.agentPassword(username) },
    });
  const alice = await agent('Alice', 'alice', '1001', [
    [sales, 4],
    [support, 2],
  ]);
  await agent('Bob', 'bob', '1002', [[support, 5]]);
  const carol = await agent('Carol', 'carol', '1003', [
    [sales, 2],
    [support, 3],
  ]);
  await make('users', {
    email: demoCredentials.adminEmail,
    displayName: 'Demo admin',
    roles: ['tenant-admin'],
    password: demoCredentials.adminPassword,
  });
  await make('users', {
    email: 'alice@demo.example',
    displayName: 'Alice',
    roles: ['agent'],
    password: demoCredentials.agentUserPassword,
    agentId: alice,
  });
  // A team lead who takes calls and supervises: her softphone is the one she listens in with.
  await make('users', {
    email: 'carol@demo.example',
    displayName: 'Carol',
    roles: ['agent', 'supervisor'],
    password: demoCredentials.supervisorUserPassword,
    agentId: carol,
  });
  await make('disposition-codes', { code: 'resolved', label: 'Resolved' });
  await make('disposition-codes', { code: 'callback', label: 'Callback promised', requiresNote: true });

  const flow = await make('flows', { name: 'Main menu', graph: demoFlowGraph(salesQueue, supportQueue) });
  try {
    await target.flowAction(flow, 'validate', tenantId);
    await target.flowAction(flow, 'publish', tenantId);
  } catch (err) {
    warn('demo flow left as a draft: it does not validate', err);
  }
  const hotline = await make('hotlines', {
    name: 'Demo hotline',
    numbers: [...demoNumbers],
    trunk: { id: 'demo-trunk' },
    defaultFlowId: flow,
    flowMappings: [{ dnis: demoNumbers[1], flowId: flow }],
    recording: { mode: 'percentage', percentage: 10 },
    calendarId: hours,
  });
  const key = await target.create('api-keys', { name: 'demo admin key', role: 'tenant-admin' }, tenantId);
  return {
    created: true,
    tenantId,
    ...(key.secret ? { apiKey: key.secret } : {}),
    ids: { site, sales, support, hours, supportQueue, salesQueue, flow, hotline },
  };
}
