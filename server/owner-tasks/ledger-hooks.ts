import type { Transaction } from 'kysely';
import { FINAL_REWARD_STATES, type RewardState } from '../../src/app/packages/domain/reward-state';
import type { Database } from '../db/schema';
import { enqueue } from '../jobs/queue';
import { fulfilmentItem, reviewItem } from './item-keys';
import { completeOwnerTaskJob, raiseOwnerTaskJob } from './jobs';

/**
 * Called inside the ledger transactions, so the HubSpot work they queue is as durable as the
 * ledger change that needs it.
 */

/** A reward was created awaiting review. The workflow's portal id lets the task link to the contact record. */
export async function raiseReviewTask(trx: Transaction<Database>, rewardId: string, portalId: number, now: number): Promise<void> {
  await enqueue(trx, raiseOwnerTaskJob({ item: reviewItem(rewardId), portalId }), now);
}

/**
 * A reward moved: leaving review resolves its review item, reaching a final state its fulfilment
 * item. Only items with a task row need a HubSpot write; a raise that has not run yet finds the
 * item resolved (both read the reward under its row lock) and creates nothing.
 */
export async function resolveOwnerTasks(trx: Transaction<Database>, rewardId: string, from: RewardState, to: RewardState, now: number): Promise<void> {
  const items = [
    ...(from === 'pending_review' && to !== 'pending_review' ? [reviewItem(rewardId)] : []),
    ...(FINAL_REWARD_STATES.includes(to) ? [fulfilmentItem(rewardId)] : []),
  ];
  for (const item of items) {
    const resolved = await trx
      .updateTable('owner_tasks')
      .set({ status: 'completed', updated_at: now })
      .where('item_key', '=', item)
      .where('status', '=', 'open')
      .executeTakeFirst();
    if (Number(resolved.numUpdatedRows) > 0) await enqueue(trx, completeOwnerTaskJob(item), now);
  }
}
