import { bucketsFor, startOfLocalDay } from '../../../server/reports/time-buckets';

const hours = (b: { start: number; end: number }) => (b.end - b.start) / 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('report buckets', () => {
  it('makes the spring-forward day 23 hours and the fall-back day 25 hours long in Berlin', () => {
    const spring = bucketsFor('2026-03-28', '2026-03-31', 'day', 'Europe/Berlin');
    expect(spring.map((b) => [b.date, iso(b.start), hours(b)])).toEqual([
      ['2026-03-28', '2026-03-27T23:00:00.000Z', 24],
      ['2026-03-29', '2026-03-28T23:00:00.000Z', 23],
      ['2026-03-30', '2026-03-29T22:00:00.000Z', 24],
    ]);
    expect(bucketsFor('2025-10-26', '2025-10-27', 'day', 'Europe/Berlin').map(hours)).toEqual([25]);
  });

  it('starts a day without midnight when the clock jumps, and a day with two midnights at the first', () => {
    // Santiago and Havana move their clocks at 00:00.
    expect(iso(startOfLocalDay('2025-09-07', 'America/Santiago'))).toBe('2025-09-07T04:00:00.000Z');
    expect(iso(startOfLocalDay('2026-03-08', 'America/Havana'))).toBe('2026-03-08T05:00:00.000Z');
    expect(iso(startOfLocalDay('2025-11-02', 'America/Havana'))).toBe('2025-11-02T04:00:00.000Z');
    expect(bucketsFor('2025-11-02', '2025-11-03', 'day', 'America/Havana').map(hours)).toEqual([25]);
  });

  it('handles zones with quarter-hour offsets and zones ahead of UTC', () => {
    expect(iso(startOfLocalDay('2026-01-01', 'Asia/Kathmandu'))).toBe('2025-12-31T18:15:00.000Z');
    expect(iso(startOfLocalDay('2026-01-01', 'Pacific/Kiritimati'))).toBe('2025-12-31T10:00:00.000Z');
  });

  it('aligns weeks to Monday and clips the first and last week to the period', () => {
    const weeks = bucketsFor('2026-01-01', '2026-02-01', 'week', 'UTC');
    expect(weeks.map((b) => [b.date, hours(b) / 24])).toEqual([
      ['2026-01-01', 4], // Thursday to Monday
      ['2026-01-05', 7],
      ['2026-01-12', 7],
      ['2026-01-19', 7],
      ['2026-01-26', 6], // Monday to the end of Saturday 31st
    ]);
  });

  it('tiles the period without gaps or overlaps', () => {
    const days = bucketsFor('2025-10-01', '2025-11-15', 'day', 'America/New_York');
    expect(days).toHaveLength(45);
    days.slice(1).forEach((b, i) => expect(b.start).toBe(days[i]!.end));
  });
});
