import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Claims of referrals being captured, kept apart from `referrals`: a capture claims the person
 * (unique per program and normalised email) before it touches HubSpot, and the claim becomes a
 * referral only once the contact exists. So every count, report and property built on `referrals`
 * sees real referrals only, whatever a crash left behind. A claim is finished or released by the
 * capture that made it, by a resubmission once its lease is over, or by the recovery job queued with
 * it (server/capture/claim-recovery.ts). Finished, it is deleted: names live here only meanwhile.
 *
 * Claims an older version left in `referrals` (`referred_contact_id = 'pending:…'`) move here, each
 * with its recovery job.
 */
export const referralClaims: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('referral_claims')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
      .addColumn('enrolment_id', 'text', (c) => c.notNull().references('enrolments.id'))
      .addColumn('referrer_contact_id', 'text', (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('email_normalised', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      // What the submission said beyond the address, so a recovery can create the contact as the capture would have.
      .addColumn('first_name', 'text')
      .addColumn('last_name', 'text')
      .addColumn('captured_at', 'bigint', (c) => c.notNull())
      // Start of the current holder's lease: whoever moves it forward (compare and set) works the claim.
      .addColumn('claimed_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('referral_claims_program_email', ['program_id', 'email_normalised'])
      .execute();

    const legacy = sql`select id, program_id, enrolment_id, referrer_contact_id, email, email_normalised, source, captured_at
      from referrals where referred_contact_id like 'pending:%'`;
    await sql`insert into referral_claims (id, program_id, enrolment_id, referrer_contact_id, email, email_normalised, source, captured_at, claimed_at)
      select id, program_id, enrolment_id, referrer_contact_id, email, email_normalised, source, captured_at, captured_at from (${legacy}) as l`.execute(db);
    await sql`insert into jobs (kind, dedupe_key, payload, status, attempts, run_at, locked_by, locked_until, last_error, created_at, updated_at)
      select 'capture.recover-claim', 'capture.recover-claim:' || id, '{"claimId":"' || id || '"}', 'pending', 0, captured_at, null, null, null, captured_at, captured_at
      from referral_claims`.execute(db);
    await sql`delete from referrals where referred_contact_id like 'pending:%'`.execute(db);
  },
};
