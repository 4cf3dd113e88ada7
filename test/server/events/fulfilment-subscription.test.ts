import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Migrator } from 'kysely';
import { openDatabase, type DatabaseHandle, type Dialect } from '../../../server/db/database';
import { migrations } from '../../../server/db/migrations';
import { fulfilmentSubscriptionId } from '../../../server/events/fulfilment-subscription';
import { parseProgram } from '../../../src/app/packages/domain/program';
import { dialects, withPostgresClient } from '../../support/databases';
import { buildProgram } from '../../support/harness';

const T0 = Date.UTC(2026, 3, 1);

/** A database migrated up to `upTo` only, as an older version of the service left it. */
async function databaseAt(dialect: Dialect, upTo: string): Promise<DatabaseHandle & { drop(): Promise<void> }> {
  let url: string;
  let cleanup: () => Promise<void>;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'referral-ops-'));
    url = `sqlite:${path.join(dir, 'ledger.sqlite')}`;
    cleanup = async () => fs.rmSync(dir, { recursive: true, force: true });
  } else {
    const admin = process.env.TEST_DATABASE_URL!;
    const name = `referral_ops_${randomBytes(6).toString('hex')}`;
    await withPostgresClient(admin, (c) => c.query(`create database ${name}`));
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    cleanup = async () => { await withPostgresClient(admin, (c) => c.query(`drop database if exists ${name} with (force)`)); };
  }
  const handle = openDatabase(url);
  const result = await new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations(dialect) } }).migrateTo(upTo);
  if (result.error) throw result.error;
  return { ...handle, drop: async () => { await handle.close(); await cleanup(); } };
}

describe.each(dialects)('the fulfilment subscriptions migration (016) on %s', (dialect) => {
  it('gives each program already on webhook fulfilment its subscription, and others none', async () => {
    const database = await databaseAt(dialect, '014-referred-revenue');
    try {
      const stored = (overrides: Parameters<typeof buildProgram>[0]) => {
        const parsed = parseProgram(buildProgram(overrides));
        if (!parsed.ok) throw new Error('invalid test program');
        return { id: parsed.program.id, name: parsed.program.name, status: parsed.program.status, config: JSON.stringify(parsed.program), created_at: T0, updated_at: T0 };
      };
      // As the older version stored them: the programs table is all it had of a program.
      await database.db.insertInto('programs').values([
        stored({ id: 'spring', fulfilment: { kind: 'webhook', url: 'https://payouts.example/hook', secretRef: 'REWARD_WEBHOOK_SECRET' } }),
        stored({ id: 'manual' }),
      ]).execute();

      const result = await new Migrator({ db: database.db, provider: { getMigrations: async () => migrations(dialect) } }).migrateToLatest();
      if (result.error) throw result.error;

      expect(await database.db.selectFrom('event_subscriptions').selectAll().execute()).toEqual([{
        id: fulfilmentSubscriptionId('spring'), program_id: 'spring', kind: 'fulfilment', url: 'https://payouts.example/hook', secret: '',
        secret_ref: 'REWARD_WEBHOOK_SECRET', event_types: '["reward.approved"]', status: 'active', failing_since: null, created_at: T0, updated_at: T0,
      }]);
    } finally {
      await database.drop();
    }
  });
});
