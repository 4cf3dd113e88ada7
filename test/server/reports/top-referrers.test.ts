import { funnelReport } from '../../../server/reports/funnel-report';
import type { FunnelQuery } from '../../../server/reports/funnel-query';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { buildEnrolment, buildProgram, buildReferral, clearLedger, insertLedger, type ReferralRow } from './ledger-factories';

const at = (iso: string) => Date.parse(iso);
const march: FunnelQuery = { program: 'spring', from: '2026-03-01', to: '2026-04-01', interval: 'week', tz: 'UTC' };
const now = at('2026-05-01T00:00:00Z');

/**
 * Eight referrers with three qualified referrals in March; contacts 8 and 9 have two in March and
 * one in January (three all-time), contacts 10 and 11 two in March only. Ninth and tenth place are a
 * four-way tie at two that 10 and 11 win by id, though the search meets them after 8 and 9 (all-time
 * 3 before 2), and meets 11 only after its bound has fallen to the tenth count.
 */
function ledger() {
  const program = buildProgram({ id: 'spring' });
  const referrals: ReferralRow[] = [];
  const qualified = (enrolmentId: string, contactId: string, day: string) =>
    referrals.push(buildReferral({
      program_id: 'spring', enrolment_id: enrolmentId, referrer_contact_id: contactId, status: 'qualified',
      captured_at: at(`${day}T08:00:00Z`), qualified_at: at(`${day}T10:00:00Z`), decided_at: at(`${day}T10:00:00Z`),
    }));
  const contacts = ['21', '22', '23', '24', '25', '26', '27', '28', '8', '9', '10', '11'];
  const enrolments = contacts.map((contact_id) => buildEnrolment({ program_id: 'spring', contact_id }));
  enrolments.forEach((e, i) => {
    const inMarch = i < 8 ? 3 : 2;
    for (let k = 0; k < inMarch; k++) qualified(e.id!, e.contact_id, `2026-03-${String(10 + k).padStart(2, '0')}`);
  });
  qualified(enrolments[8]!.id!, '8', '2026-01-15');
  qualified(enrolments[9]!.id!, '9', '2026-01-15');
  return { programs: [program], enrolments, referrals, rewards: [], clicks: [] };
}

describe.each(dialects)('top referrers on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    await clearLedger(database.db);
    await insertLedger(database.db, ledger());
  });
  afterAll(() => database.drop());

  const expected = [
    ...['21', '22', '23', '24', '25', '26', '27', '28'].map((contactId) => ({ contactId, qualified: 3 })),
    { contactId: '10', qualified: 2 },
    { contactId: '11', qualified: 2 },
  ];

  it('breaks a tie for tenth place by contact id when grouping the period', async () => {
    expect((await funnelReport(database.db, march, now)).totals.topReferrers).toEqual(expected);
  });

  it('finds the same ten when searching by all-time counts, one candidate at a time', async () => {
    const report = await funnelReport(database.db, march, now, { topReferrers: { groupUpTo: 0, page: 1, candidates: Infinity } });
    expect(report.totals.topReferrers).toEqual(expected);
  });

  it('groups instead when more referrers reach the tenth count than the search may look at', async () => {
    const report = await funnelReport(database.db, march, now, { topReferrers: { groupUpTo: 0, page: 1, candidates: 3 } });
    expect(report.totals.topReferrers).toEqual(expected);
  });
});
