import request from 'supertest';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { buildEnrolment, buildReferral, buildReward } from '../reports/ledger-factories';

const T0 = Date.UTC(2026, 2, 1);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function story(h: Harness, contactId: string) {
  return request(h.url).get(`/api/contacts/${contactId}/story`).set('authorization', `Bearer ${TEST_ADMIN_KEY}`);
}

describe.each(dialects)('GET /api/contacts/:contactId/story on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect, setUp: false });
  });
  afterAll(() => h.close());

  it("tells a referrer's story: enrolment with counts and earnings, latest referrals, who referred them, rewards on both sides", async () => {
    await createProgram(h, { id: 'spring', name: 'Spring referrals' });
    await createProgram(h, { id: 'autumn', name: 'Autumn referrals' });
    await createProgram(h, { id: 'draft', name: 'Not yet', status: 'draft' });
    await createProgram(h, { id: 'invite-only', name: 'Invite only', enrolment: { allowManual: false } });
    const db = h.service.ctx.database.db;

    const rita = '100';
    const mine = buildEnrolment({ program_id: 'spring', contact_id: rita, code: 'RITA7K2Q', created_at: T0 });
    const theirs = buildEnrolment({ program_id: 'spring', contact_id: '700', code: 'OSCAR9PX' });
    const theirsInAutumn = buildEnrolment({ program_id: 'autumn', contact_id: '700', code: 'OSCAR4MN' });
    await db.insertInto('enrolments').values([mine, theirs, theirsInAutumn]).execute();

    // Twelve referrals, one an hour; the 2nd and 5th qualified.
    const referrals = Array.from({ length: 12 }, (_, i) =>
      buildReferral({
        program_id: 'spring', enrolment_id: mine.id, referrer_contact_id: rita, referred_contact_id: String(900 + i),
        captured_at: T0 + i * HOUR, ...(i === 1 || i === 4 ? { status: 'qualified' as const, qualified_at: T0 + 20 * HOUR } : {}),
      }),
    );
    const referredBy = buildReferral({
      program_id: 'spring', enrolment_id: theirs.id, referrer_contact_id: '700', referred_contact_id: rita,
      status: 'qualified', reason: 'Lifecycle stage reached customer', evidence: JSON.stringify({ lifecyclestage: 'customer' }),
      flags: JSON.stringify(['existing_contact']), flag_reasons: JSON.stringify({ existing_contact: 'Friend already existed in HubSpot before the referral' }),
      captured_at: T0 - 90 * 24 * HOUR, qualified_at: T0 - 60 * 24 * HOUR,
    });
    // Referred again later in another program: the first referral keeps the attribution.
    const later = buildReferral({ program_id: 'autumn', enrolment_id: theirsInAutumn.id, referrer_contact_id: '700', referred_contact_id: rita, captured_at: T0 });
    await db.insertInto('referrals').values([...referrals, referredBy, later]).execute();

    const [r1, r4, r7] = [referrals[1]!, referrals[4]!, referrals[7]!];
    const earned = buildReward({ program_id: 'spring', referral_id: r1.id, recipient_contact_id: rita, amount: 5000, status: 'approved', created_at: T0 + 21 * HOUR });
    const issued = buildReward({ program_id: 'spring', referral_id: r4.id, recipient_contact_id: rita, amount: 2500, status: 'issued', created_at: T0 + 22 * HOUR });
    const friendSide = buildReward({ program_id: 'spring', referral_id: r4.id, recipient: 'friend', recipient_contact_id: '904', amount: 1000, status: 'held', hold_until: T0 + 30 * 24 * HOUR, created_at: T0 + 22 * HOUR });
    const waiting = buildReward({
      program_id: 'spring', referral_id: r7.id, recipient_contact_id: rita, amount: 9000, status: 'pending_review', created_at: T0 + 23 * HOUR,
      review_reasons: JSON.stringify([{ code: 'amount', message: 'Amount above 50.00 needs review' }]),
    });
    const canceled = buildReward({ program_id: 'spring', referral_id: referrals[8]!.id, recipient_contact_id: rita, amount: 4000, status: 'canceled', created_at: T0 + 24 * HOUR });
    const asFriend = buildReward({ program_id: 'spring', referral_id: referredBy.id, recipient: 'friend', recipient_contact_id: rita, amount: 1500, currency: 'EUR', status: 'issued', created_at: T0 - 59 * 24 * HOUR });
    await db.insertInto('rewards').values([earned, issued, friendSide, waiting, canceled, asFriend]).execute();

    const res = await story(h, rita);

    expect(res.status).toBe(200);
    expect(res.body.contactId).toBe(rita);
    expect(res.body.enrolments).toEqual([
      {
        programId: 'spring', programName: 'Spring referrals', code: 'RITA7K2Q', link: mine.link, status: 'active', createdAt: iso(T0),
        counts: { referred: 12, qualified: 2, rewarded: 2 },
        // Approved and issued only: what waits for review, or was canceled, is not earned; the friend-side EUR reward is not hers as referrer.
        rewardsTotal: [{ currency: 'USD', amount: 7500 }],
      },
    ]);
    expect(res.body.referrals).toHaveLength(10);
    expect(res.body.referrals.map((r: { referredContactId: string }) => r.referredContactId)).toEqual(['911', '910', '909', '908', '907', '906', '905', '904', '903', '902']);
    expect(res.body.referrals[7]).toEqual({
      id: r4.id, programId: 'spring', referredContactId: '904', email: r4.email, status: 'qualified',
      capturedAt: iso(T0 + 4 * HOUR), qualifiedAt: iso(T0 + 20 * HOUR), flags: [],
    });
    expect(res.body.referredBy).toEqual({
      referralId: referredBy.id, programId: 'spring', referrerContactId: '700', referrerCode: 'OSCAR9PX', status: 'qualified',
      capturedAt: iso(referredBy.captured_at), qualifiedAt: iso(referredBy.qualified_at!), flags: ['existing_contact'],
      flagReasons: { existing_contact: 'Friend already existed in HubSpot before the referral' },
      reason: 'Lifecycle stage reached customer', evidence: { lifecyclestage: 'customer' },
    });
    expect(res.body.rewards.map((r: { id: string }) => r.id)).toEqual([canceled.id, waiting.id, ...[friendSide.id, issued.id].sort(), earned.id, asFriend.id]);
    expect(res.body.rewards).toContainEqual({
      id: waiting.id, referralId: r7.id, recipient: 'referrer', recipientContactId: rita, kind: 'cash', amount: 9000, currency: 'USD',
      status: 'pending_review', holdUntil: null, createdAt: iso(T0 + 23 * HOUR), reviewReasons: ['Amount above 50.00 needs review'],
    });
    expect(res.body.rewards).toContainEqual(expect.objectContaining({ id: friendSide.id, recipient: 'friend', status: 'held', holdUntil: iso(T0 + 30 * 24 * HOUR) }));
    expect(res.body.manualEnrolmentPrograms).toEqual([{ id: 'autumn', name: 'Autumn referrals' }]);
  });

  it('gives a contact the ledger does not know an empty story, with the programs it may be enrolled in by hand', async () => {
    const res = await story(h, '424242');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      contactId: '424242', enrolments: [], referrals: [], referredBy: null, rewards: [],
      manualEnrolmentPrograms: [{ id: 'autumn', name: 'Autumn referrals' }, { id: 'spring', name: 'Spring referrals' }],
    });
  });

  it('refuses an id that is not a HubSpot contact id', async () => {
    const res = await story(h, 'rita@example.org');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('not a HubSpot contact id') });
  });

  it('needs the admin key', async () => {
    const res = await request(h.url).get('/api/contacts/100/story');
    expect(res.status).toBe(401);
  });
});
