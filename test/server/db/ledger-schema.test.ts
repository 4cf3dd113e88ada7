import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';

const now = 1_764_000_000_000;
// better-sqlite3's native addon keeps the error class of the first test file a Jest worker loaded it
// in, so errors from it fail `instanceof Error` in later files: match on the message instead.
const uniqueViolation = { message: expect.stringMatching(/unique|duplicate key/i) };

describe.each(dialects)('ledger schema on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    await database.db
      .insertInto('programs')
      .values({ id: 'spring', name: 'Spring', status: 'active', config: '{}', created_at: now, updated_at: now })
      .execute();
  });
  afterEach(() => database.drop());

  const enrolment = (id: string, contact: string, code: string) => ({
    id, program_id: 'spring', contact_id: contact, code, link: `https://x/r/${code}`,
    status: 'active' as const, source: 'bulk' as const, created_at: now, updated_at: now,
  });

  it('gives one code to one enrolment and one enrolment per contact and program', async () => {
    await database.db.insertInto('enrolments').values(enrolment('e1', '101', 'ABCD2345')).execute();
    await expect(database.db.insertInto('enrolments').values(enrolment('e2', '102', 'ABCD2345')).execute()).rejects.toMatchObject(uniqueViolation);
    await expect(database.db.insertInto('enrolments').values(enrolment('e3', '101', 'WXYZ6789')).execute()).rejects.toMatchObject(uniqueViolation);
  });

  it('keeps one reward per idempotency key and one decision per callback', async () => {
    await database.db.insertInto('enrolments').values(enrolment('e1', '101', 'ABCD2345')).execute();
    await database.db.insertInto('referrals').values({
      id: 'r1', program_id: 'spring', enrolment_id: 'e1', referrer_contact_id: '101', referred_contact_id: '201',
      email: 'a@b.org', email_normalised: 'a@b.org', source: 'form', flags: '[]', status: 'captured',
      reason: null, evidence: null, deal_id: null, captured_at: now, qualified_at: null, decided_at: null,
    }).execute();
    const reward = (id: string) => ({
      id, program_id: 'spring', referral_id: 'r1', recipient: 'referrer' as const, recipient_contact_id: '101',
      kind: 'cash', amount: 5000, currency: 'USD', status: 'approved' as const, idempotency_key: 'spring:r1:referrer',
      review_reasons: '[]', hold_until: null, fulfilment_ref: null, callback_id: null, created_at: now, updated_at: now, issued_at: null,
    });
    await database.db.insertInto('rewards').values(reward('w1')).execute();
    await expect(database.db.insertInto('rewards').values(reward('w2')).execute()).rejects.toMatchObject(uniqueViolation);

    const decision = { callback_id: 'ap-1-2-3-0', action: 'qualify-referral', program_id: 'spring', object_type: 'CONTACT',
      object_id: '201', execution_state: 'SUCCESS', response: '{}', completed_at: null, created_at: now };
    await database.db.insertInto('action_decisions').values(decision).execute();
    await expect(database.db.insertInto('action_decisions').values(decision).execute()).rejects.toMatchObject(uniqueViolation);

    const amounts = await database.db.selectFrom('rewards').select(['amount', 'created_at']).execute();
    expect(amounts).toEqual([{ amount: 5000, created_at: now }]);
  });
});
