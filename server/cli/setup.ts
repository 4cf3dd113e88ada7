import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { connectGateway, TIER_LIMITS } from '../hubspot/gateway';
import { formatSetupReport, setUpPortal } from '../setup/hubspot-setup';

/** `npm run setup`: create the product's property group, contact properties and association label. */
async function run(): Promise<number> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
  const config = loadConfig();
  if (!config.hubspot.accessToken) {
    process.stderr.write('HUBSPOT_ACCESS_TOKEN is not set: use the private app token (or the sandbox token with HUBSPOT_API_BASE pointing at the sandbox)\n');
    return 2;
  }
  const gateway = connectGateway({ accessToken: config.hubspot.accessToken, apiBase: config.hubspot.apiBase }, { limits: TIER_LIMITS.starter });
  const dryRun = values['dry-run'];
  process.stdout.write(`Setting up ${config.hubspot.apiBase}${dryRun ? ' (dry run)' : ''}\n`);
  const report = await setUpPortal(gateway, { dryRun });
  process.stdout.write(`${formatSetupReport(report, dryRun)}\n`);
  return report.conflicts.length > 0 ? 1 : 0;
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? '' : 'Setup failed: '}${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  },
);
