import type { Selectable, Transaction } from 'kysely';
import type { Program } from '../../src/app/packages/domain/program';
import type { RewardLine } from '../../src/app/packages/domain/reward-rules';
import { initialRewardState, type RewardState } from '../../src/app/packages/domain/reward-state';
import type { Database, ReferralTable } from '../db/schema';
import type { Actor } from '../ledger/actor';
import { newId } from '../ids';
import { recordTransition } from '../ledger/audit';
import { raiseReviewTask } from '../owner-tasks/ledger-hooks';

export interface RecordedReward {
  id: string;
  status: RewardState;
  recipient: RewardLine['recipient'];
}

export interface RewardOrigin {
  /** The workflow execution that qualified the referral; a review resumes it. */
  callbackId: string;
  portalId: number;
  actor: Actor;
}

/**
 * Writes a qualified referral's reward lines with their first state. The idempotency key
 * (program + referral + recipient) is unique, so a second attempt for the same referral fails
 * the whole transaction instead of paying twice.
 */
export async function recordRewards(
  trx: Transaction<Database>,
  program: Program,
  referral: Selectable<ReferralTable>,
  lines: RewardLine[],
  origin: RewardOrigin,
  now: number,
): Promise<RecordedReward[]> {
  const recorded: RecordedReward[] = [];
  for (const line of lines) {
    const status = initialRewardState({ needsReview: line.needsReview, holdUntil: line.holdUntil, now: new Date(now) });
    const id = newId('rwd');
    await trx
      .insertInto('rewards')
      .values({
        id,
        program_id: program.id,
        referral_id: referral.id,
        recipient: line.recipient,
        recipient_contact_id: line.recipient === 'referrer' ? referral.referrer_contact_id : referral.referred_contact_id,
        kind: line.kind,
        amount: line.amount,
        currency: line.currency,
        status,
        idempotency_key: `${program.id}:${referral.id}:${line.recipient}`,
        review_reasons: JSON.stringify(line.reviewReasons),
        hold_until: line.holdUntil.getTime() > now ? line.holdUntil.getTime() : null,
        fulfilment_ref: null,
        callback_id: status === 'pending_review' ? origin.callbackId : null,
        created_at: now,
        updated_at: now,
        issued_at: null,
      })
      .execute();
    await recordTransition(trx, {
      entity: 'reward',
      entityId: id,
      from: null,
      to: status,
      actor: origin.actor,
      at: now,
      reason: line.needsReview ? line.reviewReasons.map((r) => r.message).join('; ') : 'Referral qualified',
      data: { recipient: line.recipient, amount: line.amount, currency: line.currency, callbackId: origin.callbackId, ...(line.basis ? { basis: line.basis } : {}) },
    });
    if (status === 'pending_review') await raiseReviewTask(trx, id, origin.portalId, now);
    recorded.push({ id, status, recipient: line.recipient });
  }
  return recorded;
}
