import Sqlite from 'better-sqlite3';
import type { DatabaseHandle, Dialect } from '../../server/db/database';
import { createTestDatabase, withPostgresClient } from '../../test/support/databases';
import type { Chunk, Row } from './ledger-generator';

/** A fresh, migrated database for one benchmark run: a temporary SQLite file or a new PostgreSQL database. */
const TABLES = ['programs', 'enrolments', 'referrals', 'rewards', 'clicks', 'referred_deals'] as const;
const BIGINT_COLUMNS = new Set(['created_at', 'updated_at', 'captured_at', 'qualified_at', 'decided_at', 'issued_at', 'hold_until', 'amount', 'at', 'won_at', 'read_at']);

export interface BenchDatabase {
  handle: DatabaseHandle;
  /** Inserts every chunk; returns the number of rows. */
  load(chunks: Iterable<Chunk>): Promise<number>;
  drop(): Promise<void>;
}

export async function createBenchDatabase(dialect: Dialect, pgUrl?: string): Promise<BenchDatabase> {
  if (dialect === 'postgres' && !pgUrl) throw new Error('Set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server');
  const database = await createTestDatabase(dialect, pgUrl);
  if (dialect === 'sqlite') {
    const file = database.url.slice('sqlite:'.length);
    return {
      handle: database,
      load: async (chunks) => {
        // A second connection with durability off: loading speed is not what is measured.
        const raw = new Sqlite(file);
        raw.pragma('journal_mode = WAL');
        raw.pragma('synchronous = OFF');
        // Random-key indexes (emails, idempotency keys) thrash the default 2 MB page cache.
        raw.pragma('cache_size = -1000000');
        const statements = new Map<string, Sqlite.Statement>();
        const insert = raw.transaction((table: string, rows: Row[]) => {
          if (rows.length === 0) return;
          let statement = statements.get(table);
          if (!statement) {
            const columns = Object.keys(rows[0]!);
            statement = raw.prepare(`insert into ${table} (${columns.join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`);
            statements.set(table, statement);
          }
          for (const row of rows) statement.run(row);
        });
        let count = 0;
        for (const chunk of chunks) {
          for (const table of TABLES) {
            insert(table, chunk[table]);
            count += chunk[table].length;
          }
        }
        raw.exec('analyze');
        raw.close();
        return count;
      },
      drop: database.drop,
    };
  }
  return {
    handle: database,
    load: async (chunks) => {
      let count = 0;
      await withPostgresClient(database.url, async (client) => {
        // Loading speed is not what is measured: skip waiting for each commit to reach the disk.
        await client.query('set synchronous_commit = off');
        for (const chunk of chunks) {
          for (const table of TABLES) {
            const rows = chunk[table];
            if (rows.length === 0) continue;
            // One statement per chunk: each column travels as one array and unnest turns them into rows.
            const columns = Object.keys(rows[0]!);
            const arrays = columns.map((c) => rows.map((r) => r[c] ?? null));
            const types = columns.map((c, i) => `$${i + 1}::${BIGINT_COLUMNS.has(c) ? 'bigint' : 'text'}[]`);
            await client.query(`insert into ${table} (${columns.join(', ')}) select * from unnest(${types.join(', ')})`, arrays);
            count += rows.length;
          }
        }
        // Statistics and the visibility map, as autovacuum would leave them on a live database.
        await client.query('vacuum analyze');
      });
      return count;
    },
    drop: database.drop,
  };
}
