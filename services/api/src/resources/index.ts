import type { DocumentStore } from '@hotline/document-store';
import { NumberClaims } from '../domain/number-claims';
import type { ResourceSpec, UniqueIndex } from '../domain/resource-spec';
import type { TextToSpeech } from '../domain/text-to-speech';
import { agents } from './agents';
import { apiKeys } from './api-keys';
import { flows } from './flows';
import { hotlinesResource } from './hotlines';
import { PromptAudioStore, promptsResource } from './prompts';
import { queues } from './queues';
import { calendars, dispositionCodes, sites, skills } from './simple-resources';
import { auditLog, tenants } from './tenants';
import { users } from './users';

export interface Resources {
  tenants: ResourceSpec;
  apiKeys: ResourceSpec;
  users: ResourceSpec;
  sites: ResourceSpec;
  skills: ResourceSpec;
  agents: ResourceSpec;
  calendars: ResourceSpec;
  prompts: ResourceSpec;
  queues: ResourceSpec;
  flows: ResourceSpec;
  hotlines: ResourceSpec;
  dispositionCodes: ResourceSpec;
  auditLog: ResourceSpec;
}

export function createResources(store: DocumentStore, tts: TextToSpeech) {
  const audio = new PromptAudioStore(store);
  const resources: Resources = {
    tenants,
    apiKeys,
    users,
    sites,
    skills,
    agents,
    calendars,
    prompts: promptsResource(audio, tts),
    queues,
    flows,
    hotlines: hotlinesResource(new NumberClaims(store)),
    dispositionCodes,
    auditLog,
  };
  return { resources, audio };
}

/** Every index the API relies on: per-tenant listing by id, plus each resource's unique ones. */
export async function ensureIndexes(store: DocumentStore, resources: Resources): Promise<void> {
  for (const spec of Object.values(resources)) {
    const listing = {
      name: `${spec.collection}_tenant_id`,
      fields: { tenantId: 1, _id: 1 } as Record<string, 1>,
    };
    await store
      .collection(spec.collection)
      .ensureIndexes([listing, ...(spec.uniqueIndexes ?? []).map((u: UniqueIndex) => u.spec)]);
  }
}
