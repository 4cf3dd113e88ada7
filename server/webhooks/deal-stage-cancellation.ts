import { dealStageFromHubSpot, isClosedWon } from '../../src/app/packages/domain/qualification';
import type { AppContext } from '../context';
import type { RewardState } from '../../src/app/packages/domain/reward-state';
import { hubspotStatus } from '../hubspot/client';
import type { HubSpotGateway } from '../hubspot/gateway';
import type { Actor } from '../ledger/actor';
import { applyRewardEvent } from '../rewards/review';

/** Rewards not yet paid out; issued ones stay issued (recovering them is a human matter). */
const CANCELABLE: RewardState[] = ['pending_review', 'held', 'approved'];

export type DealCheck = { won: true } | { won: false; reason: string } | { won: 'unknown'; reason: string };

const notFound = (err: unknown) => hubspotStatus(err) === 404;

/**
 * HubSpot waits on a webhook delivery (5 s) and sends it again when it fails: one quick retry here,
 * then a 5xx answer hands the rest to HubSpot's redelivery.
 */
const WEBHOOK_CALL = { maxAttempts: 2 };

/**
 * Whether the deal sits in a closed-won stage of its pipeline right now. Both are read live (not
 * from the stage cache the qualify action uses): a stage created a moment ago must be judged too.
 */
export async function dealWonNow(gateway: HubSpotGateway, dealId: string): Promise<DealCheck> {
  let deal;
  try {
    deal = await gateway.call('read', 'read a deal', (client) => client.crm.deals.basicApi.getById(dealId, ['dealstage', 'pipeline']), WEBHOOK_CALL);
  } catch (err) {
    if (notFound(err)) return { won: false, reason: `Deal ${dealId} no longer exists in HubSpot` };
    throw err;
  }
  const pipelineId = deal.properties.pipeline ?? 'default';
  const stageId = deal.properties.dealstage ?? '';
  const pipeline = await gateway.call('read', "read a deal's pipeline", (client) => client.crm.pipelines.pipelinesApi.getById('deals', pipelineId), WEBHOOK_CALL).catch((err: unknown) => {
    if (notFound(err)) return undefined;
    throw err;
  });
  const found = pipeline?.stages.find((s) => s.id === stageId);
  // A stage that cannot be seen cannot be judged: leave the rewards alone rather than cancel on a guess.
  if (!pipeline || !found) return { won: 'unknown', reason: `Deal ${dealId} is in stage "${stageId}", which pipeline "${pipelineId}" does not list` };
  const stage = dealStageFromHubSpot({ id: found.id, label: found.label, displayOrder: found.displayOrder, metadata: found.metadata });
  if (isClosedWon(stage)) return { won: true };
  return { won: false, reason: `Deal ${dealId} left closed won: it is now in "${found.label}" (${pipeline.label})` };
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
