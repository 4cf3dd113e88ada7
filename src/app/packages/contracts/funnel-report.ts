/**
 * The funnel report's shape, as the service computes it (server/reports/funnel-report.ts) and the
 * app home page shows it. Plain types without imports, so this package needs no dependencies.
 */

export type Interval = 'day' | 'week';

export interface FunnelReport {
  program: { id: string; name: string } | null;
  period: { from: string; to: string; tz: string; interval: Interval; start: string; end: string };
  generatedAt: string;
  /** The currency asked for: the return figures then list that one only. Null: every currency seen. */
  currency: string | null;
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
  /** What the program earns and what it pays, per currency, alphabetical; amounts are never converted. */
  returns: ReturnFigures[];
}

/** Amounts in minor units of `currency`. */
export interface ReturnFigures {
  currency: string;
  /** Closed-won amounts of deals of referred contacts that closed won in the period. */
  referredRevenue: number;
  wonDeals: number;
  /** Rewards issued in the period. */
  rewardCostIssued: number;
  /** Rewards created in the period that are approved and not yet issued. */
  rewardCostApproved: number;
  rewardCost: number;
  /** rewardCost over the period's qualified referrals, rounded to the minor unit; null when none qualified. */
  costPerQualifiedReferral: number | null;
  /** referredRevenue over rewardCost; null when nothing was paid. */
  revenuePerRewardDollar: number | null;
}

export interface FunnelBucket extends FunnelCounts {
  /** Local date the bucket starts on; start/end are the instants of its edges. */
  date: string;
  start: string;
  end: string;
}
