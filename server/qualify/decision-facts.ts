import type { Kysely, Selectable } from 'kysely';
import type { Milestone, Program } from '../../src/app/packages/domain/program';
import type { ReferralFacts } from '../../src/app/packages/domain/qualification-decision';
import { isRiskFlag } from '../../src/app/packages/domain/risk-flags';
import type { Database, ReferralTable } from '../db/schema';
import { qualifiedCount, rewardCounts } from '../ledger/counts';
import type { LiveEvidence } from './evidence';

/**
 * What a "Qualify referral" decision is made from, read the same way by the workflow action
 * (qualify-referral.ts, inside its deciding transaction) and by a "why?" dry run (server/explain/,
 * outside any transaction), so the explanation rests on exactly the facts the decision would.
 */
export type Referral = Selectable<ReferralTable>;

/** A contact-based action reads its own referral; a deal-based one the earliest referral among its contacts. */
export async function findReferral(db: Kysely<Database>, programId: string, contactIds: string[]): Promise<Referral | undefined> {
  if (contactIds.length === 0) return undefined;
  return db
    .selectFrom('referrals')
    .selectAll()
    .where('program_id', '=', programId)
    .where('referred_contact_id', 'in', contactIds)
    .orderBy('captured_at')
    .executeTakeFirst();
}

/** What HubSpot must be asked for the referrals of these decisions (`gatherEvidence`'s extra properties and revenue). */
export function evidenceNeeds(decisions: Array<{ program: Program; milestone: Milestone; referral: Referral | undefined }>): { extraProperties: string[]; revenue: boolean } {
  const withReferral = decisions.filter((d) => d.referral);
  return {
    extraProperties: [...new Set(withReferral.flatMap((d) => (d.milestone.kind === 'property' ? [d.milestone.propertyName] : [])))],
    revenue: withReferral.some((d) => Boolean(d.program.rewards.referrer.revenueShare ?? d.program.rewards.friend?.revenueShare)),
  };
}

/**
 * What the decision needs from the ledger about a referral: in the deciding transaction for the
 * workflow action (the referral locked, so two decisions cannot both slip under a cap), or read
 * as it stands for a dry run.
 */
export async function referralFacts(
  db: Kysely<Database>,
  program: Program,
  referral: Referral,
  evidence: LiveEvidence | undefined,
  now: number,
): Promise<ReferralFacts> {
  // Only a decided referral can have rewards to report again.
  const referrerReward = referral.status === 'captured'
    ? undefined
    : await db.selectFrom('rewards').select(['id', 'status']).where('referral_id', '=', referral.id)
      .where('recipient', '=', 'referrer').executeTakeFirst();
  return {
    referral: {
      status: referral.status,
      capturedAt: new Date(referral.captured_at),
      referrerContactId: referral.referrer_contact_id,
      referredContactId: referral.referred_contact_id,
      referredEmail: referral.email_normalised,
      referrerEmail: null,
      flags: (JSON.parse(referral.flags) as string[]).filter(isRiskFlag),
      referrerReward: referrerReward ?? null,
    },
    evidence: evidence ?? null,
    counts: {
      rewards: await rewardCounts(db, program, referral.referrer_contact_id, now),
      referrerQualified: await qualifiedCount(db, referral.enrolment_id),
    },
  };
}
