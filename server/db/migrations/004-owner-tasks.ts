import type { Kysely, Migration } from 'kysely';

/**
 * HubSpot tasks raised for a program owner, one row per item needing a person. The unique item key
 * is what keeps a re-run of the raise job from creating a second task for the same item.
 */
export const ownerTasks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('owner_tasks')
      .addColumn('item_key', 'text', (c) => c.primaryKey())
      .addColumn('program_id', 'text', (c) => c.notNull().references('programs.id'))
      .addColumn('contact_id', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('hubspot_task_id', 'text')
      .addColumn('create_started_at', 'bigint')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('owner_tasks_contact').on('owner_tasks').column('contact_id').execute();
  },
};
