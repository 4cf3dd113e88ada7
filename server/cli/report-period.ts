import { addDays, isKnownTimeZone, type LocalDate } from '../reports/time-buckets';

/** How far back `npm run report` looks when no dates are given. */
export const DEFAULT_REPORT_DAYS = 30;

/** Today's date in `timeZone`, as `YYYY-MM-DD`. */
function localToday(now: number, timeZone: string): LocalDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/**
 * The report's period: the dates given, or, when neither is, the last 30 days up to and including
 * today in the report's time zone (`[today - 29, today + 1)`). A single date is left as given, so the
 * report's own check names the missing one rather than guessing what was meant.
 */
export function withDefaultPeriod<T extends { from?: string | undefined; to?: string | undefined; tz?: string | undefined }>(params: T, now: number): T {
  if (params.from !== undefined || params.to !== undefined) return params;
  // An unknown zone is reported by the report's own check; the dates are then UTC's, never in question.
  const tz = params.tz !== undefined && isKnownTimeZone(params.tz) ? params.tz : 'UTC';
  const to = addDays(localToday(now, tz), 1);
  return { ...params, from: addDays(to, -DEFAULT_REPORT_DAYS), to };
}
