import { funnelReport } from '../../../server/reports/funnel-report';
import type { FunnelQuery } from '../../../server/reports/funnel-query';
import { resetRollup, rolledUpUntil } from '../../../server/reports/report-rollup';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { buildClick, buildEnrolment, buildProgram, buildReferral, clearLedger, insertLedger } from './ledger-factories';

const DAY = 86_400_000;
const at = (iso: string) => Date.parse(iso);
const march: FunnelQuery = { program: 'spring', from: '2026-03-01', to: '2026-04-01', interval: 'week', tz: 'UTC' };

describe.each(dialects)('report rollup on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.drop());
  beforeEach(async () => {
    await clearLedger(database.db);
    const ann = buildEnrolment({ id: 'ann', program_id: 'spring', created_at: at('2026-03-02T10:00:00Z') });
    await insertLedger(database.db, {
      programs: [buildProgram({ id: 'spring' })],
      enrolments: [ann],
      referrals: [
        buildReferral({ id: 'r1', program_id: 'spring', enrolment_id: 'ann', status: 'qualified', captured_at: at('2026-03-03T10:00:00Z'), qualified_at: at('2026-03-05T10:00:00Z'), decided_at: at('2026-03-05T10:00:00Z') }),
      ],
      rewards: [],
      clicks: [buildClick({ program_id: 'spring', at: at('2026-03-03T09:00:00Z') })],
    });
  });

  it('rolls up slots an hour after they end, and reads the ones after that from the ledger', async () => {
    const now = at('2026-03-20T12:07:00Z');
    const report = await funnelReport(database.db, march, now);
    expect(await rolledUpUntil(database.db)).toBe(at('2026-03-20T11:00:00Z'));
    // A click within the last hour counts at once, though its slot is not rolled up yet.
    await insertLedger(database.db, { programs: [], enrolments: [], referrals: [], rewards: [], clicks: [buildClick({ program_id: 'spring', at: now - 1000 })] });
    const later = await funnelReport(database.db, march, now);
    expect(later.totals.clicks).toBe(report.totals.clicks + 1);
  });

  it('follows a referral rejected after its slots were rolled up', async () => {
    const now = at('2026-04-10T00:00:00Z');
    expect((await funnelReport(database.db, march, now)).totals).toMatchObject({ qualifiedReferrals: 1, qualificationRate: 1, referredLeads: 1 });
    await database.db.updateTable('referrals').set({ status: 'rejected', reason: 'reviewer', decided_at: now }).where('id', '=', 'r1').execute();
    expect((await funnelReport(database.db, march, now + DAY)).totals).toMatchObject({
      qualifiedReferrals: 0, qualificationRate: 0, referredLeads: 1, medianTimeToQualifyMs: null, topReferrers: [],
    });
  });

  it('serves settled counts from the rollup until it is reset after a repair by hand', async () => {
    const now = at('2026-04-10T00:00:00Z');
    expect((await funnelReport(database.db, march, now)).totals.clicks).toBe(1);
    await database.db.deleteFrom('clicks').execute();
    expect((await funnelReport(database.db, march, now)).totals.clicks).toBe(1);
    await resetRollup(database.db);
    expect((await funnelReport(database.db, march, now)).totals.clicks).toBe(0);
  });
});
