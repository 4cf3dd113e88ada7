import type { Kysely, Migration } from 'kysely';

/**
 * What fraud signals need beyond the referral itself.
 *
 * `visits`: sign-ups, link clicks and landing-page captures with the browser id (our first-party
 * cookie) and network address they came from. Velocity counts and "same browser / same address as
 * the referrer" read them; the purge job (server/capture/visit-purge.ts) deletes clicks and
 * captures after the program's velocity window and blanks sign-ups' addresses then, so an address
 * is never kept longer than a day.
 *
 * `referral_claims.signals`: the signals found when the submission was validated, so a recovery
 * job that finishes the capture records them though it never saw the request.
 * `referrals.flag_reasons`: why each flag in `flags` was raised, for reviewers.
 */
export const fraudSignals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('visits')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('program_id', 'text', (c) => c.notNull())
      .addColumn('enrolment_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('browser', 'text')
      .addColumn('ip', 'text')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('visits_enrolment').on('visits').columns(['enrolment_id', 'kind', 'at']).execute();
    await db.schema.createIndex('visits_program_ip').on('visits').columns(['program_id', 'ip', 'at']).execute();
    await db.schema.createIndex('visits_program_browser').on('visits').columns(['program_id', 'browser', 'at']).execute();
    await db.schema.createIndex('visits_at').on('visits').column('at').execute();
    await db.schema.alterTable('referral_claims').addColumn('signals', 'text', (c) => c.notNull().defaultTo('[]')).execute();
    // Nullable (no reasons): rows written without it, alone or beside rows that have it, stay valid.
    await db.schema.alterTable('referrals').addColumn('flag_reasons', 'text').execute();
  },
};
