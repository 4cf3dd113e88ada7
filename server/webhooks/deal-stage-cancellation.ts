import { isClosedWon, type Pipeline } from '../../src/domain/qualification';
import type { AppContext } from '../context';
import type { RewardStatus } from '../db/schema';
import type { Actor } from '../http/auth';
import { applyRewardEvent } from '../rewards/review';

/** Rewards not yet paid out; issued ones stay issued (recovering them is a human matter). */
const CANCELABLE: RewardStatus[] = ['pending_review', 'held', 'approved'];

export type DealCheck = { won: true } | { won: false; reason: string } | { won: 'unknown'; reason: string };

/** Whether the deal sits in a closed-won stage of its pipeline right now, read live from HubSpot. */
export async function dealWonNow(ctx: AppContext, dealId: string, pipelines: () => Promise<Pipeline[]>): Promise<DealCheck> {
  let deal;
  try {
    deal = await ctx.hubspot.crm.deals.basicApi.getById(dealId, ['dealstage', 'pipeline']);
  } catch (err) {
    if ((err as { code?: number }).code === 404) return { won: false, reason: `Deal ${dealId} no longer exists in HubSpot` };
    throw err;
  }
  const pipelineId = deal.properties.pipeline ?? 'default';
  const stageId = deal.properties.dealstage ?? '';
  const pipeline = (await pipelines()).find((p) => p.id === pipelineId);
  const stage = pipeline?.stages.find((s) => s.id === stageId);
  // A stage we cannot see cannot be judged: leave the rewards alone rather than cancel on a guess.
  if (!stage) return { won: 'unknown', reason: `Deal ${dealId} is in stage "${stageId}", which pipeline "${pipelineId}" does not list` };
  if (isClosedWon(stage)) return { won: true };
  return { won: false, reason: `Deal ${dealId} left closed won: it is now in "${stage.label ?? stage.id}" (${pipeline!.label ?? pipelineId})` };
}

/**
 * Cancels the unissued rewards of referrals a deal qualified, once the deal is no longer won.
 * Each cancel is its own transaction through the reward state machine, so a cancel that already
 * happened (a redelivery, a concurrent delivery) is a no-op and every change has its audit row.
 */
export async function cancelRewardsOfDeal(ctx: AppContext, dealId: string, reason: string, actor: Actor): Promise<string[]> {
  const rewards = await ctx.database.db
    .selectFrom('rewards')
    .innerJoin('referrals', 'referrals.id', 'rewards.referral_id')
    .select('rewards.id')
    .where('referrals.deal_id', '=', dealId)
    .where('rewards.status', 'in', CANCELABLE)
    .orderBy('rewards.id')
    .execute();
  const canceled: string[] = [];
  for (const { id } of rewards) {
    const reward = await applyRewardEvent(ctx, id, { type: 'cancel', reason }, actor);
    if (reward.status === 'canceled') canceled.push(id);
  }
  return canceled;
}
