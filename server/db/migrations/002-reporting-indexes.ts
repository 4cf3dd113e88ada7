import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes for the funnel report (server/reports/funnel-report.ts). Each covers one report query so
 * it reads only index entries in the period's range. The partial ones hold just the rows in the
 * status the report asks for; queries must write that status as a literal for the planner to use them.
 */
export const reportingIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.createIndex('enrolments_program_created').on('enrolments').columns(['program_id', 'created_at']).execute();
    await db.schema
      .createIndex('referrals_report_captured')
      .on('referrals')
      .columns(['program_id', 'captured_at', 'status'])
      .execute();
    await db.schema
      .createIndex('referrals_report_qualified')
      .on('referrals')
      .columns(['program_id', 'qualified_at', 'captured_at', 'referrer_contact_id'])
      .where(sql.ref('status'), '=', sql.lit('qualified'))
      .execute();
    await db.schema
      .createIndex('referrals_report_rejected')
      .on('referrals')
      .columns(['program_id', 'decided_at', 'reason'])
      .where(sql.ref('status'), '=', sql.lit('rejected'))
      .execute();
    await db.schema
      .createIndex('rewards_report_issued')
      .on('rewards')
      .columns(['program_id', 'issued_at', 'currency', 'amount'])
      .where(sql.ref('status'), '=', sql.lit('issued'))
      .execute();
    await db.schema
      .createIndex('rewards_report_pending_review')
      .on('rewards')
      .columns(['program_id', 'created_at'])
      .where(sql.ref('status'), '=', sql.lit('pending_review'))
      .execute();
  },
};
