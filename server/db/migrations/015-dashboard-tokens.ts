import type { Kysely, Migration } from 'kysely';

/**
 * The referrer's dashboard link (`/me/<token>`, server/dashboard/) is signed over the enrolment id
 * and this version. Rotating the link raises the version, so every link signed before stops
 * working; existing enrolments start at 1 and keep the links they were given.
 *
 * The dashboard counts one enrolment's clicks on every view; without this index that count would
 * read all of the program's clicks.
 */
export const dashboardTokens: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('enrolments').addColumn('dashboard_token_version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    await db.schema.createIndex('clicks_enrolment').on('clicks').column('enrolment_id').execute();
  },
};
