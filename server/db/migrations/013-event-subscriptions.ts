import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect';

/**
 * Event webhooks for developers. A subscription names a program, an endpoint, its signing secret and
 * the event types it wants. Each event a subscription wants becomes one `event_deliveries` row,
 * written in the transaction of the ledger change it reports (an outbox), and that row is the
 * delivery's whole state: its lease, attempts and next try. Deliveries of one subscription and one
 * stream (a referral, or an enrolment) go out in id order, so a receiver sees a referral's events in
 * the order they happened.
 */
export function eventSubscriptions(dialect: Dialect): Migration {
  const serialId = dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('event_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        // A JSON array of event types.
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        // Set when the endpoint's deliveries keep failing (an owner task is raised once), cleared on its next success.
        .addColumn('failing_since', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('event_subscriptions_program').on('event_subscriptions').columns(['program_id', 'status']).execute();

      await db.schema
        .createTable('event_deliveries')
        .addColumn('id', serialId)
        .addColumn('subscription_id', 'text', (c) => c.notNull().references('event_subscriptions.id'))
        // The event's id, shared by every subscription it goes to: the receiver's idempotency key.
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('stream_key', 'text', (c) => c.notNull())
        // The contact the event is about: an owner task about a failing endpoint is attached to it.
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('delivered_at', 'bigint')
        .addUniqueConstraint('event_deliveries_subscription_event', ['subscription_id', 'event_id'])
        .execute();
      // The dispatcher's two questions: which deliveries are due, and is an earlier one of the stream still pending.
      await db.schema.createIndex('event_deliveries_due').on('event_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('event_deliveries_stream').on('event_deliveries').columns(['subscription_id', 'stream_key', 'status', 'id']).execute();
    },
  };
}
