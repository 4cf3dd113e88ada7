import { sql } from 'kysely';
import type { Db } from '../db/database';
import { DAY_MS } from '../db/decision-rollup-grain';
import type { ReturnFigures } from '../../src/app/packages/contracts/funnel-report';
import { compare, type Period } from './decision-figures';
import { rollupPart } from './report-rollup';

/**
 * What a program earns against what it pays, over the period as a whole. Referred revenue sums the
 * day tally that migration 014's triggers keep exact for the period's whole UTC days and the deals
 * themselves for the partial days at its edges, so its cost follows the number of days; the
 * approved part of the reward cost is read from the ledger's approved rewards, a short-lived state.
 */

type Sums = Map<string, { amount: number; n: number }>;

export async function referredRevenue(db: Db, period: Period): Promise<Sums> {
  const whole = rollupPart(period.start, period.end, Infinity, DAY_MS);
  const edges = [
    { from: period.start, to: whole.from },
    { from: whole.to, to: period.end },
  ].filter((r) => r.to > r.from);
  const parts = [
    sql`select r.currency as currency, r.amount as amount, r.deals as n from report_revenue_days r
      where r.program_id in ${period.programIds} and r.day >= ${whole.from} and r.day < ${whole.to}`,
    ...edges.map((r) => sql`select t.currency as currency, t.amount as amount, 1 as n from referred_deals t
      where t.program_id in ${period.programIds} and t.won_at >= ${r.from} and t.won_at < ${r.to}
        and t.amount is not null and t.currency is not null`),
  ];
  return sums(db, sql.join(parts, sql` union all `));
}

export async function approvedRewardCost(db: Db, period: Period): Promise<Sums> {
  return sums(db, sql`select t.currency as currency, t.amount as amount, 1 as n from rewards t
    where t.status = 'approved' and t.program_id in ${period.programIds}
      and t.created_at >= ${period.start} and t.created_at < ${period.end}`);
}

async function sums(db: Db, rows: ReturnType<typeof sql.join>): Promise<Sums> {
  const result = await sql<{ currency: string; amount: number | string; n: number | string }>`
    select currency, sum(amount) as amount, sum(n) as n from (${rows}) x group by currency`.execute(db);
  return new Map(
    result.rows.filter((r) => Number(r.n) !== 0).map((r) => [r.currency, { amount: Number(r.amount), n: Number(r.n) }]),
  );
}

/**
 * The figures per currency: every currency with revenue or cost, or exactly `only` when the report
 * was asked for one currency. Amounts in different currencies are never added or converted.
 */
export function returnFigures(input: {
  revenue: Sums;
  issued: Array<{ currency: string; amount: number }>;
  approved: Sums;
  qualifiedReferrals: number;
  only: string | null;
}): ReturnFigures[] {
  const issued = new Map(input.issued.map((c) => [c.currency, c.amount]));
  const currencies = input.only
    ? [input.only]
    : [...new Set([...input.revenue.keys(), ...issued.keys(), ...input.approved.keys()])].sort(compare);
  return currencies.map((currency) => {
    const referredRevenue = input.revenue.get(currency)?.amount ?? 0;
    const rewardCostIssued = issued.get(currency) ?? 0;
    const rewardCostApproved = input.approved.get(currency)?.amount ?? 0;
    const rewardCost = rewardCostIssued + rewardCostApproved;
    return {
      currency,
      referredRevenue,
      wonDeals: input.revenue.get(currency)?.n ?? 0,
      rewardCostIssued,
      rewardCostApproved,
      rewardCost,
      costPerQualifiedReferral: input.qualifiedReferrals ? Math.round(rewardCost / input.qualifiedReferrals) : null,
      revenuePerRewardDollar: rewardCost ? referredRevenue / rewardCost : null,
    };
  });
}
