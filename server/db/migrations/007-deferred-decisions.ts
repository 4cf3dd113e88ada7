import { sql, type Kysely, type Migration } from 'kysely';

/**
 * "Qualify referral" answers every delivery at once with BLOCK and decides afterwards, many
 * callbacks together (server/qualify/qualify-referral.ts). `response` stays what deliveries are
 * answered; `decided_at` and `outputs` record the decision the callback is completed with.
 * Rows already in the table were decided when they arrived, so their `decided_at` is `created_at`.
 */
export const deferredDecisions: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('action_decisions').addColumn('decided_at', 'bigint').execute();
    await db.schema.alterTable('action_decisions').addColumn('outputs', 'text').execute();
    await sql`update action_decisions set decided_at = created_at`.execute(db);
  },
};
