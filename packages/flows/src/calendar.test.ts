import { describe, expect, it } from 'vitest';
import { calendarStatus } from './calendar';
import type { Calendar } from './flow-schema';

const berlin: Calendar = {
  timeZone: 'Europe/Berlin',
  weekly: (['mon', 'tue', 'wed', 'thu', 'fri'] as const).map((day) => ({
    day,
    open: '08:00',
    close: '18:00',
  })),
  holidays: [
    { date: '2025-12-25', name: 'Christmas', hours: [] },
    { date: '2025-12-24', name: 'Christmas Eve', hours: [{ open: '08:00', close: '12:00' }] },
  ],
};

describe('business-hours calendar', () => {
  it('is open during local opening hours and closed outside them', () => {
    // 2025-06-02 is a Monday; Berlin is UTC+2 in summer.
    expect(calendarStatus(berlin, new Date('2025-06-02T06:30:00Z'))).toBe('open');
    expect(calendarStatus(berlin, new Date('2025-06-02T05:59:00Z'))).toBe('closed');
    expect(calendarStatus(berlin, new Date('2025-06-02T16:00:00Z'))).toBe('closed');
  });

  it('follows the zone across daylight saving time', () => {
    // In winter Berlin is UTC+1, so 07:30Z is 08:30 local: open; in summer 06:30Z is 08:30 too.
    expect(calendarStatus(berlin, new Date('2025-01-06T07:30:00Z'))).toBe('open');
    expect(calendarStatus(berlin, new Date('2025-01-06T06:30:00Z'))).toBe('closed');
  });

  it('uses the local date: a weekend and a holiday are closed', () => {
    expect(calendarStatus(berlin, new Date('2025-06-07T10:00:00Z'))).toBe('closed');
    // 2025-12-25 is a Thursday; 23:30Z on the 24th is already the 25th in Berlin.
    expect(calendarStatus(berlin, new Date('2025-12-24T23:30:00Z'))).toBe('holiday');
  });

  it('opens a holiday only during its own hours', () => {
    expect(calendarStatus(berlin, new Date('2025-12-24T10:00:00Z'))).toBe('open');
    expect(calendarStatus(berlin, new Date('2025-12-24T12:00:00Z'))).toBe('holiday');
  });
});
