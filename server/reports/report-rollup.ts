import { PostgresAdapter, sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database';
import { HOUR_MS } from '../db/decision-rollup-grain';

/**
 * The report's settled rollup (migrations 005 and 006): per program and hour slot, the counts that
 * cannot change once a slot is over — enrolments created, clicks, referrals captured, rewards issued
 * (per currency, with their amount). Rows are only ever inserted, clicks never change, enrolments and
 * rewards are never deleted, and `issued` is a final reward state. The report maintains this rollup
 * itself, so no write path knows about it. Figures that follow a referral's current status come from
 * the decision rollup, which triggers keep current (decision-figures.ts).
 */

/**
 * Local day and week edges fall on hour edges in every zone with a whole-hour offset; elsewhere
 * (India, Nepal, Newfoundland…) the part of a bucket edge's hour inside the bucket is read from the ledger.
 */
export const SLOT_MS = HOUR_MS;

/**
 * A slot is rolled up only once it ended this long before the report's clock: longer than any write
 * transaction (a capture holds its claim row while it calls HubSpot, and deletes it on failure) and
 * than clock drift between servers. A row written later with an older time would be missed.
 */
export const SETTLE_MS = 60 * 60_000;

const CATCH_UP_MS = 7 * 86_400_000;

const slotOf = (column: RawBuilder<unknown>) => sql`${column} - ${column} % ${sql.lit(SLOT_MS)}`;

/** The edge up to which the rollup is complete: every slot before it is in the rollup tables. */
export async function rolledUpUntil(db: Db): Promise<number> {
  const { rows } = await sql<{ closed_until: number | string }>`select closed_until from report_rollup_state where id = 1`.execute(db);
  return Number(rows[0]?.closed_until ?? 0);
}

/** Adds the slots that ended at least SETTLE_MS before `now`; a no-op when there are none. */
export async function refreshRollup(db: Db, now: number): Promise<void> {
  const until = Math.floor((now - SETTLE_MS) / SLOT_MS) * SLOT_MS;
  const from = await rolledUpUntil(db);
  if (from >= until) return;
  await db.transaction().execute(async (trx) => {
    // Rows go in key order, so PostgreSQL's heap keeps a program's slots together for range reads.
    // Writing first takes the write lock (SQLite) or the row lock (PostgreSQL) at once: a report
    // refreshing at the same time waits here, then finds the slots already added.
    await sql`update report_rollup_state set closed_until = closed_until where id = 1`.execute(trx);
    const start = await rolledUpUntil(trx);
    if (start >= until) return;
    const within = (column: RawBuilder<unknown>) => sql`${column} >= ${start} and ${column} < ${until}`;
    const [created, at, captured, issued] = ['created_at', 'at', 'captured_at', 'issued_at'].map((c) => sql.ref(`t.${c}`));
    await sql`
      insert into report_rollup (program_id, slot, enrolments, clicks, referred_leads)
      select program_id, slot, sum(e), sum(c), sum(r) from (
        select t.program_id as program_id, ${slotOf(created!)} as slot, 1 as e, 0 as c, 0 as r from enrolments t where ${within(created!)}
        union all
        select t.program_id, ${slotOf(at!)}, 0, 1, 0 from clicks t where t.program_id is not null and ${within(at!)}
        union all
        select t.program_id, ${slotOf(captured!)}, 0, 0, 1 from referrals t where ${within(captured!)}
      ) events
      group by program_id, slot
      order by program_id, slot`.execute(trx);
    await sql`
      insert into report_rollup_rewards (program_id, slot, currency, issued, amount)
      select t.program_id, ${slotOf(issued!)}, t.currency, count(*), sum(t.amount) from rewards t
      where t.status = 'issued' and ${within(issued!)}
      group by t.program_id, ${slotOf(issued!)}, t.currency
      order by t.program_id, ${slotOf(issued!)}, t.currency`.execute(trx);
    await sql`update report_rollup_state set closed_until = ${until} where id = 1`.execute(trx);
  });
  // After a large catch-up (the first report, or a long quiet spell) PostgreSQL would plan the next
  // reports with the empty tables' statistics, scanning the rollup once per bucket.
  if (until - from > CATCH_UP_MS && db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`analyze report_rollup, report_rollup_rewards`.execute(db);
  }
}

/**
 * Forgets the rollup so the next report rebuilds it: needed only after ledger rows were changed
 * outside the service (a restore, a repair by hand) in slots already rolled up.
 */
export async function resetRollup(db: Db): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`delete from report_rollup`.execute(trx);
    await sql`delete from report_rollup_rewards`.execute(trx);
    await sql`update report_rollup_state set closed_until = 0 where id = 1`.execute(trx);
  });
}

/**
 * Splits a bucket `[start, end)` into the slot-aligned part the rollup answers, `[from, to)`, and
 * the ledger's remainder `[start, from)` and `[to, end)`: the open tail, and any edge that is not
 * on a slot edge (zones with half-hour offsets, historical ones such as local mean time). Slots
 * are hours unless `slotMs` says otherwise (the decision rollup's period figures use UTC days).
 */
export function rollupPart(start: number, end: number, closedUntil: number, slotMs = SLOT_MS): { from: number; to: number } {
  const from = Math.ceil(start / slotMs) * slotMs;
  const to = Math.min(Math.floor(end / slotMs) * slotMs, closedUntil);
  return to > from ? { from, to } : { from: start, to: start };
}

export interface Range {
  from: number;
  to: number;
}

/**
 * The period covered by `buckets`, split into the ranges the rollup answers and those the ledger
 * answers, adjacent ranges merged: usually one of the first and at most two of the second.
 */
export function splitPeriod(buckets: Range[], closedUntil: number): { rollup: Range[]; ledger: Range[] } {
  const split = { rollup: [] as Range[], ledger: [] as Range[] };
  const add = (list: Range[], from: number, to: number) => {
    if (from >= to) return;
    const last = list[list.length - 1];
    if (last && last.to === from) last.to = to;
    else list.push({ from, to });
  };
  for (const b of buckets) {
    const part = rollupPart(b.from, b.to, closedUntil);
    add(split.ledger, b.from, part.from);
    add(split.rollup, part.from, part.to);
    add(split.ledger, part.to, b.to);
  }
  return split;
}
