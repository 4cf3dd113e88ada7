import type { Program } from '../../src/app/packages/domain/program';
import type { ReferralStatus } from '../../src/app/packages/domain/referral-status';
import type { Db } from '../db/database';
import type { EnrolmentRow } from '../enrolment/repository';
import type { HubSpotGateway } from '../hubspot/gateway';
import { qualifiedCount, rewardCounts } from '../ledger/counts';
import type { Logger } from '../logger';
import { isPseudonym } from '../privacy/pseudonym';
import { friendDisplayName, friendReason, type ReasonKey } from './friend-status';

/** How many friends the page lists, newest first: keeps the page small for a prolific referrer. */
export const LISTED_FRIENDS = 50;

export interface Money {
  amount: number;
  currency: string;
}

export type RewardStage = 'pending' | 'approved' | 'issued';

export interface FriendLine {
  /** First name and last initial; null when HubSpot has none to show. Never an email or an id. */
  name: string | null;
  status: ReferralStatus;
  reason: ReasonKey;
  referredAt: number;
  reward: (Money & { stage: RewardStage }) | null;
}

export interface Progress {
  qualified: number;
  /** The next tier not reached yet; null when the program has tiers and all are reached, undefined without tiers. */
  nextTier?: { atQualified: number; bonus: Money } | null;
  lifetimeCap?: { count: number; cap: number };
  monthCap?: { count: number; cap: number };
}

/** What the page shows: the enrolment's own figures and its friends, nothing else of anyone's. */
export interface DashboardModel {
  program: Readonly<Program>;
  code: string;
  link: string;
  clicks: number;
  referred: number;
  friends: FriendLine[];
  rewards: Record<RewardStage, Money[]>;
  progress: Progress;
}

/** Reward states as the referrer sees them; rejected and canceled rewards are not theirs to count. */
const STAGE_OF: Record<string, RewardStage | undefined> = { pending_review: 'pending', held: 'pending', approved: 'approved', issued: 'issued' };

export interface DashboardDeps {
  db: Db;
  gateway: HubSpotGateway;
  logger: Pick<Logger, 'warn'>;
  now: number;
}

export async function loadDashboard(deps: DashboardDeps, program: Readonly<Program>, enrolment: EnrolmentRow): Promise<DashboardModel> {
  const { db } = deps;
  const clicks = await db.selectFrom('clicks').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('enrolment_id', '=', enrolment.id).executeTakeFirstOrThrow();
  const referred = await db.selectFrom('referrals').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('enrolment_id', '=', enrolment.id).executeTakeFirstOrThrow();
  const referrals = await db.selectFrom('referrals').select(['id', 'referred_contact_id', 'status', 'reason', 'captured_at'])
    .where('enrolment_id', '=', enrolment.id)
    .orderBy('captured_at', 'desc').orderBy('id')
    .limit(LISTED_FRIENDS)
    .execute();
  // The referrer's side only: what the friend gets is the friend's business.
  const rewards = await db.selectFrom('rewards').innerJoin('referrals', 'referrals.id', 'rewards.referral_id')
    .select(['rewards.referral_id', 'rewards.amount', 'rewards.currency', 'rewards.status'])
    .where('referrals.enrolment_id', '=', enrolment.id).where('rewards.recipient', '=', 'referrer')
    .execute();

  const rewardOf = new Map<string, (typeof rewards)[number]>();
  const rejected = new Set<string>();
  const totals: Record<RewardStage, Map<string, number>> = { pending: new Map(), approved: new Map(), issued: new Map() };
  for (const r of rewards) {
    const stage = STAGE_OF[r.status];
    if (r.status === 'rejected') rejected.add(r.referral_id);
    if (!stage) continue;
    rewardOf.set(r.referral_id, r);
    totals[stage].set(r.currency, (totals[stage].get(r.currency) ?? 0) + Number(r.amount));
  }

  const names = await friendNames(deps, referrals.map((r) => r.referred_contact_id));
  const friends = referrals.map((r): FriendLine => {
    const reward = rewardOf.get(r.id);
    return {
      name: names.get(r.referred_contact_id) ?? null,
      status: r.status,
      reason: friendReason({ status: r.status, reason: r.reason, rewardRejected: rejected.has(r.id) }),
      referredAt: Number(r.captured_at),
      reward: reward ? { amount: Number(reward.amount), currency: reward.currency, stage: STAGE_OF[reward.status]! } : null,
    };
  });

  const sorted = (m: Map<string, number>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount }));
  return {
    program,
    code: enrolment.code,
    link: enrolment.link,
    clicks: Number(clicks.n),
    referred: Number(referred.n),
    friends,
    rewards: { pending: sorted(totals.pending), approved: sorted(totals.approved), issued: sorted(totals.issued) },
    progress: await progress(deps, program, enrolment),
  };
}

/** Tiers count qualified referrals (reward-rules.ts); caps count live rewards (caps.ts): the same counts the decision uses. */
async function progress(deps: DashboardDeps, program: Readonly<Program>, enrolment: EnrolmentRow): Promise<Progress> {
  const qualified = await qualifiedCount(deps.db, enrolment.id);
  const { tiers, caps, referrer } = program.rewards;
  const result: Progress = { qualified };
  if (tiers.length > 0) {
    const next = tiers.find((tier) => tier.atQualified > qualified);
    result.nextTier = next ? { atQualified: next.atQualified, bonus: { amount: next.bonus.amount, currency: referrer.currency } } : null;
  }
  if (caps.perReferrer !== undefined || caps.perReferrerPerMonth !== undefined) {
    const counts = await rewardCounts(deps.db, program, enrolment.contact_id, deps.now);
    if (caps.perReferrer !== undefined) result.lifetimeCap = { count: counts.referrerRewardsTotal, cap: caps.perReferrer };
    if (caps.perReferrerPerMonth !== undefined) result.monthCap = { count: counts.referrerRewardsThisMonth, cap: caps.perReferrerPerMonth };
  }
  return result;
}

/**
 * Friends' names live in HubSpot, not the ledger: one batch read per view, through the account's
 * gateway. Erased friends (a pseudonym) are not asked for. Without HubSpot the page still shows
 * every friend, unnamed, rather than failing.
 */
async function friendNames(deps: DashboardDeps, contactIds: string[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  const inputs = [...new Set(contactIds.filter((id) => !isPseudonym(id)))].map((id) => ({ id }));
  if (inputs.length === 0) return names;
  try {
    const read = await deps.gateway.call('read', `read the names of ${inputs.length} referred friends`, (c) =>
      c.crm.contacts.batchApi.read({ inputs, properties: ['firstname', 'lastname'], propertiesWithHistory: [] }));
    for (const contact of read.results) {
      const name = friendDisplayName(contact.properties.firstname, contact.properties.lastname);
      if (name) names.set(contact.id, name);
    }
  } catch (err) {
    deps.logger.warn({ error: (err as Error).message }, 'could not read friends\' names for a referrer dashboard; showing them unnamed');
  }
  return names;
}
