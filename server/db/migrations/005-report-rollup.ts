import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * The funnel report's rollup (server/reports/report-rollup.ts): per program and 15-minute slot, the
 * counts of ledger events that never change once the slot is over. `report_rollup_state` holds the
 * slot edge up to which the rollup is complete. Also a partial index so the qualification rate's
 * numerator (captured in the period, qualified now) reads only qualified referrals.
 */
export function reportRollup(dialect: Dialect): Migration {
  // SQLite keeps a table without rowid in primary-key order, so a slot range is one contiguous read.
  const clustered = dialect === 'sqlite' ? sql`without rowid` : sql``;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('report_rollup')
        .addColumn('program_id', 'text', (c) => c.notNull())
        .addColumn('slot', 'bigint', (c) => c.notNull())
        .addColumn('enrolments', 'integer', (c) => c.notNull())
        .addColumn('clicks', 'integer', (c) => c.notNull())
        .addColumn('referred_leads', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_rollup_pk', ['program_id', 'slot'])
        .modifyEnd(clustered)
        .execute();
      await db.schema
        .createTable('report_rollup_rewards')
        .addColumn('program_id', 'text', (c) => c.notNull())
        .addColumn('slot', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('issued', 'integer', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('report_rollup_rewards_pk', ['program_id', 'slot', 'currency'])
        .modifyEnd(clustered)
        .execute();
      await db.schema
        .createTable('report_rollup_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('closed_until', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into report_rollup_state (id, closed_until) values (1, 0)`.execute(db);
      await db.schema
        .createIndex('referrals_report_cohort_qualified')
        .on('referrals')
        .columns(['program_id', 'captured_at'])
        .where(sql.ref('status'), '=', sql.lit('qualified'))
        .execute();
      // SQLite plans with the statistics of its last ANALYZE; an index without any makes it misjudge
      // the existing report indexes (top referrers went from the covering index to table lookups).
      if (dialect === 'sqlite') await sql`analyze referrals`.execute(db);
    },
  };
}
