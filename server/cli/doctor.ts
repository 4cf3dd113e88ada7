import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { formatDoctorReport } from '../doctor/check';
import { runDoctor } from '../doctor/run-doctor';
import { createHubSpotClient } from '../hubspot/client';

/** `npm run doctor -- --program <id>`: the launch checklist; exits 1 when any check fails. */
async function run(): Promise<number> {
  const { values } = parseArgs({ options: { program: { type: 'string' } } });
  if (!values.program) {
    process.stderr.write('Usage: npm run doctor -- --program <program id>\n');
    return 2;
  }
  const config = loadConfig();
  const database = openDatabase(config.databaseUrl);
  try {
    const hubspot = createHubSpotClient({ accessToken: config.hubspot.accessToken ?? '', apiBase: config.hubspot.apiBase, retries: 0 });
    process.stdout.write(`Checking program "${values.program}" (service ${config.publicBaseUrl}, HubSpot ${config.hubspot.apiBase})\n`);
    const report = await runDoctor({ config, db: database.db, hubspot }, values.program);
    process.stdout.write(`${formatDoctorReport(report.checks)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? '' : 'Doctor failed: '}${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
