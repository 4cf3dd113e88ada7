import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import { unknownProgram, type FunnelQuery } from './funnel-query';
import type { FunnelCounts, FunnelReport, FunnelTotals } from '../../src/app/packages/contracts/funnel-report';
import { compare, medianTimeToQualify, rejections, topReferrers, type Period, type TopReferrerSearch } from './decision-figures';
import { refreshRollup, rolledUpUntil, rollupPart, splitPeriod } from './report-rollup';
import { approvedRewardCost, referredRevenue, returnFigures } from './return-figures';
import { bucketsFor, type Bucket } from './time-buckets';

/**
 * The funnel report: what a program's referrers did in a period. Counts that cannot change once an
 * hour slot is over come from the settled rollup (report-rollup.ts); figures over a referral's
 * current status from the decision rollup that triggers keep exact (decision-figures.ts); the
 * ledger answers the rest (the last hour, bucket edges off the hour) through the reporting indexes.
 *
 * Definitions (a referral is counted in the program it belongs to; the period is `[start, end)`):
 * - enrolments: enrolments created in the period.
 * - clicks: referral-link clicks in the period on a code that belongs to the program.
 * - referredLeads: referrals captured in the period.
 * - qualifiedReferrals: referrals whose qualification happened in the period (status qualified,
 *   `qualified_at` in the period), whenever they were captured.
 * - qualificationRate: a cohort rate. Of the referrals captured in the period, the share that are
 *   qualified now; `null` when nothing was captured. Recent periods rise as their referrals mature.
 * - medianTimeToQualifyMs: median of `qualified_at - captured_at` over qualifiedReferrals (the mean
 *   of the two middle values for an even count); `null` when there are none.
 * - rewardsIssued: rewards issued in the period (status issued, `issued_at` in the period), count and
 *   amount in minor units per currency, currencies in alphabetical order.
 * - rewardsAwaitingReview: rewards in `pending_review` now, whatever the period, and the age of the
 *   oldest at the report's `generatedAt`.
 * - rejections: referrals rejected in the period (`decided_at`), per reason, most frequent first; an
 *   empty reason is reported as none (`null`).
 * - topReferrers: the ten referrer contacts with the most qualifiedReferrals, ties by contact id.
 * - returns, per currency (only the query's `currency` when it names one): referredRevenue, the
 *   amounts of referred contacts' deals that closed won in the period (`won_at`), and wonDeals, their
 *   number; rewardCost, the amount of rewards issued in the period plus rewards created in the period
 *   that are approved now; costPerQualifiedReferral, rewardCost / qualifiedReferrals rounded to the
 *   minor unit; revenuePerRewardDollar, referredRevenue / rewardCost.
 * The series splits the period-bound figures into buckets; each adds up to its total.
 */

export type { FunnelBucket, FunnelCounts, FunnelReport, FunnelTotals } from '../../src/app/packages/contracts/funnel-report';

const COUNT_KEYS = [
  'enrolments',
  'clicks',
  'referredLeads',
  'referredLeadsQualified',
  'qualifiedReferrals',
  'rewardsIssued',
] as const satisfies ReadonlyArray<keyof FunnelCounts>;

const iso = (ms: number) => new Date(ms).toISOString();

type LedgerTable = 'enrolments' | 'clicks' | 'referrals' | 'rewards';

