import { createHmac } from 'node:crypto';
import type { AppContext } from '../context';
import { signatureHeader, SIGNATURE_HEADER } from '../events/signature';
import type { JobHandler } from '../jobs/queue';
import { programOrNotFound } from '../programs/repository';
import { FULFIL_WEBHOOK } from './fulfilment-job';
import { applyRewardEvent } from './review';

/**
 * The `webhook` fulfilment adapter: a signed POST per payable reward, carrying the reward id as
 * Idempotency-Key so the receiver can drop our retries. Retried (by the job queue) until it answers
 * 2xx; its `reference`, if any, becomes the fulfilment reference. Signed as event deliveries are
 * (`Referral-Ops-Signature`, timestamped), so one verification serves both; the bare body HMAC in
 * `X-Referral-Ops-Signature` stays for receivers written against it, and can be replayed, which is
 * why the timestamped one is the one documented.
 */
export function fulfilmentHandlers(
  ctx: AppContext,
  { env = process.env, fetch: send = fetch }: { env?: NodeJS.ProcessEnv; fetch?: typeof fetch } = {},
): Record<string, JobHandler> {
  return {
    [FULFIL_WEBHOOK]: async (payload) => {
      const { rewardId } = payload as { rewardId: string };
      const reward = await ctx.database.db.selectFrom('rewards').selectAll().where('id', '=', rewardId).executeTakeFirstOrThrow();
      if (reward.status !== 'approved') return; // issued, canceled or rejected meanwhile
      const program = await programOrNotFound(ctx.database.db, reward.program_id);
      if (program.fulfilment.kind !== 'webhook') return;
      const body = JSON.stringify({
        type: 'reward.approved',
        reward: {
          id: reward.id, programId: reward.program_id, referralId: reward.referral_id, recipient: reward.recipient,
          recipientContactId: reward.recipient_contact_id, kind: reward.kind, amount: reward.amount, currency: reward.currency,
        },
      });
      const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': reward.id };
      const secret = program.fulfilment.secretRef ? env[program.fulfilment.secretRef] : undefined;
      if (secret) {
        headers[SIGNATURE_HEADER] = signatureHeader(secret, body, ctx.clock());
        headers['x-referral-ops-signature'] = createHmac('sha256', secret).update(body).digest('hex');
      }
      const res = await send(program.fulfilment.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`Fulfilment webhook answered ${res.status}`);
      const answer = (await res.json().catch(() => ({}))) as { reference?: unknown };
      const reference = typeof answer.reference === 'string' && answer.reference ? answer.reference : `webhook:${reward.id}`;
      await applyRewardEvent(ctx, reward.id, { type: 'issue', reference }, { type: 'system', id: 'webhook-fulfilment' });
    },
  };
}
