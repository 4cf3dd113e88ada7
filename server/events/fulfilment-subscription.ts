import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { Program } from '../../src/app/packages/domain/program';
import type { Database, EventDeliveryTable, EventSubscriptionTable, RewardTable } from '../db/schema';
import { DELIVERY_EXPIRY_MS } from './delivery-expiry';

/**
 * The fulfilment webhook is one subscriber of the outbox: a program whose `fulfilment` is a webhook
 * has a system subscription (kind `fulfilment`) that wants `reward.approved`, kept in step with the
 * program's setting when the program is saved. Its delivery differs from a developer's in what the
 * receiver relies on: the reward id is the Idempotency-Key (so the event id is the reward id, and
 * the unique subscription + event key writes it once per reward), the body is the fulfilment body,
 * and the answer's `reference` issues the reward (server/rewards/fulfilment.ts).
 */

export const FULFILMENT_EVENT = 'reward.approved';

/** One per program, so saving the program finds it again. */
export const fulfilmentSubscriptionId = (programId: string) => `sub_fulfilment_${programId}`;

type Trx = Transaction<Database> | Kysely<Database>;

/**
 * Called in the transaction that saves a program. A program that stops using a webhook stops its
 * subscription, and the fulfilments not yet sent end unsent: those rewards stay approved, for the
 * manual export, as a program on manual fulfilment pays them.
 */
export async function syncFulfilmentSubscription(trx: Trx, program: Pick<Program, 'id' | 'fulfilment'>, now: number): Promise<void> {
  const id = fulfilmentSubscriptionId(program.id);
  const fulfilment = program.fulfilment;
  if (fulfilment.kind === 'webhook') {
    const row: Selectable<EventSubscriptionTable> = {
      id, program_id: program.id, kind: 'fulfilment', url: fulfilment.url, secret: '', secret_ref: fulfilment.secretRef ?? null,
      event_types: JSON.stringify([FULFILMENT_EVENT]), status: 'active', failing_since: null, created_at: now, updated_at: now,
    };
    await trx.insertInto('event_subscriptions').values(row)
      .onConflict((oc) => oc.column('id').doUpdateSet({ url: row.url, secret_ref: row.secret_ref, status: 'active', updated_at: now }))
      .execute();
    return;
  }
  const stopped = await trx.updateTable('event_subscriptions').set({ status: 'deleted', failing_since: null, updated_at: now })
    .where('id', '=', id).where('status', '!=', 'deleted').executeTakeFirst();
  if (Number(stopped.numUpdatedRows) === 0) return;
  await trx.updateTable('event_deliveries').set({ status: 'skipped', last_error: "not sent: the program's fulfilment is manual now" })
    .where('subscription_id', '=', id).where('status', '=', 'pending').execute();
}

/**
 * The body receivers of the fulfilment webhook were written against; its shape is a contract:
 * fields are added, never renamed or removed.
 */
export function fulfilmentBody(reward: Selectable<RewardTable>): string {
  return JSON.stringify({
    type: FULFILMENT_EVENT,
    reward: {
      id: reward.id, programId: reward.program_id, referralId: reward.referral_id, recipient: reward.recipient,
      recipientContactId: reward.recipient_contact_id, kind: reward.kind, amount: Number(reward.amount), currency: reward.currency,
    },
  });
}

/** The outbox row of one reward's fulfilment; a second one for the same reward is refused by the unique key. */
export function fulfilmentDeliveryRow(subscriptionId: string, reward: Selectable<RewardTable>, at: number): Insertable<EventDeliveryTable> {
  return {
    subscription_id: subscriptionId, event_id: reward.id, event_type: FULFILMENT_EVENT,
    // In order with the other events of the referral, as every subscriber gets them.
    stream_key: reward.referral_id, contact_id: reward.recipient_contact_id, payload: fulfilmentBody(reward),
    status: 'pending', attempts: 0, next_attempt_at: at, expires_at: at + DELIVERY_EXPIRY_MS,
    locked_by: null, locked_until: null, last_error: null, created_at: at, delivered_at: null,
  };
}

/** Queues the reward's fulfilment with its program's subscription; nothing when the program has none or it is stopped. */
export async function queueFulfilment(trx: Trx, reward: Selectable<RewardTable>, at: number): Promise<boolean> {
  const subscription = await trx.selectFrom('event_subscriptions').select('id')
    .where('id', '=', fulfilmentSubscriptionId(reward.program_id)).where('status', '=', 'active').executeTakeFirst();
  if (!subscription) return false;
  await trx.insertInto('event_deliveries').values(fulfilmentDeliveryRow(subscription.id, reward, at))
    .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing()).execute();
  return true;
}
