import type { Kysely, Migration } from 'kysely';

/**
 * Request counts of the public endpoints' rate limits, one row per key and fixed window. Kept in
 * the database so that replicas sharing one PostgreSQL share each limit instead of each allowing
 * it in full. Only the current window is needed: older rows are swept as windows turn over.
 */
export const rateLimitWindows: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('rate_limit_windows')
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('window_start', 'bigint', (c) => c.notNull())
      .addColumn('hits', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('rate_limit_windows_pk', ['key', 'window_start'])
      .execute();
    await db.schema.createIndex('rate_limit_windows_start').on('rate_limit_windows').column('window_start').execute();
  },
};
