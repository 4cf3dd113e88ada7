import type { NewJob } from '../jobs/queue';

/**
 * The fulfilment job's name and payload, apart from its handler: the review and recording paths
 * enqueue it, and the handler applies review events, so keeping both in one module would tie them
 * into an import cycle.
 */
export const FULFIL_WEBHOOK = 'reward.fulfil-webhook';

export function fulfilWebhookJob(rewardId: string): NewJob {
  return { kind: FULFIL_WEBHOOK, payload: { rewardId }, dedupeKey: `${FULFIL_WEBHOOK}:${rewardId}` };
}
