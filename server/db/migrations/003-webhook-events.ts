import type { Kysely, Migration } from 'kysely';

/**
 * HubSpot webhook events already acted on. HubSpot redelivers an event until it gets a 2xx (and
 * sometimes after), so an event id seen here is answered without reading HubSpot or the ledger again.
 */
export const webhookEvents: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('webhook_events')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('subscription_type', 'text', (c) => c.notNull())
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('property_value', 'text')
      .addColumn('occurred_at', 'bigint', (c) => c.notNull())
      .addColumn('processed_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
