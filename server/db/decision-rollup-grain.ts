/**
 * The grain of the decision rollup: the slot and day sizes and the time-to-qualify classes that
 * migration 006's triggers bake into the database and that the report reads the tables with. Both
 * import them from here so they cannot drift apart. The triggers of an existing database keep the
 * values they were created with, so changing any of these needs a new migration that rebuilds the
 * rollup, not an edit here alone.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * Lower edges (ms) of the time-to-qualify classes, geometric from a minute to a year, so the median's
 * class holds a few percent of the qualified referrals whatever the program's pace. Class `i` is
 * `[QUALIFY_TIME_EDGES[i], QUALIFY_TIME_EDGES[i + 1])`; the first is open below (clock skew can
 * make a duration negative), the last open above.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
export const QUALIFY_TIME_EDGES: readonly number[] = [
  -Infinity, MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 8 * HOUR,
  12 * HOUR, 18 * HOUR, DAY, 1.5 * DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY, 6 * DAY, 7 * DAY, 9 * DAY, 11 * DAY,
  14 * DAY, 18 * DAY, 21 * DAY, 28 * DAY, 35 * DAY, 42 * DAY, 60 * DAY, 90 * DAY, 120 * DAY, 180 * DAY, 270 * DAY, 365 * DAY,
];
