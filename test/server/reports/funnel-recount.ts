import type { FunnelCounts, FunnelReport, FunnelTotals } from '../../../server/reports/funnel-report';
import type { FunnelQuery } from '../../../server/reports/funnel-query';
import type { Ledger } from './ledger-factories';

/**
 * The funnel report recounted row by row, the slow obvious way, to check the SQL against. It maps
 * each event's instant forward to its local date with Intl (the report maps dates back to instants),
 * so the two agree only if the bucket edges are right, daylight-saving days included.
 */
export type RecountedReport = Omit<FunnelReport, 'period' | 'series'> & {
  series: Array<FunnelCounts & { date: string }>;
};

const DAY_MS = 86_400_000;

export function localDateOf(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

function utcDate(date: string): number {
  return Date.parse(`${date}T00:00:00Z`);
}

function plusDays(date: string, days: number): string {
  return new Date(utcDate(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The local dates the buckets start on: every day, or `from` and then every Monday. */
export function bucketDates(query: FunnelQuery): string[] {
  const dates: string[] = [];
  for (let d = query.from; d < query.to; d = plusDays(d, 1)) {
    if (query.interval === 'day' || d === query.from || new Date(utcDate(d)).getUTCDay() === 1) dates.push(d);
  }
  return dates;
}

export function recountFunnel(ledger: Ledger, query: FunnelQuery, now: number): RecountedReport {
  const dates = bucketDates(query);
  const bucketOf = (instant: number | null | undefined): number => {
    if (instant === null || instant === undefined) return -1;
    const date = localDateOf(instant, query.tz);
    if (date < query.from || date >= query.to) return -1;
    let index = dates.length - 1;
    while (dates[index]! > date) index--;
    return index;
  };
  const inProgram = (programId: string | null | undefined) =>
    programId != null && (query.program ? programId === query.program : ledger.programs.some((p) => p.id === programId));

  const series = dates.map((date) => ({
    date, enrolments: 0, clicks: 0, referredLeads: 0, referredLeadsQualified: 0, qualifiedReferrals: 0, rewardsIssued: 0,
  }));
  const count = (instant: number | null | undefined, key: keyof FunnelCounts) => {
    const i = bucketOf(instant);
    if (i >= 0) series[i]![key]++;
    return i >= 0;
  };

  const referrals = ledger.referrals.filter((r) => inProgram(r.program_id));
  const rewards = ledger.rewards.filter((r) => inProgram(r.program_id));
  ledger.enrolments.filter((e) => inProgram(e.program_id)).forEach((e) => count(e.created_at, 'enrolments'));
  ledger.clicks.filter((c) => inProgram(c.program_id)).forEach((c) => count(c.at, 'clicks'));
  for (const r of referrals) {
    if (count(r.captured_at, 'referredLeads') && r.status === 'qualified') count(r.captured_at, 'referredLeadsQualified');
  }
  const qualified = referrals.filter((r) => r.status === 'qualified' && count(r.qualified_at, 'qualifiedReferrals'));
  const issued = rewards.filter((r) => r.status === 'issued' && count(r.issued_at, 'rewardsIssued'));

  const totals = Object.fromEntries(
    (Object.keys(series[0]!) as Array<keyof FunnelCounts | 'date'>)
      .filter((k) => k !== 'date')
      .map((k) => [k, series.reduce((sum, b) => sum + (b[k] as number), 0)]),
  ) as unknown as FunnelCounts;

  const durations = qualified.map((r) => r.qualified_at! - r.captured_at).sort((a, b) => a - b);
  const mid = Math.floor((durations.length - 1) / 2);
  const median = durations.length === 0 ? null
    : durations.length % 2 ? durations[mid]! : (durations[mid]! + durations[mid + 1]!) / 2;

  const byCurrency = new Map<string, { currency: string; count: number; amount: number }>();
  for (const r of issued) {
    const entry = byCurrency.get(r.currency) ?? { currency: r.currency, count: 0, amount: 0 };
    entry.count++;
    entry.amount += r.amount;
    byCurrency.set(r.currency, entry);
  }

  const pending = rewards.filter((r) => r.status === 'pending_review');
  const oldest = pending.length ? Math.min(...pending.map((r) => r.created_at)) : null;

  const reasons = new Map<string | null, number>();
  for (const r of referrals) {
    if (r.status === 'rejected' && bucketOf(r.decided_at) >= 0) reasons.set(r.reason ?? null, (reasons.get(r.reason ?? null) ?? 0) + 1);
  }

  const perReferrer = new Map<string, number>();
  for (const r of qualified) perReferrer.set(r.referrer_contact_id, (perReferrer.get(r.referrer_contact_id) ?? 0) + 1);

  const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  // Return: each deal and reward looked at on its own, money kept apart per currency.
  const money = new Map<string, { revenue: number; deals: number; issued: number; approved: number }>();
  const moneyOf = (currency: string) => {
    const entry = money.get(currency) ?? { revenue: 0, deals: 0, issued: 0, approved: 0 };
    money.set(currency, entry);
    return entry;
  };
  for (const d of ledger.referredDeals ?? []) {
    if (!inProgram(d.program_id) || d.amount == null || d.currency == null || bucketOf(d.won_at) < 0) continue;
    moneyOf(d.currency).revenue += d.amount;
    moneyOf(d.currency).deals++;
  }
  for (const r of issued) moneyOf(r.currency).issued += r.amount;
  for (const r of rewards) if (r.status === 'approved' && bucketOf(r.created_at) >= 0) moneyOf(r.currency).approved += r.amount;
  const currencies = query.currency ? [query.currency] : [...money.keys()].sort(byText);
  const returns = currencies.map((currency) => {
    const m = money.get(currency) ?? { revenue: 0, deals: 0, issued: 0, approved: 0 };
    const cost = m.issued + m.approved;
    return {
      currency, referredRevenue: m.revenue, wonDeals: m.deals, rewardCostIssued: m.issued, rewardCostApproved: m.approved,
      rewardCost: cost,
      costPerQualifiedReferral: totals.qualifiedReferrals ? Math.round(cost / totals.qualifiedReferrals) : null,
      revenuePerRewardDollar: cost ? m.revenue / cost : null,
    };
  });
  const fullTotals: FunnelTotals = {
    ...totals,
    qualificationRate: totals.referredLeads ? totals.referredLeadsQualified / totals.referredLeads : null,
    medianTimeToQualifyMs: median,
    rewardsIssuedByCurrency: [...byCurrency.values()].sort((a, b) => byText(a.currency, b.currency)),
    rewardsAwaitingReview: {
      count: pending.length,
      oldestCreatedAt: oldest === null ? null : new Date(oldest).toISOString(),
      oldestAgeMs: oldest === null ? null : Math.max(0, now - oldest),
    },
    rejections: [...reasons.entries()]
      .map(([reason, n]) => ({ reason, count: n }))
      .sort((a, b) => b.count - a.count || byText(a.reason ?? '', b.reason ?? '')),
    topReferrers: [...perReferrer.entries()]
      .map(([contactId, n]) => ({ contactId, qualified: n }))
      .sort((a, b) => b.qualified - a.qualified || byText(a.contactId, b.contactId))
      .slice(0, 10),
    returns,
  };
  const program = query.program ? ledger.programs.find((p) => p.id === query.program)! : null;
  return {
    program: program && { id: program.id!, name: program.name },
    generatedAt: new Date(now).toISOString(),
    currency: query.currency ?? null,
    totals: fullTotals,
    series,
  };
}
