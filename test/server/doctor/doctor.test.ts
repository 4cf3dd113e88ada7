import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { formatDoctorReport } from '../../../server/doctor/check';
import { PROJECT_ACTIONS_DIR } from '../../../server/doctor/action-checks';
import { runDoctor, type DoctorDeps } from '../../../server/doctor/run-doctor';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';

/** A copy of the project's workflow action definitions, plus any extra definitions a test adds. */
const made: string[] = [];
afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function actionsDir(extra: Record<string, unknown> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-actions-'));
  made.push(dir);
  for (const file of fs.readdirSync(PROJECT_ACTIONS_DIR)) fs.copyFileSync(path.join(PROJECT_ACTIONS_DIR, file), path.join(dir, file));
  for (const [file, body] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), JSON.stringify(body));
  return dir;
}

function deps(h: Harness, overrides: Partial<DoctorDeps> = {}): DoctorDeps {
  const { ctx } = h.service;
  return { config: ctx.config, db: ctx.database.db, gateway: ctx.gateway, actionsDir: actionsDir(), ...overrides };
}

const failures = (checks: Array<{ ok: boolean; group: string; name: string }>) => checks.filter((c) => !c.ok).map((c) => `${c.group}: ${c.name}`);

describe('launch checklist on a set-up portal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const owner = h.sandbox.portal.owners.add({ email: 'olivia@example.com', firstName: 'Olivia', lastName: 'Owner' });
    await createProgram(h, { ownerId: owner.id, review: { amountAbove: 10_000 } });
  });
  afterAll(() => h.close());

  it('passes every check', async () => {
    const report = await runDoctor(deps(h), 'spring');
    expect(failures(report.checks)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(formatDoctorReport(report.checks)).toMatch(/ready to go live/);
  });

  it('names an owner that does not exist and a program without review rules', async () => {
    await createProgram(h, { id: 'autumn', ownerId: '999999' });
    const report = await runDoctor(deps(h), 'autumn');
    expect(failures(report.checks)).toEqual(['Program: has an owner', 'Program: has review rules']);
    expect(report.checks.find((c) => c.name === 'has an owner')?.detail).toMatch(/owner 999999 does not exist/);
  });

  it('names a milestone stage the portal does not have', async () => {
    await createProgram(h, { id: 'winter', ownerId: '1001', review: { firstRewardPerReferrer: true }, qualification: { milestone: { kind: 'lifecycle_stage', stage: 'champion' } } });
    const report = await runDoctor(deps(h), 'winter');
    const milestone = report.checks.find((c) => c.name.startsWith('has one qualifying milestone'));
    expect(milestone).toMatchObject({ ok: false, detail: 'lifecycle stage "champion" does not exist in the portal' });
  });

  it("checks a revenue share's currency against the portal's: the company currency and the deal currencies", async () => {
    const share = (currency: string) => ({ referrer: { kind: 'cash' as const, amount: 5000, currency, revenueShare: { percent: 10, max: 100_000 } } });
    await createProgram(h, { id: 'euro', ownerId: '1001', review: { firstRewardPerReferrer: true }, rewards: share('EUR') });
    await createProgram(h, { id: 'krona', ownerId: '1001', review: { firstRewardPerReferrer: true }, rewards: share('SEK') });
    const revenue = async (id: string) => (await runDoctor(deps(h), id)).checks.find((c) => c.name.includes('revenue share'));

    expect(await revenue('euro')).toMatchObject({ ok: true, detail: expect.stringContaining('10 % of the deal (at most €1,000.00)') });
    expect(await revenue('krona')).toMatchObject({
      ok: false, detail: expect.stringMatching(/^the reward is in SEK, but .*; deals are in USD, EUR, .* \(company currency USD\): every share would wait for review/),
    });
    expect(await revenue('spring')).toBeUndefined();
  });

  it('fails an action definition whose URL the service does not serve', async () => {
    const stray = { uid: 'stray_action', type: 'workflow-action', config: { actionUrl: '${SERVICE_URL}/hubspot/actions/not-a-thing' } };
    const report = await runDoctor(deps(h, { actionsDir: actionsDir({ 'stray-hsmeta.json': stray }) }), 'spring');
    expect(failures(report.checks)).toEqual(['Workflow action: stray_action action URL is served']);
  });

  it('fails the action checks when the service has another client secret', async () => {
    const config = { ...h.service.ctx.config, hubspot: { ...h.service.ctx.config.hubspot, clientSecret: 'some-other-secret' } };
    const report = await runDoctor(deps(h, { config }), 'spring');
    const actionChecks = report.checks.filter((c) => c.group === 'Workflow action');
    expect(actionChecks.length).toBeGreaterThan(0);
    expect(actionChecks.every((c) => !c.ok && /signature/.test(c.detail ?? ''))).toBe(true);
  });

  it('shows the same checks to the settings page', async () => {
    const res = await request(h.url).get('/api/programs/spring/doctor').set('authorization', `Bearer ${TEST_ADMIN_KEY}`);
    expect(res.status).toBe(200);
    expect(res.body.checks.map((c: { name: string }) => c.name)).toContain('has an owner');
  });
});

describe('launch checklist on an empty portal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ setUp: false });
  });
  afterAll(() => h.close());

  it('names each missing property, the association label and the missing program', async () => {
    const report = await runDoctor(deps(h), 'spring');
    expect(report.ok).toBe(false);
    const missing = failures(report.checks);
    expect(missing).toEqual(expect.arrayContaining([
      'HubSpot: property group referral_program exists',
      'HubSpot: property referral_code exists',
      'HubSpot: property referral_dashboard_link exists',
      'HubSpot: property referral_status exists',
      'HubSpot: association label Referred by / Referred exists',
      'Program: "spring" exists',
    ]));
    expect(formatDoctorReport(report.checks)).toMatch(/fix: run `npm run setup`/);
  });

  it('fails the service check when nothing answers at PUBLIC_BASE_URL', async () => {
    const config = { ...h.service.ctx.config, publicBaseUrl: 'http://127.0.0.1:9' };
    const report = await runDoctor(deps(h, { config }), 'spring');
    expect(report.checks[0]).toMatchObject({ group: 'Service', ok: false });
    expect(report.checks.some((c) => c.group === 'Workflow action')).toBe(false);
  });

  it('fails the credentials check for a token HubSpot refuses', async () => {
    const config = { ...h.service.ctx.config, hubspot: { ...h.service.ctx.config.hubspot, accessToken: 'wrong-token' } };
    const report = await runDoctor(deps(h, { config }), 'spring');
    expect(report.checks.find((c) => c.name === 'credentials work')).toMatchObject({ ok: false, detail: expect.stringMatching(/refused the access token/) });
  });
});
