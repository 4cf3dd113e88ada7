import type { Selectable } from 'kysely';
import type { EventSubscriptionView, EventType } from '../../src/app/packages/contracts/events';
import type { Db } from '../db/database';
import type { EventDeliveryTable, EventSubscriptionTable } from '../db/schema';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { SubscriptionInput } from './subscription-input';

type SubscriptionRow = Selectable<EventSubscriptionTable>;

export async function createSubscription(db: Db, programId: string, input: SubscriptionInput, now: number): Promise<SubscriptionRow> {
  const row: SubscriptionRow = {
    id: newId('sub'), program_id: programId, kind: 'webhook', url: input.url, secret: input.secret ?? '', secret_ref: input.secretRef ?? null,
    event_types: JSON.stringify(input.eventTypes), status: 'active', failing_since: null, created_at: now, updated_at: now,
  };
  await db.insertInto('event_subscriptions').values(row).execute();
  return row;
}

/** Active and paused ones, the program's fulfilment webhook among them (shown, changed only through the program). */
export async function listSubscriptions(db: Db, programId: string): Promise<SubscriptionRow[]> {
  return db.selectFrom('event_subscriptions').selectAll().where('program_id', '=', programId).where('status', '!=', 'deleted')
    .orderBy('created_at').orderBy('id').execute();
}

export async function subscriptionOrNotFound(db: Db, id: string): Promise<SubscriptionRow> {
  const row = await db.selectFrom('event_subscriptions').selectAll().where('id', '=', id).where('status', '!=', 'deleted').executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No event subscription "${id}"`);
  return row;
}

/** The fulfilment webhook follows its program's `fulfilment` setting, or the two would disagree. */
function refuseFulfilment(row: SubscriptionRow, what: string): void {
  if (row.kind !== 'fulfilment') return;
  throw new AppError('INVALID_STATE', `This subscription is program ${row.program_id}'s fulfilment webhook and cannot be ${what} here: change the program's fulfilment setting instead.`);
}

/**
 * Pauses or resumes. While paused the subscription records no events, and the deliveries already
 * waiting are held (not sent, not retried) until it is resumed.
 */
export async function setSubscriptionStatus(db: Db, id: string, status: 'active' | 'paused', now: number): Promise<SubscriptionRow> {
  const row = await subscriptionOrNotFound(db, id);
  refuseFulfilment(row, status === 'paused' ? 'paused' : 'resumed');
  const updated = await db.updateTable('event_subscriptions').set({ status, updated_at: now })
    .where('id', '=', id).where('status', '!=', 'deleted').returningAll().executeTakeFirst();
  if (!updated) throw new AppError('NOT_FOUND', `No event subscription "${id}"`);
  return updated;
}

/**
 * Stops the subscription. Its deliveries not yet taken end as `expired` in the same transaction, so
 * nothing more is sent to an endpoint its owner took away.
 */
export async function deleteSubscription(db: Db, id: string, now: number): Promise<void> {
  refuseFulfilment(await subscriptionOrNotFound(db, id), 'removed');
  await db.transaction().execute(async (trx) => {
    const stopped = await trx.updateTable('event_subscriptions').set({ status: 'deleted', failing_since: null, updated_at: now })
      .where('id', '=', id).where('status', '!=', 'deleted').executeTakeFirst();
    if (Number(stopped.numUpdatedRows) === 0) throw new AppError('NOT_FOUND', `No event subscription "${id}"`);
    await trx.updateTable('event_deliveries').set({ status: 'expired', last_error: 'the subscription was deleted' })
      .where('subscription_id', '=', id).where('status', '=', 'pending').execute();
  });
}

/** The latest deliveries, newest first: what a developer reads to see why their endpoint gets nothing. */
export async function recentDeliveries(db: Db, subscriptionId: string, limit = 100): Promise<Array<Selectable<EventDeliveryTable>>> {
  return db.selectFrom('event_deliveries').selectAll().where('subscription_id', '=', subscriptionId).orderBy('id', 'desc').limit(limit).execute();
}

/** The secret is write-only: it is never shown again. */
export function subscriptionView(row: SubscriptionRow): EventSubscriptionView {
  return {
    id: row.id, programId: row.program_id, kind: row.kind, status: row.status === 'paused' ? 'paused' : 'active', url: row.url,
    secretRef: row.secret_ref, eventTypes: JSON.parse(row.event_types) as EventType[],
    failingSince: row.failing_since === null ? null : new Date(Number(row.failing_since)).toISOString(),
    createdAt: new Date(Number(row.created_at)).toISOString(),
  };
}

export function deliveryView(row: Selectable<EventDeliveryTable>) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    id: Number(row.id), eventId: row.event_id, eventType: row.event_type, status: row.status, attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null, lastError: row.last_error,
    createdAt: iso(row.created_at), deliveredAt: iso(row.delivered_at),
  };
}
