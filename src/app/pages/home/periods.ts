import type { Interval } from '@referral-ops/contracts/funnel-report';

/** The periods the home page offers, each ending with today in the user's time zone. */
export const PERIODS = {
  '30d': { label: 'Last 30 days', days: 30, interval: 'day' },
  '90d': { label: 'Last 90 days', days: 90, interval: 'day' },
  '52w': { label: 'Last 12 months', days: 364, interval: 'week' },
} as const satisfies Record<string, { label: string; days: number; interval: Interval }>;

export type PeriodKey = keyof typeof PERIODS;

export interface ReportRange {
  from: string;
  to: string;
  interval: Interval;
  tz: string;
}

/** `[from, to)` in local dates: `to` is tomorrow, so today's activity is included. */
export function rangeFor(period: PeriodKey, now: number, tz: string): ReportRange {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  const shift = (days: number) => new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
  const { days, interval } = PERIODS[period];
  return { from: shift(1 - days), to: shift(1), interval, tz };
}

/** The browser's zone; UTC where the host does not tell. */
export function userTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
