const DAY = 86_400_000;
const PATTERN =
  /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Milliseconds in an ISO-8601 duration such as `P7D`, `PT36H` or `P1DT12H` (the form of
 * `hs_expiration_duration`). Years and months count as 365 and 30 days: an expiry, not a calendar.
 */
export function parseIsoDuration(text: string): number {
  const match = PATTERN.exec(text.trim());
  if (!match || text.trim() === 'P' || text.trim().endsWith('T')) {
    throw new Error(`"${text}" is not an ISO-8601 duration (expected e.g. "P7D" or "PT12H")`);
  }
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return (
    (years ?? 0) * 365 * DAY +
    (months ?? 0) * 30 * DAY +
    (weeks ?? 0) * 7 * DAY +
    (days ?? 0) * DAY +
    (hours ?? 0) * 3_600_000 +
    (minutes ?? 0) * 60_000 +
    (seconds ?? 0) * 1000
  );
}
