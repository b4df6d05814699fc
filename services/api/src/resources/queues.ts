import { Collections, queueDocument, queueInput, type Queue } from '@hotline/provisioning';
import type { FieldError } from '@hotline/platform';
import type { Ref } from '../domain/resource-spec';
import { defineResource, ref, stringFilter, uniquePerTenant } from './define';

export const queues = defineResource({
  name: 'queue',
  plural: 'queues',
  title: 'Queue',
  collection: Collections.queues,
  idPrefix: 'que',
  createInput: queueInput,
  view: queueDocument,
  uniqueIndexes: [uniquePerTenant(Collections.queues, 'name')],
  filters: { strategy: stringFilter('strategy', 'routing strategy') },
  references(input) {
    const q = input as unknown as Queue;
    const refs: Ref[] = [];
    q.targets.forEach((t, i) => {
      t.requirements.forEach((r, j) =>
        refs.push(...ref(`targets/${i}/requirements/${j}/skillId`, Collections.skills, 'skill', r.skillId)),
      );
      t.siteIds.forEach((s, j) =>
        refs.push(...ref(`targets/${i}/siteIds/${j}`, Collections.sites, 'site', s)),
      );
    });
    const target = q.overflow?.target;
    if (target?.kind === 'queue') {
      refs.push(...ref('overflow/target/queueId', Collections.queues, 'queue', target.queueId));
    }
    if (target?.kind === 'site')
      refs.push(...ref('overflow/target/siteId', Collections.sites, 'site', target.siteId));
    refs.push(...ref('musicOnHoldPromptId', Collections.prompts, 'prompt', q.musicOnHoldPromptId));
    refs.push(
      ...ref('announcements/welcomePromptId', Collections.prompts, 'prompt', q.announcements.welcomePromptId),
    );
    refs.push(...ref('calendarId', Collections.calendars, 'calendar', q.calendarId));
    return refs;
  },
  check(input, id) {
    const q = input as unknown as Queue;
    const errors: FieldError[] = [];
    const target = q.overflow?.target;
    if (target?.kind === 'queue' && target.queueId === id) {
      errors.push({ field: 'overflow/target/queueId', message: 'a queue cannot overflow to itself' });
    }
    return errors;
  },
  referencedBy: [
    { collection: Collections.agents, path: 'queueIds', resource: 'agent' },
    { collection: Collections.queues, path: 'overflow.target.queueId', resource: 'queue' },
  ],
});
