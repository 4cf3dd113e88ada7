import { Router } from 'express';
import { z } from 'zod';
import type { AppContext, Feature } from '../context';
import { validationError } from '../errors';
import { REWARD_STATES } from '../../src/app/packages/domain/reward-state';
import { payableCsv } from './csv';
import { listRewards, rewardView } from './repository';
import { applyRewardEvent } from './review';

const listQuery = z.object({
  status: z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(z.enum(REWARD_STATES, `status must be among ${REWARD_STATES.join(', ')}`)))
    .optional(),
  program: z.string().min(1).optional(),
  recipient: z.enum(['referrer', 'friend']).optional(),
  contact: z.string().regex(/^\d+$/, 'contact must be a HubSpot contact id').optional(),
});
const rejectBody = z.object({ reason: z.string().trim().min(3, 'give the reason for rejecting (at least 3 characters)').max(500) });
const issueBody = z.object({ reference: z.string().trim().min(1, 'give the fulfilment reference (e.g. the payout id)').max(200) });

function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const r = schema.safeParse(input ?? {});
  if (!r.success) throw validationError(r.error, what);
  return r.data;
}

/** The reward API: review, export and mark issued. Every decision names its actor in the audit trail. */
export function rewardsFeature(ctx: AppContext): Feature {
  const admin = Router();
  admin.get('/rewards', async (req, res) => {
    const q = parse(listQuery, req.query, 'query');
    const rows = await listRewards(ctx.database.db, {
      ...(q.status && { status: q.status }),
      ...(q.program && { programId: q.program }),
      ...(q.recipient && { recipient: q.recipient }),
      ...(q.contact && { contactId: q.contact }),
    });
    res.json({ rewards: rows.map(rewardView) });
  });
  admin.get('/rewards/payable.csv', async (req, res) => {
    const q = parse(listQuery.pick({ program: true }), req.query, 'query');
    const rows = await listRewards(ctx.database.db, { status: ['approved'], ...(q.program && { programId: q.program }), limit: 100_000 });
    res.type('text/csv').attachment('payable-rewards.csv').send(payableCsv(rows));
  });
  admin.post('/rewards/:id/approve', async (req, res) => {
    res.json({ reward: rewardView(await applyRewardEvent(ctx, req.params.id, { type: 'approve' }, req.actor!)) });
  });
  admin.post('/rewards/:id/reject', async (req, res) => {
    const { reason } = parse(rejectBody, req.body, 'rejection');
    res.json({ reward: rewardView(await applyRewardEvent(ctx, req.params.id, { type: 'reject', reason }, req.actor!)) });
  });
  admin.post('/rewards/:id/issue', async (req, res) => {
    const { reference } = parse(issueBody, req.body, 'issue request');
    res.json({ reward: rewardView(await applyRewardEvent(ctx, req.params.id, { type: 'issue', reference }, req.actor!)) });
  });
  return { admin };
}
