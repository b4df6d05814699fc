import { z } from 'zod';
import { description, displayName, documentMeta, timeZone } from './common';

/** A location agents work from; queues overflow to a site and agents belong to one. */
export const siteInput = z.strictObject({
  name: displayName(),
  description: description().default(''),
  timeZone: timeZone().default('UTC'),
});

export const siteDocument = z.strictObject({
  ...documentMeta,
  name: displayName(),
  description: description(),
  timeZone: timeZone(),
});

export type SiteInput = z.input<typeof siteInput>;
export type Site = z.infer<typeof siteDocument>;
