import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Migrator } from 'kysely';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle, type Dialect } from '../../server/db/database';
import { migrations } from '../../server/db/migrations';

/**
 * Storage suites run against every database available: SQLite always, PostgreSQL when
 * TEST_DATABASE_URL points at a server (CI starts one). Each suite gets a fresh database.
 */
export const dialects: Dialect[] = process.env.TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestDatabase extends DatabaseHandle {
  /** The URL the service can open it with. */
  url: string;
  /** Close and remove the database. */
  drop(): Promise<void>;
}

/** A fresh database, migrated to the latest version or, with `upTo`, only as far as that migration (as an older version of the service left it). */
export async function createTestDatabase(dialect: Dialect, adminUrl = process.env.TEST_DATABASE_URL, upTo?: string): Promise<TestDatabase> {
  const migrate = async (handle: DatabaseHandle) => {
    if (upTo === undefined) return migrateToLatest(handle);
    const result = await new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations(dialect) } }).migrateTo(upTo);
    if (result.error) throw result.error;
  };
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'referral-ops-'));
    const url = `sqlite:${path.join(dir, 'ledger.sqlite')}`;
    const handle = openDatabase(url);
    await migrate(handle);
    return {
      ...handle,
      url,
      drop: async () => {
        await handle.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set: PostgreSQL suites need a server');
  const name = `referral_ops_${randomBytes(6).toString('hex')}`;
  await withPostgresClient(adminUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = openDatabase(url.toString());
  await migrate(handle);
  return {
    ...handle,
    url: url.toString(),
    drop: async () => {
      await handle.close();
      await withPostgresClient(adminUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** One short-lived connection, closed whatever `fn` does. */
export async function withPostgresClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
