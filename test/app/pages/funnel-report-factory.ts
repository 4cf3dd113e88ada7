import type { FunnelBucket, FunnelReport, FunnelTotals } from '../../../src/app/packages/contracts/funnel-report';

const DAY = 86_400_000;

export function buildBucket(overrides: Partial<FunnelBucket> = {}): FunnelBucket {
  const date = overrides.date ?? '2026-03-01';
  return {
    date, start: `${date}T00:00:00.000Z`, end: new Date(Date.parse(`${date}T00:00:00Z`) + DAY).toISOString(),
    enrolments: 0, clicks: 0, referredLeads: 0, referredLeadsQualified: 0, qualifiedReferrals: 0, rewardsIssued: 0,
    ...overrides,
  };
}

export function buildTotals(overrides: Partial<FunnelTotals> = {}): FunnelTotals {
  return {
    enrolments: 0, clicks: 0, referredLeads: 0, referredLeadsQualified: 0, qualifiedReferrals: 0, rewardsIssued: 0,
    qualificationRate: null, medianTimeToQualifyMs: null, rewardsIssuedByCurrency: [],
    rewardsAwaitingReview: { count: 0, oldestCreatedAt: null, oldestAgeMs: null },
    rejections: [], topReferrers: [], returns: [],
    ...overrides,
  };
}

export function buildFunnelReport(overrides: Partial<FunnelReport> = {}): FunnelReport {
  return {
    program: null,
    period: {
      from: '2026-03-01', to: '2026-03-03', tz: 'Europe/Berlin', interval: 'day',
      start: '2026-02-28T23:00:00.000Z', end: '2026-03-02T23:00:00.000Z',
    },
    generatedAt: '2026-03-02T12:00:00.000Z',
    currency: null,
    totals: buildTotals(),
    series: [buildBucket({ date: '2026-03-01' }), buildBucket({ date: '2026-03-02' })],
    ...overrides,
  };
}
