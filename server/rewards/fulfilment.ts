import { createHmac } from 'node:crypto';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import type { DeliveryKind } from '../events/delivery';
import { queueFulfilment } from '../events/fulfilment-subscription';
import { enqueue, type JobHandler } from '../jobs/queue';
import { fulfilmentItem } from '../owner-tasks/item-keys';
import { raiseOwnerTaskJob } from '../owner-tasks/jobs';
import { FULFIL_WEBHOOK } from './fulfilment-job';
import { applyRewardEventIn } from './review';

const ACTOR = { type: 'system', id: 'webhook-fulfilment' } as const;
/** The longest reference kept, as the admin API's issue call allows. */
const MAX_REFERENCE = 200;

/**
 * The `webhook` fulfilment adapter, as a kind of event delivery: the outbox writes one delivery per
 * approved reward to the program's fulfilment subscription (server/events/fulfilment-subscription.ts),
 * and the event dispatcher sends it like any other (signed, retried with backoff, leased, in order
 * per referral, one owner task per failing endpoint). What this kind adds:
 * - nothing is sent for a reward that is no longer approved (issued, canceled or rejected meanwhile);
 * - the acknowledgement issues the reward with the answer's `reference`, in the transaction that
 *   settles the delivery, so it is issued once however often the receiver was called;
 * - the bare body HMAC in `X-Referral-Ops-Signature` stays for receivers written against it (it can be
 *   replayed, which is why the timestamped `Referral-Ops-Signature` is the one documented);
 * - a delivery that expires unacknowledged raises "Referral reward not paid" for that reward.
 */
export function fulfilmentDelivery(ctx: Pick<AppContext, 'clock' | 'database' | 'logger'>): DeliveryKind {
  const rewardStatus = async (rewardId: string) =>
    (await ctx.database.db.selectFrom('rewards').select('status').where('id', '=', rewardId).executeTakeFirst())?.status;
  return {
    async skipReason(delivery) {
      const status = await rewardStatus(delivery.event_id);
      if (status === 'approved') return undefined;
      return status === undefined ? 'not sent: the reward no longer exists' : `not sent: the reward is ${status}`;
    },
    extraHeaders(body, secret): Record<string, string> {
      return secret === undefined ? {} : { 'x-referral-ops-signature': createHmac('sha256', secret).update(body).digest('hex') };
    },
    async acknowledged(trx, delivery, answer) {
      const reference = referenceFrom(answer) ?? `webhook:${delivery.event_id}`;
      try {
        await applyRewardEventIn(trx, ctx, delivery.event_id, { type: 'issue', reference }, ACTOR);
        return undefined;
      } catch (err) {
        // Canceled or rejected between the check before sending and this answer: the receiver may have
        // paid, and only a person can settle that. The reward keeps the state it reached.
        if (!(err instanceof AppError) || err.code !== 'INVALID_STATE') throw err;
        const status = (err.details as { status?: string } | undefined)?.status ?? 'changed';
        ctx.logger.warn({ reward: delivery.event_id, reference, status }, 'fulfilment acknowledged after the reward left approved');
        return `acknowledged with reference ${reference} after the reward became ${status}: check with the receiver whether it paid`;
      }
    },
    async expired(trx, delivery, error) {
      await enqueue(trx, raiseOwnerTaskJob({ item: fulfilmentItem(delivery.event_id), detail: error }), ctx.clock());
    },
  };
}

/** The receiver's `{"reference": "…"}`, if it gave one. */
function referenceFrom(answer: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return undefined;
  }
  const reference = (parsed as { reference?: unknown } | null)?.reference;
  return typeof reference === 'string' && reference.trim() ? reference.trim().slice(0, MAX_REFERENCE) : undefined;
}

/**
 * `reward.fulfil-webhook` jobs were how fulfilment was sent before it went through the outbox. One
 * still queued when the service is upgraded (or queued by an older replica during a rolling
 * upgrade) is moved into the outbox: the reward, if still approved, gets its fulfilment delivery,
 * once (the outbox's unique key), with the same Idempotency-Key the job would have sent.
 */
export function fulfilmentHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    [FULFIL_WEBHOOK]: async (payload) => {
      const { rewardId } = payload as { rewardId: string };
      await ctx.database.db.transaction().execute(async (trx) => {
        const reward = await trx.selectFrom('rewards').selectAll().where('id', '=', rewardId).executeTakeFirst();
        if (reward?.status !== 'approved') return;
        if (!(await queueFulfilment(trx, reward, ctx.clock()))) ctx.logger.info({ reward: rewardId }, 'queued fulfilment job dropped: the program has no fulfilment webhook now');
      });
    },
  };
}
