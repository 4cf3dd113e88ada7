import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import { DAY_MS, QUALIFY_TIME_EDGES } from '../db/decision-rollup-grain';
import type { FunnelTotals } from '../../src/app/packages/contracts/funnel-report';
import { rollupPart } from './report-rollup';

/**
 * The report's figures over a referral's current status for a whole period: the median time to
 * qualify, rejections and top referrers. Each reads the decision rollup (migration 006, kept exact by
 * triggers) for the period's whole UTC days and the ledger for the partial days at its edges, so its
 * cost follows the number of days, not of referrals, in the period.
 */

export interface Period {
  /** `(id, …)`, ready for `in`. */
  programIds: RawBuilder<unknown>;
  /** '' for all programs, else the program's id: the scope of the all-time referrer tallies. */
  scope: string;
  start: number;
  end: number;
}

export const TOP_REFERRERS = 10;

/** Up to this many qualified referrals, grouping them all is cheaper than the bounded search. */
export const GROUP_TOP_REFERRERS_UP_TO = 20_000;

const QUALIFIED = sql`t.status = 'qualified'`;
const DURATION = sql`t.qualified_at - t.captured_at`;

/** The period's whole UTC days `[from, to)` and the partial days around them. */
function days(period: Period) {
  const whole = rollupPart(period.start, period.end, Infinity, DAY_MS);
  const edges = [
    { from: period.start, to: whole.from },
    { from: whole.to, to: period.end },
  ].filter((r) => r.to > r.from);
  return { whole, edges };
}

/**
 * `select <columns> from referrals t where <filter>` for each of the period's partial days, joined
 * with `union all`: one index range each (SQLite reads a whole program's index for an `or`).
 */
function fromEdges(edges: Array<{ from: number; to: number }>, columns: RawBuilder<unknown>, filter: RawBuilder<unknown>, time: string) {
  const ref = sql.ref(`t.${time}`);
  const parts = edges.map((r) => sql`select ${columns} from referrals t where ${filter} and ${ref} >= ${r.from} and ${ref} < ${r.to}`);
  return parts.length ? sql.join(parts, sql` union all `) : undefined;
}

function classOf(duration: number): number {
  let c = 0;
  while (c + 1 < QUALIFY_TIME_EDGES.length && duration >= QUALIFY_TIME_EDGES[c + 1]!) c++;
  return c;
}

/**
 * The exact median of `qualified_at - captured_at` over the period's qualified referrals (the mean of
 * the two middle values for an even count). Class counts locate the middle ranks; only the
 * referrals of those classes are then read, in duration order, from their index.
 */
export async function medianTimeToQualify(db: Db, period: Period): Promise<number | null> {
  const { whole, edges } = days(period);
  const counts = new Array<number>(QUALIFY_TIME_EDGES.length).fill(0);
  const rolled = await sql<{ class: number; n: number | string }>`
    select r.class as class, sum(r.n) as n from report_qualify_times r
    where r.program_id in ${period.programIds} and r.day >= ${whole.from} and r.day < ${whole.to}
    group by r.class`.execute(db);
  for (const row of rolled.rows) counts[Number(row.class)]! += Number(row.n);
  const partial = fromEdges(edges, sql`${DURATION} as d`, sql`${QUALIFIED} and t.program_id in ${period.programIds}`, 'qualified_at');
  if (partial) for (const row of (await sql<{ d: number | string }>`${partial}`.execute(db)).rows) counts[classOf(Number(row.d))]! += 1;

  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const ranks = total % 2 ? [(total - 1) / 2] : [total / 2 - 1, total / 2];
  const values: number[] = [];
  for (const rank of ranks) values.push(await durationAtRank(db, period, counts, rank));
  return values.reduce((a, b) => a + b, 0) / values.length;
}

async function durationAtRank(db: Db, period: Period, counts: number[], rank: number): Promise<number> {
  let c = 0;
  let before = 0;
  while (before + counts[c]! <= rank) before += counts[c++]!;
  const lower = QUALIFY_TIME_EDGES[c]!;
  const upper = QUALIFY_TIME_EDGES[c + 1];
  const { rows } = await sql<{ d: number | string }>`
    select ${DURATION} as d from referrals t
    where ${QUALIFIED} and t.program_id in ${period.programIds}
      ${lower === -Infinity ? sql`` : sql`and ${DURATION} >= ${lower}`}
      ${upper === undefined ? sql`` : sql`and ${DURATION} < ${upper}`}
      and t.qualified_at >= ${period.start} and t.qualified_at < ${period.end}
    order by d limit 1 offset ${rank - before}`.execute(db);
  return Number(rows[0]!.d);
}

/** Referrals rejected in the period per reason, most frequent first; an empty reason counts as none. */
export async function rejections(db: Db, period: Period): Promise<FunnelTotals['rejections']> {
  const { whole, edges } = days(period);
  const partial = fromEdges(edges, sql`coalesce(t.reason, ''), 1`, sql`t.status = 'rejected' and t.program_id in ${period.programIds}`, 'decided_at');
  const { rows } = await sql<{ reason: string | null; n: number | string }>`
    select reason, sum(n) as n from (
      select r.reason as reason, r.n as n from report_rejections r
      where r.program_id in ${period.programIds} and r.day >= ${whole.from} and r.day < ${whole.to}
      ${partial ? sql`union all ${partial}` : sql``}
    ) rejected
    group by reason`.execute(db);
  return rows
    .map((r) => ({ reason: r.reason || null, count: Number(r.n) }))
    .filter((r) => r.count > 0)
    .sort((a, b) => b.count - a.count || compare(a.reason ?? '', b.reason ?? ''));
}

