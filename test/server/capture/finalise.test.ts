import pino from 'pino';
import { claimReferral, RECOVER_CLAIM_JOB, type ClaimRow } from '../../../server/capture/claim';
import { finaliseReferral } from '../../../server/capture/finalise';
import type { EnrolmentRow } from '../../../server/enrolment/repository';
import type { Program } from '../../../src/app/packages/domain/program';
import { dialects, type TestDatabase } from '../../support/databases';
import { ledgerWithReferrer, validSubmission } from './fixtures';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const PUBLIC = { type: 'public' as const, id: null };

describe.each(dialects)('finalising a referral on %s', (dialect) => {
  let database: TestDatabase;
  let now: number;
  let program: Program;
  let enrolment: EnrolmentRow;
  const deps = () => ({ database, clock: () => now, logger: pino({ level: 'silent' }) });
  async function claim(email: string): Promise<ClaimRow> {
    return ((await claimReferral(deps(), validSubmission(email, { program, enrolment }))) as { claim: ClaimRow }).claim;
  }
  const table = (name: 'referrals' | 'referral_claims') => database.db.selectFrom(name).selectAll().execute();
  /** The referral's audit trail (the program's own creation is audited too). */
  const referralAudit = () => database.db.selectFrom('audit_events').selectAll().where('entity', '=', 'referral').execute();

  beforeEach(async () => {
    now = T0;
    ({ database, program, enrolment } = await ledgerWithReferrer(dialect, now));
  });
  afterEach(() => database.drop());

  it('turns the claim into the referral with its capture time, audit event and the referrer and flagged friend refresh; the claim and its job end', async () => {
    const c = await claim('tom@example.com');
    now += 3_000;
    const done = await finaliseReferral(deps(), c, { id: '303', existing: true }, PUBLIC);
    expect(done).toEqual({ duplicate: false, referral: expect.objectContaining({
      id: c.id, referred_contact_id: '303', flags: '["existing_contact"]', status: 'captured', captured_at: T0,
    }) });
    expect(await table('referral_claims')).toEqual([]);
    expect(await referralAudit()).toEqual([expect.objectContaining({ entity_id: c.id, to_status: 'captured', actor_type: 'public', at: now })]);
    const jobs = await database.db.selectFrom('jobs').select(['kind', 'payload']).execute();
    // The friend is flagged (existing_contact): their referral_flags property is written too.
    expect(jobs).toEqual([
      { kind: 'hubspot.sync-contact', payload: JSON.stringify({ contactId: '101' }) },
      { kind: 'hubspot.sync-contact', payload: JSON.stringify({ contactId: '303' }) },
    ]);
    expect(jobs.some((j) => j.kind === RECOVER_CLAIM_JOB)).toBe(false);
  });

  it('a second finaliser of the same claim records nothing more', async () => {
    const c = await claim('uma@example.com');
    await finaliseReferral(deps(), c, { id: '404', existing: false }, PUBLIC);
    const again = await finaliseReferral(deps(), c, { id: '404', existing: false }, { type: 'system', id: null });
    expect(again).toEqual({ duplicate: true, referral: expect.objectContaining({ id: c.id }) });
    expect(await table('referrals')).toHaveLength(1);
    expect(await referralAudit()).toHaveLength(1);
  });

  it('the same contact under another address is a duplicate of its referral', async () => {
    const first = await claim('vic@example.com');
    await finaliseReferral(deps(), first, { id: '505', existing: false }, PUBLIC);
    const other = await claim('victor@example.com');
    const done = await finaliseReferral(deps(), other, { id: '505', existing: true }, PUBLIC);
    expect(done).toEqual({ duplicate: true, referral: expect.objectContaining({ id: first.id }) });
    expect(await table('referrals')).toHaveLength(1);
    expect(await table('referral_claims')).toEqual([]);
  });
});
