import type { Calendar } from './flow-schema';

export type CalendarStatus = 'open' | 'closed' | 'holiday';

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export function minutesOf(clock: string): number {
  const [h = '0', m = '0'] = clock.split(':');
  return Number(h) * 60 + Number(m);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date, weekday and minute of the day at `now` in the calendar's zone. */
export function localTime(now: Date, timeZone: string): { date: string; weekday: string; minute: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(parts.weekday).slice(0, 3).toLowerCase(),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/**
 * Whether the hotline is open at `now`. Hours are local wall-clock times in the calendar's zone,
 * so a summer-time change moves them with the clock on the wall, as callers expect; a holiday
 * (a local date) closes the whole day unless it
 * lists its own hours.
 */
export function calendarStatus(calendar: Calendar, now: Date): CalendarStatus {
  const local = localTime(now, calendar.timeZone);
  const within = (h: { open: string; close: string }) =>
    local.minute >= minutesOf(h.open) && local.minute < minutesOf(h.close);
  const holiday = calendar.holidays.find((h) => h.date === local.date);
  if (holiday) return holiday.hours.some(within) ? 'open' : 'holiday';
  return calendar.weekly.some((w) => w.day === local.weekday && within(w)) ? 'open' : 'closed';
}
