import type { Kysely, Migration } from 'kysely';

/**
 * Every decision reads the referrer's live rewards and the program's amount this month, inside its
 * transaction (server/ledger/counts.ts). Both read only these indexes, never the reward rows: a
 * referrer with thousands of rewards, or a busy month, costs an index range, not a row per reward.
 */
export const capIndexes: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createIndex('rewards_referrer_caps')
      .on('rewards')
      .columns(['program_id', 'recipient_contact_id', 'recipient', 'status', 'created_at'])
      .execute();
    await db.schema.createIndex('rewards_program_month').on('rewards').columns(['program_id', 'created_at', 'status', 'amount']).execute();
  },
};
