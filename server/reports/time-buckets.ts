/**
 * Calendar arithmetic for reports, done once in JavaScript: the database only ever sees epoch-ms
 * edges, so SQLite and PostgreSQL bucket identically and daylight-saving days come out 23 or 25
 * hours long instead of being shifted by an hour.
 */

import type { Interval } from '../../src/app/packages/contracts/funnel-report';

export type { Interval };

/** A calendar date, `YYYY-MM-DD`, with no time zone of its own. */
export type LocalDate = string;

export interface Bucket {
  /** The local date on which the bucket starts (a Monday for weeks, except a clipped first week). */
  date: LocalDate;
  /** Inclusive start and exclusive end, epoch ms. */
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;
// eslint-disable-next-line no-restricted-syntax -- immutable formatters by time zone: the same for every context, so sharing them changes no answer
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for an IANA zone name the runtime knows ("Europe/Berlin", "UTC"). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `instant` in `timeZone`, expressed as if that wall clock were UTC. */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const { year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  // Intl drops milliseconds; keep the instant's own so the offset stays a whole number of seconds.
  return Date.UTC(year, month - 1, day, hour, minute, second) + (((instant % 1000) + 1000) % 1000);
}

function offsetAt(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - instant;
}

function parseLocalDate(date: LocalDate): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`"${date}" is not a date in the form YYYY-MM-DD`);
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (toLocalDate(utc) !== date) throw new RangeError(`"${date}" is not a real calendar date`);
  return utc;
}

function toLocalDate(utcMidnight: number): LocalDate {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isLocalDate(value: string): boolean {
  try {
    parseLocalDate(value);
    return true;
  } catch {
    return false;
  }
}

export function addDays(date: LocalDate, days: number): LocalDate {
  return toLocalDate(parseLocalDate(date) + days * DAY_MS);
}

export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((parseLocalDate(to) - parseLocalDate(from)) / DAY_MS);
}

/** The Monday on or before `date`. */
export function mondayOf(date: LocalDate): LocalDate {
  const weekday = new Date(parseLocalDate(date)).getUTCDay(); // 0 = Sunday
  return addDays(date, -((weekday + 6) % 7));
}

/**
 * The first instant of `date` in `timeZone`. Usually local midnight; where a zone skips midnight
 * (Chile and others change clocks at 00:00) the day starts when the clock jumps, and where midnight
 * happens twice the earlier one counts.
 */
export function startOfLocalDay(date: LocalDate, timeZone: string): number {
  const wall = parseLocalDate(date);
  const offsets = new Set([-DAY_MS, 0, DAY_MS].map((shift) => offsetAt(wall + shift, timeZone)));
  const midnights = [...offsets].map((o) => wall - o).filter((t) => wallClock(t, timeZone) === wall);
  if (midnights.length > 0) return Math.min(...midnights);
  // Midnight is skipped: find the transition, the first instant whose wall clock is on or after it.
  let low = wall - Math.max(...offsets);
  let high = wall - Math.min(...offsets);
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (wallClock(mid, timeZone) >= wall) high = mid;
    else low = mid;
  }
  return high;
}

/**
 * Buckets covering `[from, to)` exactly: days start at local midnight, weeks on local Monday
 * midnight. The first and last week are clipped to the period so the series adds up to the totals.
 */
export function bucketsFor(from: LocalDate, to: LocalDate, interval: Interval, timeZone: string): Bucket[] {
  const dates: LocalDate[] = [];
  const step = interval === 'day' ? 1 : 7;
  for (let d = interval === 'day' ? from : mondayOf(from); d < to; d = addDays(d, step)) dates.push(d < from ? from : d);
  const edges = [...dates, to].map((d) => startOfLocalDay(d, timeZone));
  return dates.map((date, i) => ({ date, start: edges[i]!, end: edges[i + 1]! }));
}
