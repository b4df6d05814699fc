import { z } from 'zod';

// Building blocks shared by every provisioned resource.

/** Ids: the same alphabet as event envelopes, so a resource id can key an event. */
export const resourceId = () =>
  z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');

export const displayName = () => z.string().trim().min(1).max(120);

export const description = () => z.string().max(2000);

/** ITU-T E.164: a plus, a non-zero country code digit, at most 15 digits in all. */
export const e164 = () => z.string().regex(/^\+[1-9]\d{1,14}$/, 'an E.164 number (+ then up to 15 digits)');

export const isoDateTime = () => z.iso.datetime({ offset: true });

/** YYYY-MM-DD (a calendar day, no time zone: the calendar's own zone applies). */
export const isoDate = () => z.iso.date();

/** HH:MM on a 24-hour clock; 24:00 closes at midnight. */
export const clockTime = () =>
  z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time HH:MM (00:00 to 24:00)');

export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const timeZone = () =>
  z.string().min(1).max(64).refine(isIanaTimeZone, 'an IANA time zone such as Europe/Paris');

/** Fields the store and the API set on every document; clients never write them. */
export const documentMeta = {
  _id: resourceId(),
  tenantId: resourceId(),
  /** Revision, +1 on every write: the ETag, checked by If-Match. */
  _rev: z.number().int().positive(),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
};

export type DocumentMeta = {
  _id: string;
  tenantId: string;
  _rev: number;
  createdAt: string;
  updatedAt: string;
};
