import { loadConfig } from '../config';
import { migrateToLatest, openDatabase } from '../db/database';

/** `npm run migrate`: apply pending migrations to the configured database and list them. */
async function run() {
  const config = loadConfig();
  const database = openDatabase(config.databaseUrl);
  try {
    const { results } = await migrateToLatest(database);
    const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    process.stdout.write(
      applied.length ? `Applied to ${database.description}: ${applied.join(', ')}\n` : `${database.description} is up to date\n`,
    );
  } finally {
    await database.close();
  }
}

run().catch((err) => {
  process.stderr.write(`Migration failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
