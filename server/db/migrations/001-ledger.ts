import { sql, type Kysely, type Migration } from 'kysely';
import type { Dialect } from '../dialect';

/** Serial ids differ per database; everything else in the ledger is portable DDL. */
function serialId(dialect: Dialect) {
  return dialect === 'postgres' ? sql`bigserial primary key` : sql`integer primary key autoincrement`;
}

export function ledger(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('programs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('enrolments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
        .addColumn('contact_id', 'text', (c) => c.notNull())
        // Codes are unique across programs and never reused: enrolments are closed, never deleted.
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('link', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('enrolments_program_contact', ['program_id', 'contact_id'])
        .execute();
      await db.schema.createIndex('enrolments_contact').on('enrolments').column('contact_id').execute();

      await db.schema
        .createTable('referrals')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
        .addColumn('enrolment_id', 'text', (c) => c.notNull().references('enrolments.id'))
        .addColumn('referrer_contact_id', 'text', (c) => c.notNull())
        .addColumn('referred_contact_id', 'text', (c) => c.notNull())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('email_normalised', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('flags', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('evidence', 'text')
        // The deal whose stage qualified the referral: if it leaves closed won, unissued rewards are canceled.
        .addColumn('deal_id', 'text')
        .addColumn('captured_at', 'bigint', (c) => c.notNull())
        .addColumn('qualified_at', 'bigint')
        .addColumn('decided_at', 'bigint')
        .addUniqueConstraint('referrals_program_contact', ['program_id', 'referred_contact_id'])
        .addUniqueConstraint('referrals_program_email', ['program_id', 'email_normalised'])
        .execute();
      await db.schema.createIndex('referrals_enrolment').on('referrals').columns(['enrolment_id', 'status']).execute();
      await db.schema.createIndex('referrals_referred').on('referrals').column('referred_contact_id').execute();
      await db.schema.createIndex('referrals_deal').on('referrals').column('deal_id').execute();
      await db.schema.createIndex('referrals_program_captured').on('referrals').columns(['program_id', 'captured_at']).execute();
      await db.schema.createIndex('referrals_program_qualified').on('referrals').columns(['program_id', 'qualified_at']).execute();

      await db.schema
        .createTable('rewards')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
        .addColumn('referral_id', 'text', (c) => c.notNull().references('referrals.id'))
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('recipient_contact_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
        .addColumn('review_reasons', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('hold_until', 'bigint')
        .addColumn('fulfilment_ref', 'text')
        .addColumn('callback_id', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('issued_at', 'bigint')
        .execute();
      await db.schema.createIndex('rewards_program_status').on('rewards').columns(['program_id', 'status']).execute();
      await db.schema.createIndex('rewards_referral').on('rewards').column('referral_id').execute();
      await db.schema.createIndex('rewards_recipient').on('rewards').column('recipient_contact_id').execute();

      await db.schema
        .createTable('action_decisions')
        .addColumn('callback_id', 'text', (c) => c.primaryKey())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('program_id', 'text')
        .addColumn('object_type', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('execution_state', 'text', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('audit_events')
        .addColumn('id', serialId(dialect))
        .addColumn('entity', 'text', (c) => c.notNull())
        .addColumn('entity_id', 'text', (c) => c.notNull())
        .addColumn('from_status', 'text')
        .addColumn('to_status', 'text')
        .addColumn('actor_type', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('reason', 'text')
        .addColumn('data', 'text')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('audit_entity').on('audit_events').columns(['entity', 'entity_id']).execute();

      await db.schema
        .createTable('clicks')
        .addColumn('id', serialId(dialect))
        .addColumn('program_id', 'text')
        .addColumn('enrolment_id', 'text')
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('clicks_program_at').on('clicks').columns(['program_id', 'at']).execute();

      await db.schema
        .createTable('jobs')
        .addColumn('id', serialId(dialect))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.unique())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('run_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('jobs_due').on('jobs').columns(['status', 'run_at']).execute();

      await db.schema
        .createTable('bulk_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('cursor', 'text')
        .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .execute();
    },
  };
}
