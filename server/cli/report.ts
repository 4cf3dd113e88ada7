import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { openDatabase } from '../db/database';
import { parseFunnelQuery } from '../reports/funnel-query';
import { funnelReport } from '../reports/funnel-report';
import { funnelText } from '../reports/funnel-text';
import { resetRollup } from '../reports/report-rollup';
import { DEFAULT_REPORT_DAYS, withDefaultPeriod } from './report-period';

const USAGE = `Usage: npm run report -- [--from YYYY-MM-DD --to YYYY-MM-DD] [--program ID] [--interval day|week] [--tz ZONE] [--currency CODE] [--json] [--rebuild-rollup]
The period is [from, to) in the time zone (default UTC); without --from and --to, the last ${DEFAULT_REPORT_DAYS} days up to and including today. Without --program, all programs.
--currency: revenue and reward cost in that currency only (amounts are never converted); default every currency.
--rebuild-rollup: rebuild the settled counts from the ledger first, after ledger rows were changed outside the service.`;

/**
 * `npm run report`: the funnel report of the configured database, the same function and the same
 * parameter checks as GET /api/reports/funnel.
 */
async function run(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      program: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      interval: { type: 'string' },
      tz: { type: 'string' },
      currency: { type: 'string' },
      json: { type: 'boolean', default: false },
      'rebuild-rollup': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { json, help: _help, 'rebuild-rollup': rebuild, ...params } = values;
  const query = parseFunnelQuery(withDefaultPeriod(params, Date.now()));
  const database = openDatabase(loadConfig().databaseUrl);
  try {
    if (rebuild) await resetRollup(database.db);
    const report = await funnelReport(database.db, query, Date.now());
    process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : funnelText(report));
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`Report failed: ${err instanceof Error ? err.message : String(err)}\n${USAGE}\n`);
  process.exit(1);
});
