import { formatMoney } from '../../src/app/packages/domain/money';
import type { FunnelReport } from './funnel-report';

/** The report for a terminal: the headline figures, then the series as a table. */
export function funnelText(report: FunnelReport): string {
  const t = report.totals;
  const p = report.period;
  const scope = report.program ? `${report.program.name} (${report.program.id})` : 'All programs';
  const headline: Array<[string, string]> = [
    ['Enrolments', String(t.enrolments)],
    ['Link clicks', String(t.clicks)],
    ['Referred leads', String(t.referredLeads)],
    ['Qualified referrals', String(t.qualifiedReferrals)],
    ['Qualification rate', t.qualificationRate === null
      ? 'n/a (no referred leads)'
      : `${percent(t.qualificationRate)} (${t.referredLeadsQualified} of ${t.referredLeads} referred leads qualified so far)`],
    ['Median time to qualify', t.medianTimeToQualifyMs === null ? 'n/a' : duration(t.medianTimeToQualifyMs)],
    ['Rewards issued', [String(t.rewardsIssued), ...t.rewardsIssuedByCurrency.map((c) => formatMoney(c.amount, c.currency))].join('  ')],
    ['Awaiting review', t.rewardsAwaitingReview.count === 0
      ? '0'
      : `${t.rewardsAwaitingReview.count}  (oldest waiting ${duration(t.rewardsAwaitingReview.oldestAgeMs ?? 0)})`],
    ['Rejections', t.rejections.length === 0
      ? '0'
      : t.rejections.map((r) => `${r.reason ?? 'no reason'}: ${r.count}`).join(', ')],
    ['Top referrers', t.topReferrers.length === 0
      ? 'none'
      : t.topReferrers.map((r) => `contact ${r.contactId}: ${r.qualified}`).join(', ')],
    ...returnLines(report),
  ];
  const width = Math.max(...headline.map(([label]) => label.length));
  const series = table(
    [p.interval === 'day' ? 'Day' : 'Week from', 'Enrolments', 'Clicks', 'Referred', 'Qualified', 'Rewards', 'Cohort rate'],
    report.series.map((b) => [
      b.date, b.enrolments, b.clicks, b.referredLeads, b.qualifiedReferrals, b.rewardsIssued,
      b.referredLeads ? percent(b.referredLeadsQualified / b.referredLeads) : '',
    ]),
  );
  return [
    `Funnel report: ${scope}, ${p.from} to ${p.to} (exclusive), ${p.tz}, ${p.interval === 'day' ? 'daily' : 'weekly'}`,
    '',
    ...headline.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
    '',
    series,
  ].join('\n') + '\n';
}

/** Per currency, never added across currencies. */
function returnLines(report: FunnelReport): Array<[string, string]> {
  const { returns } = report.totals;
  if (returns.length === 0) return [['Referred revenue', 'none (no won deals, no reward cost)']];
  const each = (f: (r: (typeof returns)[number]) => string) => returns.map(f).join('  ');
  return [
    ['Referred revenue', each((r) => `${formatMoney(r.referredRevenue, r.currency)} (${r.wonDeals} won ${r.wonDeals === 1 ? 'deal' : 'deals'})`)],
    ['Reward cost', each((r) => `${formatMoney(r.rewardCost, r.currency)} (issued ${formatMoney(r.rewardCostIssued, r.currency)}, approved ${formatMoney(r.rewardCostApproved, r.currency)})`)],
    ['Cost per qualified referral', each((r) => (r.costPerQualifiedReferral === null ? 'n/a' : formatMoney(r.costPerQualifiedReferral, r.currency)))],
    ['Revenue per reward dollar', each((r) => (r.revenuePerRewardDollar === null ? `n/a (${r.currency})` : `${r.revenuePerRewardDollar.toFixed(2)} (${r.currency})`))],
  ];
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  // The first column is a date: left aligned; the figures line up on the right.
  return cells
    .map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

function percent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** "3d 4h", "5h 12m", "40s": two units are enough to compare. */
export function duration(ms: number): string {
  const units: Array<[string, number]> = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]];
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length > 0) parts.push(`${n}${unit}`);
    rest -= n * size;
    if (parts.length === 2) break;
  }
  return parts.length ? parts.join(' ') : `${Math.round(ms)}ms`;
}