/** The one report function behind the API, the CSV export and the CLI. */
export async function funnelReport(db: Db, query: FunnelQuery, now: number, tuning: { topReferrers?: TopReferrerSearch } = {}): Promise<FunnelReport> {
  const buckets = bucketsFor(query.from, query.to, query.interval, query.tz);
  const start = buckets[0]!.start;
  const end = buckets[buckets.length - 1]!.end;

  await refreshRollup(db, now);
  // One snapshot: figures that are compared with each other must not straddle a concurrent write.
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (trx) => {
      if (trx.getExecutor().adapter instanceof PostgresAdapter) {
        // The median and the top referrers sort or hash a year of qualified referrals: keep that in
        // memory rather than spilling to disk at the default 4 MB.
        await sql`set local work_mem = '64MB'`.execute(trx);
        // The per-bucket statement costs enough to be compiled, which took longer (~0.6 s) than running it.
        await sql`set local jit = off`.execute(trx);
      }
      const programs = query.program
        ? await trx.selectFrom('programs').select(['id', 'name']).where('id', '=', query.program).execute()
        : await trx.selectFrom('programs').select(['id', 'name']).execute();
      if (query.program && programs.length === 0) throw unknownProgram(query.program);
      const period: Period = { programIds: inList(programs.map((p) => p.id)), scope: query.program ?? '', start, end };
      const figures = new ReportQueries(trx, period.programIds, buckets);
      const closedUntil = await rolledUpUntil(trx);

      const series = await figures.series(closedUntil);
      const counts = Object.fromEntries(
        COUNT_KEYS.map((k) => [k, series.reduce((sum, b) => sum + b[k], 0)]),
      ) as unknown as FunnelCounts;
      const pending = await figures.awaitingReview();
      const rewardsIssuedByCurrency = await figures.rewardsIssuedByCurrency(closedUntil);
      const totals: FunnelTotals = {
        ...counts,
        qualificationRate: counts.referredLeads ? counts.referredLeadsQualified / counts.referredLeads : null,
        medianTimeToQualifyMs: await medianTimeToQualify(trx, period),
        rewardsIssuedByCurrency,
        rewardsAwaitingReview: {
          count: pending.count,
          oldestCreatedAt: pending.oldest === null ? null : iso(pending.oldest),
          oldestAgeMs: pending.oldest === null ? null : Math.max(0, now - pending.oldest),
        },
        rejections: await rejections(trx, period),
        topReferrers: await topReferrers(trx, period, counts.qualifiedReferrals, tuning.topReferrers),
        returns: returnFigures({
          revenue: await referredRevenue(trx, period),
          issued: rewardsIssuedByCurrency,
          approved: await approvedRewardCost(trx, period),
          qualifiedReferrals: counts.qualifiedReferrals,
          only: query.currency ?? null,
        }),
      };
      return {
        program: query.program ? programs[0]! : null,
        period: { from: query.from, to: query.to, tz: query.tz, interval: query.interval, start: iso(start), end: iso(end) },
        generatedAt: iso(now),
        currency: query.currency ?? null,
        totals,
        series: series.map((b, i) => ({ ...b, date: buckets[i]!.date, start: iso(buckets[i]!.start), end: iso(buckets[i]!.end) })),
      };
    });
}

/** `(id, …)` for `in`; `in (null)` matches nothing, so a ledger without programs reports zeros. */
function inList(ids: string[]): RawBuilder<unknown> {
  return ids.length ? sql`(${sql.join(ids)})` : sql`(null)`;
}

/**
 * The per-bucket SQL. Status values are literals, not parameters, so both databases can match the
 * partial indexes of migrations 002 and 005; every time predicate is a range on an indexed column.
 */
class ReportQueries {
  constructor(
    private readonly db: Db,
    private readonly programIds: RawBuilder<unknown>,
    private readonly buckets: Bucket[],
  ) {}

  /**
   * The bucket edges as a literal table `b(i, s, rs, re, ds, de, e)`: the bucket is `[s, e)`, of which
   * the settled rollup answers `[rs, re)`, the decision rollup (always current) `[ds, de)`, and the
   * ledger the rest. No date functions in SQL: DST-shortened days come from the edges.
   */
  private edges(closedUntil: number): RawBuilder<unknown> {
    const rows = this.buckets.map((b, i) => {
      const settled = rollupPart(b.start, b.end, closedUntil);
      const decided = rollupPart(b.start, b.end, Infinity);
      return sql`(${sql.join([i, b.start, settled.from, settled.to, decided.from, decided.to, b.end].map((v) => sql.lit(v)))})`;
    });
    return sql`b(i, s, rs, re, ds, de, e) as (values ${sql.join(rows)})`;
  }

  /** A correlated count over an index range: no GROUP BY, which would sort every row counted. */
  private count(table: LedgerTable, time: string, from: string, to: string, status?: string): RawBuilder<unknown> {
    const column = sql.ref(`t.${time}`);
    return sql`(select count(*) from ${sql.table(table)} t where t.program_id in ${this.programIds}
      and ${column} >= ${sql.ref(`b.${from}`)} and ${column} < ${sql.ref(`b.${to}`)}${status ? sql` and t.status = ${sql.lit(status)}` : sql``})`;
  }

  /** The ledger's remainder of a bucket around the rollup's part `[from, to)`; usually empty, and then not looked up. */
  private remainder(table: LedgerTable, time: string, [from, to]: [string, string], status?: string): RawBuilder<unknown> {
    return sql`(case when b.s < ${sql.ref(`b.${from}`)} then ${this.count(table, time, 's', from, status)} else 0 end
      + case when ${sql.ref(`b.${to}`)} < b.e then ${this.count(table, time, to, 'e', status)} else 0 end)`;
  }

