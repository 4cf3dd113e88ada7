import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { errorHandler, notFoundHandler } from '../../../server/errors';
import { reportRoutes } from '../../../server/reports/routes';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import {
  buildClick, buildEnrolment, buildProgram, buildReferral, buildReferredDeal, buildReward, insertLedger, type Ledger, type ReferralRow,
} from './ledger-factories';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string) => Date.parse(iso);
const NOW = at('2026-02-10T12:00:00Z');
const ROOT = path.resolve(__dirname, '../../..');

/** January 2026 of a program in Berlin, with events placed to show each definition. */
function januaryLedger(): Ledger {
  const spring = buildProgram({ id: 'spring', name: 'Spring referrals' });
  const autumn = buildProgram({ id: 'autumn', name: 'Autumn referrals' });
  const ann = buildEnrolment({ program_id: 'spring', contact_id: '101', code: 'ANN23456', created_at: at('2025-12-31T23:30:00Z') });
  const bob = buildEnrolment({ program_id: 'spring', contact_id: '102', code: 'BOB23456', created_at: at('2026-01-20T10:00:00Z') });
  const other = buildEnrolment({ program_id: 'autumn', contact_id: '103', code: 'CAT23456', created_at: at('2026-01-05T10:00:00Z') });
  const referral = (enrolment: typeof ann, overrides: Partial<ReferralRow>) =>
    buildReferral({ referrer_contact_id: enrolment.contact_id, ...overrides, program_id: enrolment.program_id, enrolment_id: enrolment.id! });
  const referrals = [
    // Captured in December, qualified in January: counts as qualified in January, not in its cohort.
    referral(ann, { id: 'r1', status: 'qualified', captured_at: at('2025-12-20T10:00:00Z'), qualified_at: at('2026-01-02T10:00:00Z') }),
    referral(ann, { id: 'r2', status: 'qualified', captured_at: at('2026-01-03T10:00:00Z'), qualified_at: at('2026-01-05T10:00:00Z') }),
    referral(ann, { id: 'r3', status: 'qualified', captured_at: at('2026-01-10T10:00:00Z'), qualified_at: at('2026-02-03T10:00:00Z') }),
    referral(bob, { id: 'r4', status: 'qualified', captured_at: at('2026-01-21T10:00:00Z'), qualified_at: at('2026-01-25T10:00:00Z') }),
    referral(bob, { id: 'r5', status: 'rejected', reason: 'self_referral', captured_at: at('2026-01-22T10:00:00Z'), decided_at: at('2026-01-23T10:00:00Z') }),
    referral(bob, { id: 'r6', status: 'captured', captured_at: at('2026-01-31T22:59:00Z') }), // 23:59 in Berlin
    referral(bob, { id: 'r7', status: 'captured', captured_at: at('2026-01-31T23:30:00Z') }), // February in Berlin
    referral(other, { id: 'r8', status: 'qualified', captured_at: at('2026-01-06T10:00:00Z'), qualified_at: at('2026-01-07T10:00:00Z') }),
  ];
  const reward = (referralId: string, overrides: Omit<Parameters<typeof buildReward>[0], 'program_id' | 'referral_id'>) =>
    buildReward({ program_id: referralId === 'r8' ? 'autumn' : 'spring', referral_id: referralId, ...overrides });
  const rewards = [
    reward('r1', { status: 'issued', amount: 5000, currency: 'USD', issued_at: at('2026-01-09T10:00:00Z') }),
    reward('r2', { status: 'issued', amount: 2500, currency: 'EUR', issued_at: at('2026-01-12T10:00:00Z') }),
    reward('r2', { recipient: 'friend', status: 'issued', amount: 1000, currency: 'EUR', issued_at: at('2026-01-13T10:00:00Z') }),
    reward('r4', { status: 'pending_review', created_at: at('2026-01-25T10:00:00Z') }),
    reward('r3', { status: 'pending_review', created_at: at('2026-02-03T10:00:00Z') }),
    reward('r8', { status: 'issued', amount: 700, currency: 'USD', issued_at: at('2026-01-08T10:00:00Z') }),
    // Approved in January, not yet paid out: part of January's reward cost.
    reward('r1', { recipient: 'friend', status: 'approved', amount: 1000, currency: 'USD', created_at: at('2026-01-28T10:00:00Z') }),
  ];
  const deal = (referralId: string, overrides: Partial<Parameters<typeof buildReferredDeal>[0]>) =>
    buildReferredDeal({ program_id: referralId === 'r8' ? 'autumn' : 'spring', referral_id: referralId, ...overrides });
  const referredDeals = [
    deal('r2', { amount: 1_200_000, currency: 'EUR', won_at: at('2026-01-15T12:00:00Z') }),
    deal('r4', { amount: 300_000, currency: 'USD', won_at: at('2026-01-31T22:30:00Z') }), // 23:30 in Berlin
    deal('r1', { amount: 999_900, currency: 'USD', won_at: at('2026-01-31T23:30:00Z') }), // February in Berlin
    deal('r3', { amount: null, currency: 'EUR', won_at: at('2026-01-20T12:00:00Z') }), // no amount in HubSpot yet
    deal('r8', { amount: 50_000, currency: 'USD', won_at: at('2026-01-09T12:00:00Z') }), // the other program
  ];
  const clicks = [
    buildClick({ program_id: 'spring', enrolment_id: ann.id!, code: ann.code, at: at('2026-01-02T08:00:00Z') }),
    buildClick({ program_id: 'spring', enrolment_id: ann.id!, code: ann.code, at: at('2026-01-02T09:00:00Z') }),
    buildClick({ program_id: null, code: 'NOSUCH22', at: at('2026-01-02T09:00:00Z') }),
  ];
  return { programs: [spring, autumn], enrolments: [ann, bob, other], referrals, rewards, clicks, referredDeals };
}

