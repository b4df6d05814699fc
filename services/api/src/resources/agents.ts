import {
  Collections,
  agentInput,
  agentUpdateInput,
  agentView,
  sipHa1,
  type Agent,
} from '@hotline/provisioning';
import { HotlineError } from '@hotline/platform';
import type { Doc, Fields, Ref } from '../domain/resource-spec';
import { booleanFilter, defineResource, ref, staff, stringFilter, uniquePerTenant } from './define';

type AgentFields = Omit<Agent, 'sip'> & { sip: { username: string; password?: string } };

export const agents = defineResource({
  name: 'agent',
  plural: 'agents',
  title: 'Agent',
  collection: Collections.agents,
  idPrefix: 'agt',
  write: staff,
  createInput: agentInput,
  updateInput: agentUpdateInput,
  view: agentView,
  toView: (doc: Doc) => {
    const { sip, ...rest } = doc as unknown as Agent;
    return { ...rest, sip: { username: sip.username, realm: sip.realm } };
  },
  inputOf: (doc: Doc) => {
    const { _id, _rev, tenantId, createdAt, updatedAt, sip, ...rest } = doc as unknown as Agent;
    void [_id, _rev, tenantId, createdAt, updatedAt];
    return { ...rest, sip: { username: sip.username } };
  },
  async build(input, ctx, existing) {
    const a = input as unknown as AgentFields;
    const previous = existing as unknown as Agent | null;
    const realm = previous?.sip.realm ?? (await ctx.tenant()).sipRealm;
    let ha1: string;
    if (a.sip.password !== undefined) ha1 = sipHa1(a.sip.username, realm, a.sip.password);
    else if (previous && previous.sip.username === a.sip.username) ha1 = previous.sip.ha1;
    else {
      // HA1 hashes the username in, so a new username needs the password again.
      throw new HotlineError('validation_failed', 'a new SIP username needs its password', {
        fields: [{ field: 'sip/password', message: 'required when the username changes' }],
      });
    }
    const { sip, ...rest } = a;
    return {
      ...rest,
      extension: rest.extension ?? null,
      sip: { username: sip.username, realm, ha1 },
    } as Fields;
  },
  uniqueIndexes: [
    { ...uniquePerTenant(Collections.agents, 'sip/username', 'sip.username'), message: 'SIP username taken' },
  ],
  filters: {
    siteId: stringFilter('siteId', 'agents of this site'),
    skillId: stringFilter('skills.skillId', 'agents with this skill'),
    queueId: stringFilter('queueIds', 'members of this queue'),
    active: booleanFilter('active', 'active (true) or inactive (false) agents'),
  },
  references(input) {
    const a = input as unknown as AgentFields;
    const refs: Ref[] = [...ref('siteId', Collections.sites, 'site', a.siteId)];
    a.skills.forEach((s, i) =>
      refs.push(...ref(`skills/${i}/skillId`, Collections.skills, 'skill', s.skillId)),
    );
    a.queueIds.forEach((q, i) => refs.push(...ref(`queueIds/${i}`, Collections.queues, 'queue', q)));
    return refs;
  },
  referencedBy: [{ collection: Collections.users, path: 'agentId', resource: 'user' }],
});
