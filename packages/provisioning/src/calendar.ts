import { z } from 'zod';
import { clockTime, displayName, documentMeta, isoDate, timeZone } from './common';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Open from `open` to `close` (local time of the calendar's zone) on that day. */
const hours = { open: clockTime(), close: clockTime() };
const closesAfterOpening = (h: { open: string; close: string }) => h.open < h.close;
const closeError = { message: 'close must be after open', path: ['close'] };

export const openingHours = z.strictObject(hours).refine(closesAfterOpening, closeError);

export const weeklyHours = z
  .strictObject({ day: z.enum(weekdays), ...hours })
  .refine(closesAfterOpening, closeError);

/** A day that overrides the week: closed all day when `hours` is empty, else open only then. */
export const holiday = z.strictObject({
  date: isoDate(),
  name: displayName(),
  hours: z.array(openingHours).max(4).default([]),
});

/** Business hours (F-IVR-4) in an IANA zone, so daylight-saving changes need no edits. */
export const calendarInput = z.strictObject({
  name: displayName(),
  timeZone: timeZone(),
  weekly: z.array(weeklyHours).max(28).default([]),
  holidays: z
    .array(holiday)
    .max(366)
    .refine((h) => new Set(h.map((x) => x.date)).size === h.length, 'each date at most once')
    .default([]),
});

export const calendarDocument = z.strictObject({
  ...documentMeta,
  name: displayName(),
  timeZone: timeZone(),
  weekly: z.array(weeklyHours),
  holidays: z.array(holiday),
});

export type CalendarInput = z.input<typeof calendarInput>;
export type Calendar = z.infer<typeof calendarDocument>;
export type Weekday = (typeof weekdays)[number];
