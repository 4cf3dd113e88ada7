/** Approve or reject a reward waiting for review; the acting HubSpot user is recorded by the service. */
import { z } from 'zod';
import { defineFunction } from '../lib/define-function';

const parameters = z.discriminatedUnion('decision', [
  z.object({ rewardId: z.string().min(1), decision: z.literal('approve') }),
  z.object({
    rewardId: z.string().min(1),
    decision: z.literal('reject'),
    reason: z.string().trim().min(3, 'Give a reason for rejecting (at least 3 characters)').max(500),
  }),
]);

const fn = defineFunction(
  parameters,
  async ({ params, service }) => ({
    reward: params.decision === 'approve' ? await service.approveReward(params.rewardId) : await service.rejectReward(params.rewardId, params.reason),
  }),
  { requiresActor: true },
);

export const { main, handle } = fn;