describe.each(dialects)('funnel report API on %s', (dialect) => {
  let database: TestDatabase;
  let app: express.Express;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    await insertLedger(database.db, januaryLedger());
    app = express();
    app.use('/api', reportRoutes({ database, clock: () => NOW }));
    app.use(notFoundHandler);
    app.use(errorHandler(pino({ level: 'silent' })));
  });
  afterAll(() => database.drop());

  const january = { program: 'spring', from: '2026-01-01', to: '2026-02-01', tz: 'Europe/Berlin', interval: 'week' };

  it('reports a month of one program in its time zone', async () => {
    const res = await request(app).get('/api/reports/funnel').query(january).expect(200);
    expect(res.body.program).toEqual({ id: 'spring', name: 'Spring referrals' });
    expect(res.body.period).toEqual({
      from: '2026-01-01', to: '2026-02-01', tz: 'Europe/Berlin', interval: 'week',
      start: '2025-12-31T23:00:00.000Z', end: '2026-01-31T23:00:00.000Z',
    });
    expect(res.body.totals).toEqual({
      enrolments: 2, // Ann enrolled at 00:30 on New Year's Day in Berlin
      clicks: 2, // the click on an unknown code belongs to no program
      referredLeads: 5, // r2..r6; r7 is February in Berlin
      referredLeadsQualified: 3, // r2, r3 (qualified in February, still in January's cohort), r4
      qualificationRate: 3 / 5,
      qualifiedReferrals: 3, // r1, r2, r4 by date of qualification
      medianTimeToQualifyMs: 4 * DAY, // 13 days, 2 days, 4 days
      rewardsIssued: 3,
      rewardsIssuedByCurrency: [{ currency: 'EUR', count: 2, amount: 3500 }, { currency: 'USD', count: 1, amount: 5000 }],
      rewardsAwaitingReview: { count: 2, oldestCreatedAt: '2026-01-25T10:00:00.000Z', oldestAgeMs: 16 * DAY + 2 * HOUR },
      rejections: [{ reason: 'self_referral', count: 1 }],
      topReferrers: [{ contactId: '101', qualified: 2 }, { contactId: '102', qualified: 1 }],
      returns: [
        {
          currency: 'EUR', referredRevenue: 1_200_000, wonDeals: 1, rewardCostIssued: 3500, rewardCostApproved: 0, rewardCost: 3500,
          costPerQualifiedReferral: 1167, revenuePerRewardDollar: 1_200_000 / 3500,
        },
        {
          currency: 'USD', referredRevenue: 300_000, wonDeals: 1, rewardCostIssued: 5000, rewardCostApproved: 1000, rewardCost: 6000,
          costPerQualifiedReferral: 2000, revenuePerRewardDollar: 50,
        },
      ],
    });
    expect(res.body.series.map((b: { date: string; referredLeads: number }) => [b.date, b.referredLeads])).toEqual([
      ['2026-01-01', 1], ['2026-01-05', 1], ['2026-01-12', 0], ['2026-01-19', 2], ['2026-01-26', 1],
    ]);
  });

  it('adds up all programs when none is named', async () => {
    const res = await request(app).get('/api/reports/funnel').query({ ...january, program: '' }).expect(200);
    expect(res.body.program).toBeNull();
    expect(res.body.totals).toMatchObject({ enrolments: 3, referredLeads: 6, qualifiedReferrals: 4, rewardsIssued: 4 });
    expect(res.body.totals.rewardsIssuedByCurrency).toContainEqual({ currency: 'USD', count: 2, amount: 5700 });
  });

  it('exports the series as CSV, one row per bucket', async () => {
    const res = await request(app).get('/api/reports/funnel.csv').query(january).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain('funnel-spring-2026-01-01-2026-02-01-week.csv');
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'date,start,end,enrolments,clicks,referred_leads,referred_leads_qualified,qualification_rate,qualified_referrals,rewards_issued',
    );
    expect(lines).toHaveLength(6);
    expect(lines[1]).toBe('2026-01-01,2025-12-31T23:00:00.000Z,2026-01-04T23:00:00.000Z,1,2,1,1,1.0000,1,0');
    expect(lines[3]).toBe('2026-01-12,2026-01-11T23:00:00.000Z,2026-01-18T23:00:00.000Z,0,0,0,0,,0,2');
  });

  it('exports revenue and reward cost as CSV, one row per currency', async () => {
    const res = await request(app).get('/api/reports/returns.csv').query(january).expect(200);
    expect(res.headers['content-disposition']).toContain('returns-spring-2026-01-01-2026-02-01.csv');
    expect(res.text.trimEnd().split('\r\n')).toEqual([
      'currency,referred_revenue,won_deals,reward_cost_issued,reward_cost_approved,reward_cost,qualified_referrals,cost_per_qualified_referral,revenue_per_reward_dollar',
      'EUR,12000.00,1,35.00,0.00,35.00,3,11.67,342.8571',
      'USD,3000.00,1,50.00,10.00,60.00,3,20.00,50.0000',
    ]);
    const usd = await request(app).get('/api/reports/returns.csv').query({ ...january, currency: 'GBP' }).expect(200);
    expect(usd.text.trimEnd().split('\r\n')[1]).toBe('GBP,0.00,0,0.00,0.00,0.00,3,0.00,');
  });

  it.each([
    [{ from: '2026-02-01', to: '2026-01-01' }, 'from'],
    [{ from: '2026-01-01', to: '2026-02-01', tz: 'Europe/Atlantis' }, 'tz'],
    [{ from: '2025-01-01', to: '2026-02-01' }, 'to'],
    [{ from: '2026-01-01', to: '2026-02-01', interval: 'hour' }, 'interval'],
  ])('answers 400 naming the bad parameter for %j', async (query, parameter) => {
    for (const url of ['/api/reports/funnel', '/api/reports/funnel.csv']) {
      const res = await request(app).get(url).query(query).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.message).toMatch(new RegExp(`^Invalid report parameters: ${parameter}: `));
    }
  });

  it('answers 404 for a program that does not exist', async () => {
    const res = await request(app).get('/api/reports/funnel').query({ ...january, program: 'winter' }).expect(404);
    expect(res.body.error.message).toBe('No program with id "winter"');
  });

  it('prints the same report from the command line', async () => {
    const run = promisify(execFile);
    const args = ['--program', 'spring', '--from', '2026-01-01', '--to', '2026-02-01', '--interval', 'week', '--tz', 'Europe/Berlin'];
    // The test databases have no password, so the description is a usable URL.
    const env = { ...process.env, DATABASE_URL: database.description };
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const json = await run(tsx, ['server/cli/report.ts', ...args, '--json'], { cwd: ROOT, env });
    const api = await request(app).get('/api/reports/funnel').query(january).expect(200);
    const withoutClock = (r: { generatedAt?: string; totals: { rewardsAwaitingReview: { oldestAgeMs?: number } } }) => {
      const { generatedAt: _g, ...rest } = r;
      return { ...rest, totals: { ...rest.totals, rewardsAwaitingReview: { ...rest.totals.rewardsAwaitingReview, oldestAgeMs: 0 } } };
    };
    expect(withoutClock(JSON.parse(json.stdout))).toEqual(withoutClock(api.body));

    const text = await run(tsx, ['server/cli/report.ts', ...args], { cwd: ROOT, env });
    expect(text.stdout).toContain('Funnel report: Spring referrals (spring), 2026-01-01 to 2026-02-01 (exclusive), Europe/Berlin, weekly');
    expect(text.stdout).toMatch(/Qualification rate\s+60\.0% \(3 of 5 referred leads qualified so far\)/);
    expect(text.stdout).toMatch(/Rewards issued\s+3 {2}€35\.00 {2}\$50\.00/);
    expect(text.stdout).toMatch(/^2026-01-19\s+1\s+0\s+2\s+1\s+0\s+50\.0%$/m);
    expect(text.stdout).toMatch(/Referred revenue\s+€12,000\.00 \(1 won deal\) {2}\$3,000\.00 \(1 won deal\)/);
    expect(text.stdout).toMatch(/Revenue per reward dollar\s+342\.86 \(EUR\) {2}50\.00 \(USD\)/);
    const eur = await run(tsx, ['server/cli/report.ts', ...args, '--currency', 'EUR'], { cwd: ROOT, env });
    expect(eur.stdout).toMatch(/Cost per qualified referral\s+€11\.67$/m);

    // A repair by hand in hours already rolled up: the rebuilt rollup follows it.
    expect(api.body.totals.clicks).toBeGreaterThan(0);
    await database.db.deleteFrom('clicks').execute();
    const rebuilt = await run(tsx, ['server/cli/report.ts', ...args, '--json', '--rebuild-rollup'], { cwd: ROOT, env });
    expect(JSON.parse(rebuilt.stdout).totals.clicks).toBe(0);

    await expect(run(tsx, ['server/cli/report.ts', '--from', '2026-01-01', '--to', '2026-01-01'], { cwd: ROOT, env }))
      .rejects.toMatchObject({ stderr: expect.stringContaining('Invalid report parameters: from: must be before to') });
  });
});
