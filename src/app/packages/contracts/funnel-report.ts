/**
 * The funnel report's shape, as the service computes it (server/reports/funnel-report.ts) and the
 * app home page shows it. Plain types without imports, so this package needs no dependencies.
 */

export type Interval = 'day' | 'week';

export interface FunnelReport {
  program: { id: string; name: string } | null;
  period: { from: string; to: string; tz: string; interval: Interval; start: string; end: string };
  generatedAt: string;
  totals: FunnelTotals;
  series: FunnelBucket[];
}

export interface FunnelCounts {
  enrolments: number;
  clicks: number;
  referredLeads: number;
  /** Of referredLeads, how many are qualified now (the qualification rate's numerator). */
  referredLeadsQualified: number;
  qualifiedReferrals: number;
  rewardsIssued: number;
}

export interface FunnelTotals extends FunnelCounts {
  qualificationRate: number | null;
  medianTimeToQualifyMs: number | null;
  rewardsIssuedByCurrency: Array<{ currency: string; count: number; amount: number }>;
  rewardsAwaitingReview: { count: number; oldestCreatedAt: string | null; oldestAgeMs: number | null };
  rejections: Array<{ reason: string | null; count: number }>;
  topReferrers: Array<{ contactId: string; qualified: number }>;
}

export interface FunnelBucket extends FunnelCounts {
  /** Local date the bucket starts on; start/end are the instants of its edges. */
  date: string;
  start: string;
  end: string;
}
