import type { Kysely, Migration } from 'kysely';

/**
 * The erasure log (server/privacy/erase-subject.ts): one row per person whose personal data was
 * erased, or per request that found nothing, naming them only by their pseudonym. It is what a
 * data protection officer shows to prove a request was carried out, and by whom.
 */
export const privacyErasures: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('privacy_erasures')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('trigger', 'text', (c) => c.notNull())
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('event_id', 'text')
      .addColumn('erased', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('privacy_erasures_subject').on('privacy_erasures').columns(['subject', 'at']).execute();
  },
};
