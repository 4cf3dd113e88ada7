import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config';
import { openDatabase } from '../db/database';
import { formatDoctorReport } from '../doctor/check';
import { runDoctor, runPortalDoctor, type ProgramSummary } from '../doctor/run-doctor';
import { connectGateway, TIER_LIMITS } from '../hubspot/gateway';
import { LOCAL_ADMIN_KEY_FILE } from '../service';

const USAGE = 'Usage: npm run doctor [-- --program <program id>]\n';

/** Exit codes: 0 every check passes, 1 a check fails, 2 bad usage or configuration. */
const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

function formatPrograms(programs: ProgramSummary[]): string {
  if (programs.length === 0) return 'Programs: none yet. Create one in the app\'s settings page (or PUT /api/programs/<id>).';
  const width = (pick: (p: ProgramSummary) => string, title: string) => Math.max(title.length, ...programs.map((p) => pick(p).length));
  const idWidth = width((p) => p.id, 'id');
  const nameWidth = width((p) => p.name, 'name');
  const row = (id: string, name: string, status: string) => `  ${id.padEnd(idWidth)}  ${name.padEnd(nameWidth)}  ${status}`;
  return ['Programs (check one with `npm run doctor -- --program <id>`):', row('id', 'name', 'status'), ...programs.map((p) => row(p.id, p.name, p.status))].join('\n');
}

/**
 * The admin key the functions will use. In sandbox mode the service keeps a generated one in a file
 * when SERVICE_ADMIN_KEY is unset; the doctor tries that one, as the local functions would get it.
 */
function withAdminKey(config: Config): Config {
  if (config.adminKey || !fs.existsSync(LOCAL_ADMIN_KEY_FILE)) return config;
  return { ...config, adminKey: fs.readFileSync(LOCAL_ADMIN_KEY_FILE, 'utf8').trim() };
}

/** `npm run doctor [-- --program <id>]`: the launch checklist; exits 1 when any check fails. */
async function run(): Promise<number> {
  let program: string | undefined;
  try {
    ({ values: { program } } = parseArgs({ options: { program: { type: 'string' } } }));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    return EXIT.usage;
  }
  if (program !== undefined && program.trim() === '') {
    process.stderr.write(`--program needs a program id\n${USAGE}`);
    return EXIT.usage;
  }
  const config = withAdminKey(loadConfig());
  const database = openDatabase(config.databaseUrl);
  try {
    const gateway = connectGateway({ accessToken: config.hubspot.accessToken ?? '', apiBase: config.hubspot.apiBase }, { limits: TIER_LIMITS.starter });
    const deps = { config, db: database.db, gateway };
    const where = `service ${config.publicBaseUrl}, HubSpot ${config.hubspot.apiBase}`;
    if (program === undefined) {
      process.stdout.write(`Checking the portal and the service (${where})\n`);
      const report = await runPortalDoctor(deps);
      process.stdout.write(`${formatDoctorReport(report.checks, 'the portal and the service are ready; check each program before it goes live.')}\n`);
      if (report.programs) process.stdout.write(`${formatPrograms(report.programs)}\n`);
      return report.ok ? EXIT.ok : EXIT.failed;
    }
    process.stdout.write(`Checking program "${program}" (${where})\n`);
    const report = await runDoctor(deps, program);
    process.stdout.write(`${formatDoctorReport(report.checks)}\n`);
    return report.ok ? EXIT.ok : EXIT.failed;
  } finally {
    await database.close();
  }
}

run().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? '' : 'Doctor failed: '}${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(err instanceof ConfigError ? EXIT.usage : EXIT.failed);
  },
);
