import { toDecimalString } from '../../src/app/packages/domain/money';
import type { FunnelReport } from './funnel-report';

/** The series as CSV, one row per bucket; what a spreadsheet needs to chart the trend. */
const COLUMNS = [
  'date', 'start', 'end', 'enrolments', 'clicks', 'referred_leads', 'referred_leads_qualified',
  'qualification_rate', 'qualified_referrals', 'rewards_issued',
] as const;

export function funnelCsv(report: FunnelReport): string {
  const rows = report.series.map((b) => [
    b.date, b.start, b.end, b.enrolments, b.clicks, b.referredLeads, b.referredLeadsQualified,
    b.referredLeads ? (b.referredLeadsQualified / b.referredLeads).toFixed(4) : '',
    b.qualifiedReferrals, b.rewardsIssued,
  ]);
  return csv([COLUMNS, ...rows]);
}

const RETURN_COLUMNS = [
  'currency', 'referred_revenue', 'won_deals', 'reward_cost_issued', 'reward_cost_approved', 'reward_cost',
  'qualified_referrals', 'cost_per_qualified_referral', 'revenue_per_reward_dollar',
] as const;

/** The period's return, one row per currency; amounts as decimals of the currency ("1234.50"). */
export function returnsCsv(report: FunnelReport): string {
  const money = (amount: number | null, currency: string) => (amount === null ? '' : toDecimalString(amount, currency));
  const rows = report.totals.returns.map((r) => [
    r.currency, money(r.referredRevenue, r.currency), r.wonDeals, money(r.rewardCostIssued, r.currency),
    money(r.rewardCostApproved, r.currency), money(r.rewardCost, r.currency), report.totals.qualifiedReferrals,
    money(r.costPerQualifiedReferral, r.currency), r.revenuePerRewardDollar === null ? '' : r.revenuePerRewardDollar.toFixed(4),
  ]);
  return csv([RETURN_COLUMNS, ...rows]);
}

function csv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return rows.map((row) => row.map((v) => csvField(String(v))).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 quoting; a leading formula character is defused so a spreadsheet shows it as text. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function funnelCsvFilename(report: FunnelReport, kind: 'funnel' | 'returns' = 'funnel'): string {
  const program = (report.program?.id ?? 'all-programs').replace(/[^A-Za-z0-9_-]/g, '_');
  return kind === 'funnel'
    ? `funnel-${program}-${report.period.from}-${report.period.to}-${report.period.interval}.csv`
    : `returns-${program}-${report.period.from}-${report.period.to}.csv`;
}
