import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { migrateToLatest, openDatabase } from '../db/database';
import { executeRun } from '../enrolment/bulk-enrolment';
import { formatProgress } from '../enrolment/progress';
import { claimRun } from '../enrolment/runs';
import { describeCursor } from '../enrolment/id-ranges';
import { connectGateway, TIER_LIMITS, type Tier } from '../hubspot/gateway';
import { createLogger } from '../logger';
import { programOrNotFound } from '../programs/repository';
import { dashboardLinksFor } from '../dashboard/dashboard-token';

const USAGE = `Usage: npm run enrol -- --program <id> [--dry-run] [--tier free|starter|professional|enterprise]

Enrols every HubSpot contact matching the program's criteria that has no referral code yet.
An interrupted run is resumed by running the same command again.`;

/** `npm run enrol`: bulk enrolment from the command line, printing progress with rate and ETA. */
async function run(): Promise<number> {
  const { values } = parseArgs({
    options: {
      program: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      tier: { type: 'string', default: 'professional' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`), 0;
  if (!values.program) throw new UsageError('Missing --program <id>');
  const tier = values.tier as Tier;
  if (!(tier in TIER_LIMITS)) throw new UsageError(`Unknown --tier "${values.tier}"`);

  const config = loadConfig();
  if (!config.hubspot.accessToken) {
    throw new UsageError('HUBSPOT_ACCESS_TOKEN is not set: use the private app token (or the sandbox token with HUBSPOT_API_BASE pointing at the sandbox)');
  }
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = openDatabase(config.databaseUrl);
  try {
    await migrateToLatest(database);
    const program = await programOrNotFound(database.db, values.program);
    const dryRun = values['dry-run'];
    const gateway = connectGateway({ accessToken: config.hubspot.accessToken, apiBase: config.hubspot.apiBase }, { limits: TIER_LIMITS[tier], logger });
    const now = Date.now();
    const claim = await claimRun(database.db, program.id, dryRun, now);
    if (claim.kind === 'busy') {
      const seconds = Math.round((now - claim.run.updated_at) / 1000);
      process.stderr.write(`Run ${claim.run.id} for "${program.id}" is in progress (last progress ${seconds}s ago). Wait for it, or run again once it has stopped for 30s to resume it.\n`);
      return 3;
    }
    const out = process.stdout;
    out.write(claim.kind === 'resumed'
      ? `Resuming run ${claim.run.id} for "${program.name}" (${describeCursor(claim.run.cursor)})\n`
      : `${dryRun ? 'Dry run' : 'Run'} ${claim.run.id}: enrolling contacts in "${program.name}"\n`);
    let lastPrint = 0;
    const final = await executeRun(
      { database, gateway, clock: Date.now, publicBaseUrl: config.publicBaseUrl, dashboardLinks: dashboardLinksFor(config), logger },
      program, claim.run, { type: 'admin', id: 'cli' },
      {
        onProgress: (view) => {
          if (Date.now() - lastPrint < 1000) return;
          lastPrint = Date.now();
          out.write(`${formatProgress(view)}\n`);
        },
      },
    );
    out.write(`${formatProgress(final)}\n`);
    if (dryRun) out.write('Dry run: nothing was written to HubSpot or the ledger (apart from this report).\n');
    if (final.counts.failed > 0) {
      out.write(`${final.counts.failed} contact(s) could not be updated in HubSpot: ${final.counts.failedContactIds.join(', ')}\n`);
      return 1;
    }
    return 0;
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n\n${USAGE}\n`);
    else if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`Enrolment stopped: ${err instanceof Error ? err.message : String(err)}\nRun the same command again to resume.\n`);
    process.exit(err instanceof UsageError || err instanceof ConfigError ? 2 : 1);
  },
);