type Ranked = FunnelTotals['topReferrers'];

/**
 * The ten referrers with the most qualified referrals in the period, ties by contact id. A short
 * period groups its qualified referrals. A long one walks the referrers by their all-time count,
 * an upper bound of the period's count, and counts each one's period: once the next all-time count
 * is below the tenth best period count, no later referrer can enter the ten. The walk pays off only
 * when few referrers reach the tenth count all-time (a year of a two-year program, not 90 days of
 * it): after its first page it counts them, and groups instead when they are too many.
 */
export async function topReferrers(db: Db, period: Period, qualified: number, search: TopReferrerSearch = {}): Promise<Ranked> {
  if (qualified <= (search.groupUpTo ?? GROUP_TOP_REFERRERS_UP_TO)) return groupedTopReferrers(db, period);
  const limit = search.candidates ?? Math.ceil(qualified * CANDIDATES_PER_QUALIFIED);
  return (await boundedTopReferrers(db, period, limit, search.page ?? PAGE)) ?? groupedTopReferrers(db, period);
}

/**
 * A candidate costs an index probe and its all-time referrals; grouping costs about a tenth of that
 * per qualified referral of the period. So the walk may look at one candidate per ten of those.
 */
const CANDIDATES_PER_QUALIFIED = 0.1;

/** How, never what: tests take the bounded search with tiny pages on small ledgers. */
export interface TopReferrerSearch {
  /** Group the period's referrals up to this many qualified ones (default GROUP_TOP_REFERRERS_UP_TO). */
  groupUpTo?: number;
  /** Candidates the walk may look at before it groups instead (default: a tenth of the qualified referrals). */
  candidates?: number;
  /** Candidates per page of the walk. */
  page?: number;
}

async function groupedTopReferrers(db: Db, period: Period): Promise<Ranked> {
  // Contact ids are numeric strings, so text order is the same under every collation.
  const { rows } = await sql<{ contact_id: string; n: number | string }>`
    select t.referrer_contact_id as contact_id, count(*) as n from referrals t
    where ${QUALIFIED} and t.program_id in ${period.programIds}
      and t.qualified_at >= ${period.start} and t.qualified_at < ${period.end}
    group by t.referrer_contact_id
    order by n desc, contact_id asc
    limit ${TOP_REFERRERS}`.execute(db);
  return rows.map((r) => ({ contactId: r.contact_id, qualified: Number(r.n) }));
}

const PAGE = 500;

/** Undefined when more than `limit` candidates would have to be looked at: grouping is cheaper then. */
async function boundedTopReferrers(db: Db, period: Period, limit: number, size: number): Promise<Ranked | undefined> {
  let best: Ranked = [];
  for (let offset = 0; ; offset += size) {
    const page = await sql<{ contact_id: string; n: number | string }>`
      select r.referrer_contact_id as contact_id, r.n as n from report_referrers r
      where r.scope = ${period.scope} and r.n > 0
      order by r.n desc, r.referrer_contact_id asc
      limit ${size} offset ${offset}`.execute(db);
    if (page.rows.length === 0) return best;
    // One index probe per candidate; a list filter would make PostgreSQL scan the whole period instead.
    const counted = await sql<{ contact_id: string; n: number | string }>`
      with c(id) as (values ${sql.join(page.rows.map((r) => sql`(${r.contact_id})`))})
      select c.id as contact_id, (
        select count(*) from referrals t
        where ${QUALIFIED} and t.referrer_contact_id = c.id ${inScope(period)}
          and t.qualified_at >= ${period.start} and t.qualified_at < ${period.end}
      ) as n
      from c`.execute(db);
    best = [...best, ...counted.rows.map((r) => ({ contactId: r.contact_id, qualified: Number(r.n) })).filter((r) => r.qualified > 0)]
      .sort((a, b) => b.qualified - a.qualified || compare(a.contactId, b.contactId))
      .slice(0, TOP_REFERRERS);
    const bound = Number(page.rows[page.rows.length - 1]!.n);
    const tenth = best.length === TOP_REFERRERS ? best[TOP_REFERRERS - 1]!.qualified : 1;
    if (page.rows.length < size || bound < tenth) return best;
    if (offset === 0 && (await candidatesReaching(db, period.scope, tenth)) > limit) return undefined;
    if (offset + size >= limit) return undefined;
  }
}

/** One program: one index range per candidate. All programs: every referral qualifies, no filter. */
function inScope(period: Period): RawBuilder<unknown> {
  return period.scope === '' ? sql`` : sql`and t.program_id = ${period.scope}`;
}

/** Referrers whose all-time count reaches `count`: how far the walk would have to go at most. */
async function candidatesReaching(db: Db, scope: string, count: number): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from report_referrers r where r.scope = ${scope} and r.n >= ${count}`.execute(db);
  return Number(rows[0]!.n);
}

/** Code-point order, the same on every machine (localeCompare is not). */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