  /** A rollup table's sums per bucket over its part `[from, to)`: each rollup row is read once. */
  private rolledUp(name: string, table: string, columns: string[], [from, to]: [string, string]): RawBuilder<unknown> {
    return sql`${sql.raw(name)} as (
      select b.i as i, ${sql.join(columns.map((c) => sql`coalesce(sum(${sql.ref(`r.${c}`)}), 0) as ${sql.ref(c)}`))}
      from b left join ${sql.table(table)} r
        on r.program_id in ${this.programIds} and r.slot >= ${sql.ref(`b.${from}`)} and r.slot < ${sql.ref(`b.${to}`)}
      group by b.i)`;
  }

  /** Per-bucket counts in one statement. */
  async series(closedUntil: number): Promise<FunnelCounts[]> {
    const settled: [string, string] = ['rs', 're'];
    const decided: [string, string] = ['ds', 'de'];
    const { rows } = await sql<Record<string, number | string>>`
      with ${this.edges(closedUntil)},
        ${this.rolledUp('events', 'report_rollup', ['enrolments', 'clicks', 'referred_leads'], settled)},
        ${this.rolledUp('issued', 'report_rollup_rewards', ['issued'], settled)},
        ${this.rolledUp('decisions', 'report_decision_slots', ['qualified', 'cohort_qualified'], decided)}
      select
        events.enrolments + ${this.remainder('enrolments', 'created_at', settled)} as enrolments,
        events.clicks + ${this.remainder('clicks', 'at', settled)} as clicks,
        events.referred_leads + ${this.remainder('referrals', 'captured_at', settled)} as referred_leads,
        decisions.cohort_qualified + ${this.remainder('referrals', 'captured_at', decided, 'qualified')} as referred_leads_qualified,
        decisions.qualified + ${this.remainder('referrals', 'qualified_at', decided, 'qualified')} as qualified_referrals,
        issued.issued + ${this.remainder('rewards', 'issued_at', settled, 'issued')} as rewards_issued
      from b
        join events on events.i = b.i
        join issued on issued.i = b.i
        join decisions on decisions.i = b.i
      order by b.i`.execute(this.db);
    return rows.map((row) => ({
      enrolments: Number(row.enrolments),
      clicks: Number(row.clicks),
      referredLeads: Number(row.referred_leads),
      referredLeadsQualified: Number(row.referred_leads_qualified),
      qualifiedReferrals: Number(row.qualified_referrals),
      rewardsIssued: Number(row.rewards_issued),
    }));
  }

  /** Over the period as a whole, so no join with the bucket table: one index range per part. */
  async rewardsIssuedByCurrency(closedUntil: number): Promise<FunnelTotals['rewardsIssuedByCurrency']> {
    const { rollup, ledger } = splitPeriod(this.buckets.map((b) => ({ from: b.start, to: b.end })), closedUntil);
    const parts = [
      ...rollup.map((r) => sql`select r.currency as currency, r.issued as n, r.amount as amount from report_rollup_rewards r
        where r.program_id in ${this.programIds} and r.slot >= ${r.from} and r.slot < ${r.to}`),
      ...ledger.map((r) => sql`select t.currency as currency, 1 as n, t.amount as amount from rewards t
        where t.status = 'issued' and t.program_id in ${this.programIds} and t.issued_at >= ${r.from} and t.issued_at < ${r.to}`),
    ];
    const { rows } = await sql<{ currency: string; n: number; amount: number | string }>`
      select currency, sum(n) as n, sum(amount) as amount from (${sql.join(parts, sql` union all `)}) issued
      group by currency`.execute(this.db);
    return rows
      .map((r) => ({ currency: r.currency, count: Number(r.n), amount: Number(r.amount) }))
      .sort((a, b) => compare(a.currency, b.currency));
  }

  async awaitingReview(): Promise<{ count: number; oldest: number | null }> {
    const { rows } = await sql<{ n: number; oldest: number | null }>`
      select count(*) as n, min(t.created_at) as oldest from rewards t
      where t.status = 'pending_review' and t.program_id in ${this.programIds}`.execute(this.db);
    const row = rows[0];
    return { count: Number(row?.n ?? 0), oldest: row?.oldest == null ? null : Number(row.oldest) };
  }
}
