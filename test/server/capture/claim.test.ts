import { CLAIM_LEASE_MS, claimReferral, failedForGood, RECOVER_CLAIM_JOB, releaseClaim, takeLease } from '../../../server/capture/claim';
import { migrateToLatest } from '../../../server/db/database';
import { AppError } from '../../../server/errors';
import { HubSpotCallFailed } from '../../../server/hubspot/gateway';
import type { EnrolmentRow } from '../../../server/enrolment/repository';
import type { Program } from '../../../src/app/packages/domain/program';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { buildProgram } from '../../support/harness';
import { insertEnrolment } from '../../support/ledger';
import { ledgerWithReferrer, validSubmission } from './fixtures';

const T0 = Date.parse('2026-05-01T10:00:00Z');

describe.each(dialects)('claiming a referral on %s', (dialect) => {
  let database: TestDatabase;
  let now: number;
  let program: Program;
  let enrolment: EnrolmentRow;
  const deps = () => ({ database, clock: () => now });
  const submission = (email: string) => validSubmission(email, { program, enrolment });
  const jobs = () => database.db.selectFrom('jobs').selectAll().where('kind', '=', RECOVER_CLAIM_JOB).execute();

  beforeEach(async () => {
    now = T0;
    ({ database, program, enrolment } = await ledgerWithReferrer(dialect, now));
  });
  afterEach(() => database.drop());

  it('claims the person with its recovery job, due when the lease ends', async () => {
    const outcome = await claimReferral(deps(), submission('Olga@example.com'));
    expect(outcome).toEqual({ kind: 'claimed', claim: expect.objectContaining({ email: 'Olga@example.com', email_normalised: 'olga@example.com', captured_at: T0, claimed_at: T0 }) });
    const claim = (outcome as { claim: { id: string } }).claim;
    expect(await jobs()).toEqual([expect.objectContaining({ status: 'pending', run_at: T0 + CLAIM_LEASE_MS, payload: JSON.stringify({ claimId: claim.id }) })]);
    expect(await database.db.selectFrom('referrals').selectAll().execute()).toEqual([]);
  });

  it('a second submission while the lease lasts is busy; after it, takes the claim over', async () => {
    const first = await claimReferral(deps(), submission('pia@example.com'));
    now += CLAIM_LEASE_MS - 1;
    expect(await claimReferral(deps(), submission('PIA@example.com'))).toEqual({ kind: 'busy' });
    now += 1;
    const second = await claimReferral(deps(), submission('pia@example.com'));
    expect(second).toEqual({ kind: 'claimed', claim: { ...(first as { claim: object }).claim, claimed_at: now } });
    expect(await database.db.selectFrom('referral_claims').selectAll().execute()).toHaveLength(1);
  });

  it('of many takeovers at once, exactly one gets the claim', async () => {
    const first = await claimReferral(deps(), submission('quinn@example.com'));
    const claim = (first as { claim: Parameters<typeof takeLease>[1] }).claim;
    now += CLAIM_LEASE_MS;
    const taken = await Promise.all(Array.from({ length: 8 }, () => takeLease(deps(), claim)));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });

  it('a referred person is not claimed again', async () => {
    await database.db.insertInto('referrals').values({
      id: 'ref_1', program_id: program.id, enrolment_id: 'enr_1', referrer_contact_id: '101', referred_contact_id: '202',
      email: 'rae@example.com', email_normalised: 'rae@example.com', source: 'api', flags: '[]', status: 'captured',
      reason: null, evidence: null, deal_id: null, captured_at: T0, qualified_at: null, decided_at: null,
    }).execute();
    expect(await claimReferral(deps(), submission('Rae@example.com'))).toEqual({ kind: 'referred', referral: expect.objectContaining({ id: 'ref_1' }) });
    expect(await database.db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);
  });

  it('releasing ends the claim and its job, but leaves a job a worker is running to finish itself', async () => {
    const a = await claimReferral(deps(), submission('sam@example.com'));
    const b = await claimReferral(deps(), submission('sue@example.com'));
    const [idA, idB] = [a, b].map((o) => (o as { claim: { id: string } }).claim.id);
    await database.db.updateTable('jobs').set({ locked_by: 'worker-x', locked_until: now + 60_000 })
      .where('dedupe_key', '=', `${RECOVER_CLAIM_JOB}:${idB}`).execute();
    await releaseClaim(database.db, idA!);
    await releaseClaim(database.db, idB!);
    expect(await database.db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);
    expect((await jobs()).map((j) => j.dedupe_key)).toEqual([`${RECOVER_CLAIM_JOB}:${idB}`]);
  });
});

describe('which failures release a claim', () => {
  it.each([
    ['a refused submission', new AppError('VALIDATION_FAILED', 'Self-referral'), true],
    ['HubSpot refusing the contact', new HubSpotCallFailed('create failed', 400, 1, undefined), true],
    ['HubSpot rate limiting', new HubSpotCallFailed('create failed', 429, 3, undefined), false],
    ['HubSpot down', new HubSpotCallFailed('create failed', 503, 3, undefined), false],
    ['HubSpot unreachable', new HubSpotCallFailed('create failed', undefined, 3, undefined), false],
    ['a service error', new AppError('UNAVAILABLE', 'label missing'), false],
    ['a database error', new Error('connection terminated'), false],
  ])('%s', (_what, err, released) => {
    expect(failedForGood(err)).toBe(released);
  });
});

describe.each(dialects)('the referral claims migration (011) on %s', (dialect) => {
  it('moves the claims an older version left among referrals, each with its recovery job', async () => {
    const database = await createTestDatabase(dialect, undefined, '008-cap-indexes');
    try {
      // Stored as that version stored it: the programs table is all it had of a program.
      await database.db.insertInto('programs').values({ id: 'spring', name: 'Spring referrals', status: 'draft', config: JSON.stringify(buildProgram()), created_at: T0, updated_at: T0 }).execute();
      await insertEnrolment(database.db, { id: 'enr_1', programId: 'spring', contactId: '101', code: 'ANNA2345', now: T0 });
      const row = (id: string, contact: string) => ({
        id, program_id: 'spring', enrolment_id: 'enr_1', referrer_contact_id: '101', referred_contact_id: contact,
        email: `${id}@example.com`, email_normalised: `${id}@example.com`, source: 'api', flags: '[]', status: 'captured' as const,
        reason: null, evidence: null, deal_id: null, captured_at: T0, qualified_at: null, decided_at: null,
      });
      await database.db.insertInto('referrals').values([row('ref_done', '202'), row('ref_stuck', 'pending:ref_stuck')]).execute();
      await migrateToLatest(database);

      expect((await database.db.selectFrom('referrals').select('id').execute()).map((r) => r.id)).toEqual(['ref_done']);
      expect(await database.db.selectFrom('referral_claims').selectAll().execute()).toEqual([expect.objectContaining({
        id: 'ref_stuck', email_normalised: 'ref_stuck@example.com', captured_at: T0, claimed_at: T0,
      })]);
      const jobs = await database.db.selectFrom('jobs').selectAll().execute();
      expect(jobs).toEqual([expect.objectContaining({ kind: RECOVER_CLAIM_JOB, status: 'pending', run_at: T0 })]);
      expect(JSON.parse(jobs[0]!.payload)).toEqual({ claimId: 'ref_stuck' });
    } finally {
      await database.drop();
    }
  });
});
