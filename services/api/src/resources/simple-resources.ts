import {
  Collections,
  calendarDocument,
  calendarInput,
  dispositionCodeDocument,
  dispositionCodeInput,
  siteDocument,
  siteInput,
  skillDocument,
  skillInput,
} from '@hotline/provisioning';
import { booleanFilter, defineResource, uniquePerTenant } from './define';

export const sites = defineResource({
  name: 'site',
  plural: 'sites',
  title: 'Site',
  collection: Collections.sites,
  idPrefix: 'site',
  createInput: siteInput,
  view: siteDocument,
  uniqueIndexes: [uniquePerTenant(Collections.sites, 'name')],
  referencedBy: [
    { collection: Collections.agents, path: 'siteId', resource: 'agent' },
    { collection: Collections.queues, path: 'targets.siteIds', resource: 'queue' },
    { collection: Collections.queues, path: 'overflow.target.siteId', resource: 'queue' },
  ],
});

export const skills = defineResource({
  name: 'skill',
  plural: 'skills',
  title: 'Skill',
  collection: Collections.skills,
  idPrefix: 'skl',
  createInput: skillInput,
  view: skillDocument,
  uniqueIndexes: [uniquePerTenant(Collections.skills, 'name')],
  referencedBy: [
    { collection: Collections.agents, path: 'skills.skillId', resource: 'agent' },
    { collection: Collections.queues, path: 'targets.requirements.skillId', resource: 'queue' },
  ],
});

export const dispositionCodes = defineResource({
  name: 'disposition-code',
  plural: 'disposition-codes',
  title: 'DispositionCode',
  collection: Collections.dispositionCodes,
  idPrefix: 'dsp',
  createInput: dispositionCodeInput,
  view: dispositionCodeDocument,
  uniqueIndexes: [uniquePerTenant(Collections.dispositionCodes, 'code')],
  filters: { active: booleanFilter('active', 'only active (true) or retired (false) codes') },
});

export const calendars = defineResource({
  name: 'calendar',
  plural: 'calendars',
  title: 'Calendar',
  collection: Collections.calendars,
  idPrefix: 'cal',
  createInput: calendarInput,
  view: calendarDocument,
  uniqueIndexes: [uniquePerTenant(Collections.calendars, 'name')],
  referencedBy: [
    { collection: Collections.queues, path: 'calendarId', resource: 'queue' },
    { collection: Collections.hotlines, path: 'calendarId', resource: 'hotline' },
  ],
});
