import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import { unknownProgram, type FunnelQuery } from './funnel-query';
import type { FunnelCounts, FunnelReport, FunnelTotals } from './funnel-types';
import { refreshRollup, rolledUpUntil, rollupPart, splitPeriod } from './report-rollup';
import { bucketsFor, type Bucket } from './time-buckets';

/**
 * The funnel report: what a program's referrers did in a period. Counts that cannot change once a
 * 15-minute slot is over come from the rollup (report-rollup.ts) plus the ledger's open tail; the
 * rest are aggregates over the reporting indexes (migrations 002 and 005).
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
 * - rejections: referrals rejected in the period (`decided_at`), per reason, most frequent first.
 * - topReferrers: the ten referrer contacts with the most qualifiedReferrals, ties by contact id.
 * The series splits the period-bound figures into buckets; each adds up to its total.
 */

export type { FunnelBucket, FunnelCounts, FunnelReport, FunnelTotals } from './funnel-types';

export const TOP_REFERRERS = 10;

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
export async function funnelReport(db: Db, query: FunnelQuery, now: number): Promise<FunnelReport> {
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
      const figures = new ReportQueries(trx, programs.map((p) => p.id), buckets, start, end);
      const closedUntil = await rolledUpUntil(trx);

      const series = await figures.series(closedUntil);
      const counts = Object.fromEntries(
        COUNT_KEYS.map((k) => [k, series.reduce((sum, b) => sum + b[k], 0)]),
      ) as unknown as FunnelCounts;
      const pending = await figures.awaitingReview();
      const totals: FunnelTotals = {
        ...counts,
        qualificationRate: counts.referredLeads ? counts.referredLeadsQualified / counts.referredLeads : null,
        medianTimeToQualifyMs: await figures.medianTimeToQualify(counts.qualifiedReferrals),
        rewardsIssuedByCurrency: await figures.rewardsIssuedByCurrency(closedUntil),
        rewardsAwaitingReview: {
          count: pending.count,
          oldestCreatedAt: pending.oldest === null ? null : iso(pending.oldest),
          oldestAgeMs: pending.oldest === null ? null : Math.max(0, now - pending.oldest),
        },
        rejections: await figures.rejections(),
        topReferrers: await figures.topReferrers(),
      };
      return {
        program: query.program ? programs[0]! : null,
        period: { from: query.from, to: query.to, tz: query.tz, interval: query.interval, start: iso(start), end: iso(end) },
        generatedAt: iso(now),
        totals,
        series: series.map((b, i) => ({ ...b, date: buckets[i]!.date, start: iso(buckets[i]!.start), end: iso(buckets[i]!.end) })),
      };
    });
}

/**
 * The SQL. Status values are literals, not parameters, so both databases can match the partial
 * indexes of migrations 002 and 005; every time predicate is a range on an indexed column.
 */
class ReportQueries {
  private readonly programIds: RawBuilder<unknown>;

  constructor(
    private readonly db: Db,
    programIds: string[],
    private readonly buckets: Bucket[],
    private readonly start: number,
    private readonly end: number,
  ) {
    // `in (null)` matches nothing: a ledger without programs reports zeros.
    this.programIds = programIds.length ? sql`(${sql.join(programIds)})` : sql`(null)`;
  }

  /**
   * The bucket edges as a literal table `b(i, s, rs, re, e)`: the bucket is `[s, e)`, of which the
   * rollup answers `[rs, re)` and the ledger the rest. No date functions in SQL: DST-shortened days
   * come from the edges.
   */
  private edges(closedUntil: number): RawBuilder<unknown> {
    const rows = this.buckets.map((b, i) => {
      const part = rollupPart(b.start, b.end, closedUntil);
      return sql`(${sql.join([i, b.start, part.from, part.to, b.end].map((v) => sql.lit(v)))})`;
    });
    return sql`b(i, s, rs, re, e) as (values ${sql.join(rows)})`;
  }

  /** A correlated count over an index range: no GROUP BY, which would sort every row counted. */
  private count(table: LedgerTable, time: string, from: string, to: string, status?: string): RawBuilder<unknown> {
    const column = sql.ref(`t.${time}`);
    return sql`(select count(*) from ${sql.table(table)} t where t.program_id in ${this.programIds}
      and ${column} >= ${sql.ref(`b.${from}`)} and ${column} < ${sql.ref(`b.${to}`)}${status ? sql` and t.status = ${sql.lit(status)}` : sql``})`;
  }

