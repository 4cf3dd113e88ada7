import type { Transaction } from 'kysely';
import { transition, type RewardEvent } from '../../src/app/packages/domain/reward-state';
import type { AppContext } from '../context';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import type { Actor } from '../ledger/actor';
import { enqueue } from '../jobs/queue';
import { recordTransition } from '../ledger/audit';
import { completeCallbackJob, syncContactJob } from '../sync/jobs';
import { lockReward, type RewardRow } from './repository';
import { resolveOwnerTasks } from '../owner-tasks/ledger-hooks';

/**
 * Moves one reward through the state machine with its actor and reason in the audit trail, and
 * queues what must follow in the same transaction: HubSpot property sync and the paused workflow's
 * completion once no reward of that callback awaits review. Webhook fulfilment of a payable reward
 * is the outbox's (server/events/fulfilment-subscription.ts), written by the audit row's transition.
 */
export async function applyRewardEvent(ctx: AppContext, rewardId: string, event: RewardEvent, actor: Actor): Promise<RewardRow> {
  return ctx.database.db.transaction().execute((trx) => applyRewardEventIn(trx, ctx, rewardId, event, actor));
}

/** The same inside a caller's transaction: the fulfilment's acknowledgement issues the reward together with settling its delivery. */
export async function applyRewardEventIn(
  trx: Transaction<Database>, ctx: Pick<AppContext, 'clock' | 'database'>, rewardId: string, event: RewardEvent, actor: Actor,
): Promise<RewardRow> {
  const now = ctx.clock();
  const reward = await lockReward(trx, ctx.database.dialect, rewardId);
  const result = transition(reward.status, event, { holdUntil: new Date(reward.hold_until ?? 0), now: new Date(now) });
  if (!result.ok) {
    // Repeating a decision that already took effect answers with the reward as it is.
    if (result.code === 'already_done') return reward;
    // A full sentence: the card shows it as is and adds what to do next.
    throw new AppError('INVALID_STATE', `${result.message}.`, { status: reward.status, event: event.type });
  }
  const reason = 'reason' in event ? event.reason : event.type === 'issue' ? `Issued: ${event.reference}` : null;
  const updated = await trx
    .updateTable('rewards')
    .set({
      status: result.to,
      updated_at: now,
      ...(event.type === 'issue' ? { fulfilment_ref: event.reference, issued_at: now } : {}),
    })
    .where('id', '=', reward.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordTransition(trx, { entity: 'reward', entityId: reward.id, from: reward.status, to: result.to, actor, reason, at: now });
  await resolveOwnerTasks(trx, reward.id, reward.status, result.to, now);

  if (result.to === 'rejected') await rejectReferralIfNothingLeft(trx, reward, reason ?? 'Rejected by a reviewer', actor, now);
  await enqueue(trx, syncContactJob(reward.recipient_contact_id), now);
  if (reward.callback_id && reward.status === 'pending_review') await completeIfReviewed(trx, reward.callback_id, actor, reason, now);
  return updated;
}

async function rejectReferralIfNothingLeft(trx: Transaction<Database>, reward: RewardRow, reason: string, actor: Actor, now: number) {
  const live = await trx
    .selectFrom('rewards')
    .select('id')
    .where('referral_id', '=', reward.referral_id)
    .where('status', 'not in', ['rejected', 'canceled'])
    .executeTakeFirst();
  if (live) return;
  const referral = await trx.selectFrom('referrals').select(['status', 'referred_contact_id']).where('id', '=', reward.referral_id).executeTakeFirstOrThrow();
  await trx.updateTable('referrals').set({ status: 'rejected', reason, decided_at: now }).where('id', '=', reward.referral_id).execute();
  await recordTransition(trx, { entity: 'referral', entityId: reward.referral_id, from: referral.status, to: 'rejected', actor, reason, at: now });
  await enqueue(trx, syncContactJob(referral.referred_contact_id), now);
}

/** The workflow resumes with the outcome the reviewer chose, so it can branch on it. */
async function completeIfReviewed(trx: Transaction<Database>, callbackId: string, actor: Actor, reason: string | null, now: number) {
  const rewards = await trx.selectFrom('rewards').selectAll().where('callback_id', '=', callbackId).execute();
  if (rewards.some((r) => r.status === 'pending_review')) return;
  const referrer = rewards.find((r) => r.recipient === 'referrer') ?? rewards[0]!;
  const referral = await trx.selectFrom('referrals').select('status').where('id', '=', referrer.referral_id).executeTakeFirstOrThrow();
  const who = actor.id ? ` by ${actor.id}` : '';
  const outputFields = {
    hs_execution_state: 'SUCCESS',
    referral_status: referral.status === 'rejected' ? 'rejected' : 'qualified',
    reward_status: referrer.status,
    reward_id: referrer.id,
    reason: referral.status === 'rejected'
      ? `Rejected${who}: ${reason ?? ''}`.trim()
      : referrer.status === 'canceled' ? `Canceled${who}: ${reason ?? ''}`.trim() : `Approved${who}`,
  };
  await enqueue(trx, completeCallbackJob(callbackId, outputFields), now);
  await trx
    .updateTable('action_decisions')
    .set({ execution_state: 'SUCCESS', outputs: JSON.stringify(outputFields) })
    .where('callback_id', '=', callbackId)
    .execute();
}

/** Rewards whose hold period has passed become payable. Runs periodically; safe to run anywhere, any time. */
export async function releaseDueHolds(ctx: AppContext): Promise<number> {
  const due = await ctx.database.db
    .selectFrom('rewards')
    .select('id')
    .where('status', '=', 'held')
    .where('hold_until', '<=', ctx.clock())
    .limit(500)
    .execute();
  for (const { id } of due) await applyRewardEvent(ctx, id, { type: 'release' }, { type: 'system', id: null });
  return due.length;
}
