import type { ContactStory, Money, StoryReward } from '../../src/app/packages/contracts/app-functions';
import type { Db } from '../db/database';
import { listPrograms } from '../programs/repository';
import { rewardView, type RewardRow } from '../rewards/repository';

/** How many of a referrer's referrals the story lists, newest first. */
export const STORY_REFERRALS = 10;
/** The story's rewards, newest first: enough for a reviewer, bounded for a prolific referrer. */
export const STORY_REWARDS = 100;

/** Rewards the referrer has earned: payable or paid. Matches the `referral_rewards_total` property. */
const EARNED = ['approved', 'issued'] as const;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));
const parseJson = <T>(text: string | null, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

/**
 * A contact's referral story as the CRM card shows it, read from the ledger alone: a contact the
 * ledger does not know has an empty story (and may be offered manual enrolment).
 */
export async function contactStory(db: Db, contactId: string): Promise<ContactStory> {
  const enrolments = await db
    .selectFrom('enrolments')
    .innerJoin('programs', 'programs.id', 'enrolments.program_id')
    .select(['enrolments.id', 'enrolments.program_id', 'programs.name as program_name', 'enrolments.code', 'enrolments.link',
      'enrolments.status', 'enrolments.created_at'])
    .where('enrolments.contact_id', '=', contactId)
    .orderBy('enrolments.created_at')
    .execute();

  const referralCounts = await db
    .selectFrom('referrals')
    .select((eb) => [
      'enrolment_id',
      eb.fn.countAll<number>().as('referred'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'qualified').then(1).else(0).end()).as('qualified'),
    ])
    .where('referrer_contact_id', '=', contactId)
    .groupBy('enrolment_id')
    .execute();

  const earned = await db
    .selectFrom('rewards')
    .select((eb) => [
      'program_id',
      'currency',
      eb.fn.sum<number>('amount').as('amount'),
    ])
    .where('recipient_contact_id', '=', contactId)
    .where('recipient', '=', 'referrer')
    .where('status', 'in', EARNED)
    .groupBy(['program_id', 'currency'])
    .orderBy('currency')
    .execute();

  const rewarded = await db
    .selectFrom('rewards')
    .select((eb) => ['program_id', eb.fn.count<number>('referral_id').distinct().as('referrals')])
    .where('recipient_contact_id', '=', contactId)
    .where('recipient', '=', 'referrer')
    .where('status', 'in', EARNED)
    .groupBy('program_id')
    .execute();

  const referrals = await db
    .selectFrom('referrals')
    .selectAll()
    .where('referrer_contact_id', '=', contactId)
    .orderBy('captured_at', 'desc')
    .orderBy('id')
    .limit(STORY_REFERRALS)
    .execute();

  // The first referral wins attribution when a contact was referred more than once.
  const referredBy = await db
    .selectFrom('referrals')
    .innerJoin('enrolments', 'enrolments.id', 'referrals.enrolment_id')
    .selectAll('referrals')
    .select('enrolments.code as referrer_code')
    .where('referrals.referred_contact_id', '=', contactId)
    .orderBy('referrals.captured_at')
    .orderBy('referrals.id')
    .executeTakeFirst();

  const rewards = await db
    .selectFrom('rewards')
    .selectAll('rewards')
    .where((eb) =>
      eb('rewards.referral_id', 'in', eb.selectFrom('referrals').select('id').where((r) =>
        r.or([r('referrer_contact_id', '=', contactId), r('referred_contact_id', '=', contactId)]))),
    )
    .orderBy('rewards.created_at', 'desc')
    .orderBy('rewards.id')
    .limit(STORY_REWARDS)
    .execute();

  const enrolledIn = new Set(enrolments.map((e) => e.program_id));
  const manual = (await listPrograms(db)).filter((p) => p.status === 'active' && p.enrolment.allowManual && !enrolledIn.has(p.id));

  return {
    contactId,
    enrolments: enrolments.map((e) => {
      const counts = referralCounts.find((c) => c.enrolment_id === e.id);
      const totals = earned.filter((r) => r.program_id === e.program_id);
      return {
        programId: e.program_id,
        programName: e.program_name,
        code: e.code,
        link: e.link,
        status: e.status,
        createdAt: iso(e.created_at),
        counts: {
          referred: Number(counts?.referred ?? 0),
          qualified: Number(counts?.qualified ?? 0),
          rewarded: Number(rewarded.find((r) => r.program_id === e.program_id)?.referrals ?? 0),
        },
        rewardsTotal: totals.map((r): Money => ({ currency: r.currency, amount: Number(r.amount) })),
      };
    }),
    referrals: referrals.map((r) => ({
      id: r.id,
      programId: r.program_id,
      referredContactId: r.referred_contact_id,
      email: r.email,
      status: r.status,
      capturedAt: iso(r.captured_at),
      qualifiedAt: isoOrNull(r.qualified_at),
      flags: parseJson<string[]>(r.flags, []),
    })),
    referredBy: referredBy
      ? {
          referralId: referredBy.id,
          programId: referredBy.program_id,
          referrerContactId: referredBy.referrer_contact_id,
          referrerCode: referredBy.referrer_code,
          status: referredBy.status,
          capturedAt: iso(referredBy.captured_at),
          qualifiedAt: isoOrNull(referredBy.qualified_at),
          flags: parseJson<string[]>(referredBy.flags, []),
          flagReasons: parseJson<Record<string, string>>(referredBy.flag_reasons, {}),
          reason: referredBy.reason,
          evidence: parseJson<Record<string, unknown> | null>(referredBy.evidence, null),
        }
      : null,
    rewards: rewards.map(storyReward),
    manualEnrolmentPrograms: manual.map((p) => ({ id: p.id, name: p.name })),
  };
}

/** The reward as the admin API shows it, less what the card does not use. */
function storyReward(row: RewardRow): StoryReward {
  const { programId: _program, fulfilmentRef: _ref, issuedAt: _issued, ...reward } = rewardView(row);
  return { ...reward, amount: Number(reward.amount) };
}