  /** A count that cannot change once its slot is over: the rollup's part plus the ledger's remainder. */
  private settledCount(table: LedgerTable, time: string, rollup: RawBuilder<unknown>, status?: string): RawBuilder<unknown> {
    return sql`(${this.count(table, time, 's', 'rs', status)} + ${this.count(table, time, 're', 'e', status)} + ${rollup})`;
  }

  private rolledUp(table: 'report_rollup' | 'report_rollup_rewards', column: string): RawBuilder<unknown> {
    return sql`(select coalesce(sum(${sql.ref(`r.${column}`)}), 0) from ${sql.table(table)} r
      where r.program_id in ${this.programIds} and r.slot >= b.rs and r.slot < b.re)`;
  }

  /** Per-bucket counts in one statement; figures that follow a referral's current status come from the ledger. */
  async series(closedUntil: number): Promise<FunnelCounts[]> {
    const { rows } = await sql<Record<string, number | string>>`
      with ${this.edges(closedUntil)}
      select
        ${this.settledCount('enrolments', 'created_at', this.rolledUp('report_rollup', 'enrolments'))} as enrolments,
        ${this.settledCount('clicks', 'at', this.rolledUp('report_rollup', 'clicks'))} as clicks,
        ${this.settledCount('referrals', 'captured_at', this.rolledUp('report_rollup', 'referred_leads'))} as referred_leads,
        ${this.count('referrals', 'captured_at', 's', 'e', 'qualified')} as referred_leads_qualified,
        ${this.count('referrals', 'qualified_at', 's', 'e', 'qualified')} as qualified_referrals,
        ${this.settledCount('rewards', 'issued_at', this.rolledUp('report_rollup_rewards', 'issued'), 'issued')} as rewards_issued
      from b order by b.i`.execute(this.db);
    return rows.map((row) => ({
      enrolments: Number(row.enrolments),
      clicks: Number(row.clicks),
      referredLeads: Number(row.referred_leads),
      referredLeadsQualified: Number(row.referred_leads_qualified),
      qualifiedReferrals: Number(row.qualified_referrals),
      rewardsIssued: Number(row.rewards_issued),
    }));
  }

  private inPeriod(column: string): RawBuilder<unknown> {
    return sql`t.program_id in ${this.programIds} and ${sql.ref(`t.${column}`)} >= ${this.start} and ${sql.ref(`t.${column}`)} < ${this.end}`;
  }

  async medianTimeToQualify(count: number): Promise<number | null> {
    if (count === 0) return null;
    const middle = await sql<{ d: number }>`
      select t.qualified_at - t.captured_at as d from referrals t
      where t.status = 'qualified' and ${this.inPeriod('qualified_at')}
      order by d limit ${count % 2 ? 1 : 2} offset ${Math.floor((count - 1) / 2)}`.execute(this.db);
    const values = middle.rows.map((r) => Number(r.d));
    return values.reduce((a, b) => a + b, 0) / values.length;
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

  async rejections(): Promise<FunnelTotals['rejections']> {
    const { rows } = await sql<{ reason: string | null; n: number }>`
      select t.reason as reason, count(*) as n from referrals t
      where t.status = 'rejected' and ${this.inPeriod('decided_at')}
      group by t.reason`.execute(this.db);
    return rows
      .map((r) => ({ reason: r.reason, count: Number(r.n) }))
      .sort((a, b) => b.count - a.count || compare(a.reason ?? '', b.reason ?? ''));
  }

  async topReferrers(): Promise<FunnelTotals['topReferrers']> {
    // Contact ids are numeric strings, so text order is the same under every collation.
    const { rows } = await sql<{ contact_id: string; n: number }>`
      select t.referrer_contact_id as contact_id, count(*) as n from referrals t
      where t.status = 'qualified' and ${this.inPeriod('qualified_at')}
      group by t.referrer_contact_id
      order by n desc, contact_id asc
      limit ${TOP_REFERRERS}`.execute(this.db);
    return rows.map((r) => ({ contactId: r.contact_id, qualified: Number(r.n) }));
  }
}

/** Code-point order, the same on every machine (localeCompare is not). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
