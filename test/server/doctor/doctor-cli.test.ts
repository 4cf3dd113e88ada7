import { execFile } from 'node:child_process';
import path from 'node:path';
import { dialects } from '../../support/databases';
import { createProgram, SANDBOX_TOKEN, startHarness, TEST_ADMIN_KEY, TEST_CLIENT_SECRET, type Harness } from '../../support/harness';

/**
 * `npm run doctor` as an operator runs it: a separate process reading its environment, against the
 * service and the sandbox portal. The exit code is what a deploy pipeline gates on.
 */
const root = path.resolve(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');
const cli = path.join(root, 'server/cli/doctor.ts');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function doctor(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(tsx, [cli, ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

function environment(h: Harness, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PUBLIC_BASE_URL: h.url,
    DATABASE_URL: h.service.ctx.config.databaseUrl,
    HUBSPOT_ACCESS_TOKEN: SANDBOX_TOKEN,
    HUBSPOT_API_BASE: h.sandbox.url,
    HUBSPOT_CLIENT_SECRET: TEST_CLIENT_SECRET,
    SERVICE_ADMIN_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}

describe.each(dialects)('npm run doctor against the sandbox (%s)', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
    const owner = h.sandbox.portal.owners.add({ email: 'olivia@example.com', firstName: 'Olivia', lastName: 'Owner' });
    await createProgram(h, { ownerId: owner.id, review: { amountAbove: 10_000 } });
    await createProgram(h, { id: 'autumn', name: 'Autumn referrals', ownerId: owner.id, status: 'paused', review: { amountAbove: 10_000 } });
  });
  afterAll(() => h.close());

  it('exits 0 when every check of a program passes', async () => {
    const run = await doctor(['--program', 'spring'], environment(h));
    expect(run.stdout).toMatch(/^Checking program "spring"/);
    expect(run.stdout).not.toMatch(/FAIL/);
    expect(run.stdout).toMatch(/pass {2}Secrets: function review-reward declares the secrets it reads — SERVICE_ADMIN_KEY, SERVICE_URL/);
    expect(run.stdout).toMatch(/pass {2}Secrets: SERVICE_URL and SERVICE_ADMIN_KEY open the admin API/);
    expect(run.stdout).toMatch(/All \d+ checks pass: the program is ready to go live\./);
    expect(run.code).toBe(0);
  });

  it('exits 1 when a check fails, and says which', async () => {
    const run = await doctor(['--program', 'winter'], environment(h));
    expect(run.stdout).toMatch(/FAIL {2}Program: "winter" exists — no program with this id/);
    expect(run.stdout).toMatch(/^\d+ of \d+ checks fail\.$/m);
    expect(run.code).toBe(1);
  });

  it('without --program checks the portal and lists the programs', async () => {
    const run = await doctor([], environment(h));
    expect(run.stdout).toMatch(/^Checking the portal and the service/);
    expect(run.stdout).toMatch(/pass {2}HubSpot: credentials work/);
    expect(run.stdout).toMatch(/pass {2}HubSpot: property referral_code exists/);
    expect(run.stdout).toMatch(/All \d+ checks pass: the portal and the service are ready/);
    const table = run.stdout.slice(run.stdout.indexOf('Programs'));
    expect(table.split('\n').slice(1, 4).map((line) => line.trim().split(/\s{2,}/))).toEqual([
      ['id', 'name', 'status'],
      ['autumn', 'Autumn referrals', 'paused'],
      ['spring', 'Spring referrals', 'active'],
    ]);
    expect(run.stdout).not.toMatch(/Workflow action/);
    expect(run.code).toBe(0);
  });

  it('exits 1 when the admin key the functions would use is refused, without printing it', async () => {
    const wrongKey = 'not-the-service-admin-key-42';
    const run = await doctor([], environment(h, { SERVICE_ADMIN_KEY: wrongKey }));
    expect(run.stdout).toMatch(/FAIL {2}Secrets: SERVICE_URL and SERVICE_ADMIN_KEY open the admin API — .* refused the admin key/);
    expect(run.stdout).toMatch(/fix: .*npx hs app secret add SERVICE_ADMIN_KEY/);
    expect(`${run.stdout}${run.stderr}`).not.toContain(wrongKey);
    expect(run.code).toBe(1);
  });

  it('exits 1 when HubSpot refuses the access token', async () => {
    const run = await doctor([], environment(h, { HUBSPOT_ACCESS_TOKEN: 'revoked-token' }));
    expect(run.stdout).toMatch(/FAIL {2}HubSpot: credentials work — HubSpot refused the access token/);
    expect(run.code).toBe(1);
  });
});

describe('npm run doctor with bad usage', () => {
  it('exits 2 with the usage for an unknown option, before touching anything', async () => {
    const run = await doctor(['--programme', 'spring'], { DATABASE_URL: 'sqlite:/nonexistent/dir/ledger.sqlite' });
    expect(run.stderr).toMatch(/Unknown option '--programme'/);
    expect(run.stderr).toMatch(/Usage: npm run doctor \[-- --program <program id>\]/);
    expect(run.stdout).toBe('');
    expect(run.code).toBe(2);
  });
});
