import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { DatabaseHandle } from '../db/database';
import type { Database, EventDeliveryTable, EventSubscriptionTable } from '../db/schema';
import { backoffMs, enqueue } from '../jobs/queue';
import { PollingLoop } from '../jobs/polling-loop';
import type { Logger } from '../logger';
import { eventEndpointItem } from '../owner-tasks/item-keys';
import { completeOwnerTaskJob, raiseOwnerTaskJob } from '../owner-tasks/jobs';
import { signatureHeader, SIGNATURE_HEADER } from './signature';
import { signingSecret, type SecretLookup } from './signing-secret';

export type DeliveryRow = Selectable<EventDeliveryTable>;

/**
 * What a system subscription adds to a plain delivery (the fulfilment webhook: server/rewards/fulfilment.ts).
 * A developer's subscription (kind `webhook`) needs none of it.
 */
export interface DeliveryKind {
  /** Read before each send: a reason to end the delivery unsent (`skipped`), or undefined to send it. */
  skipReason(delivery: DeliveryRow): Promise<string | undefined>;
  /** Headers beside the standard ones, for receivers written against older ones. */
  extraHeaders?(body: string, secret: string | undefined): Record<string, string>;
  /**
   * Runs in the transaction that records the acknowledgement, so what it changes happens exactly
   * when the delivery is settled, once. `answer` is the receiver's response body. A returned note is
   * kept on the delivery (its `lastError`) for a person to read.
   */
  acknowledged(trx: Transaction<Database>, delivery: DeliveryRow, answer: string): Promise<string | undefined>;
  /** Runs in the transaction that gives the delivery up. */
  expired?(trx: Transaction<Database>, delivery: DeliveryRow, error: string): Promise<void>;
}

export interface EventDispatcherOptions {
  clock: () => number;
  logger: Logger;
  fetch?: typeof fetch;
  /** How long a claim lasts: a dispatcher that died mid-delivery leaves its deliveries to another after this. */
  leaseMs?: number;
  /** Failed attempts of one delivery after which its endpoint counts as failing and the program owner is told (once). */
  failingAfter?: number;
  timeoutMs?: number;
  /** Where a `secret_ref` is looked up: the service's environment. */
  env?: SecretLookup;
  /** The system subscription kinds this dispatcher sends; a kind without one is left to a dispatcher that has it. */
  kinds?: { fulfilment?: DeliveryKind };
}

export const FAILING_AFTER_ATTEMPTS = 5;

/**
 * Sends the outbox. Only the head of each stream (the oldest pending delivery of one subscription
 * and one referral or enrolment) is claimed, so a receiver sees a referral's events in order, and a
 * later event waits while an earlier one is retried. A claim is a lease on the row: a dispatcher that
 * dies after claiming loses nothing, another sends the delivery once the lease is over. The receiver
 * may then see an attempt twice, with the same Idempotency-Key; exactly once is per key.
 */
export class EventDispatcher {
  private readonly id = `dispatcher-${randomUUID().slice(0, 8)}`;
  private readonly loop: PollingLoop;
  private readonly sendable: Array<EventSubscriptionTable['kind']>;

  constructor(private readonly database: DatabaseHandle, private readonly opts: EventDispatcherOptions) {
    this.sendable = ['webhook', ...(opts.kinds?.fulfilment ? ['fulfilment' as const] : [])];
    // A full round means more may be waiting: go again at once.
    this.loop = new PollingLoop(() => this.runDue(), opts.logger, 'event dispatcher tick failed', true);
  }

  /** Claims and attempts every due head once; returns how many were attempted. Tests call this directly. */
  async runDue(limit = 50): Promise<number> {
    const claimed = await this.claim(limit);
    for (const delivery of claimed) await this.attempt(delivery);
    return claimed.length;
  }

  /** Until nothing is due: each delivered head makes the next of its stream due. */
  async drain(maxRounds = 100): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.runDue()) === 0) return;
  }

  start(intervalMs = 1000): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async claim(limit: number): Promise<DeliveryRow[]> {
    const now = this.opts.clock();
    const { db, dialect } = this.database;
    const heads = db
      .selectFrom('event_deliveries as d')
      .select('d.id')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('d.locked_until', 'is', null), eb('d.locked_until', '<', now)]))
      // A paused subscription's deliveries wait for it to be resumed; a kind this dispatcher cannot send waits for one that can.
      .where('d.subscription_id', 'in', db.selectFrom('event_subscriptions').select('id').where('status', '=', 'active').where('kind', 'in', this.sendable))
      .where((eb) => eb.not(eb.exists(
        eb.selectFrom('event_deliveries as p').select(sql<number>`1`.as('one'))
          .whereRef('p.subscription_id', '=', 'd.subscription_id')
          .whereRef('p.stream_key', '=', 'd.stream_key')
          .where('p.status', '=', 'pending')
          .whereRef('p.id', '<', 'd.id'),
      )))
      .orderBy('d.id')
      .limit(limit);
    // SQLite has one writer at a time, so the update is already exclusive there.
    const ids = dialect === 'postgres' ? heads.modifyEnd(sql`for update skip locked`) : heads;
    const rows = await db
      .updateTable('event_deliveries')
      .set({ locked_by: this.id, locked_until: now + (this.opts.leaseMs ?? 60_000) })
      .where('id', 'in', ids)
      .returningAll()
      .execute();
    return rows.sort((a, b) => Number(a.id) - Number(b.id));
  }

  private async attempt(delivery: DeliveryRow): Promise<void> {
    const db = this.database.db;
    // A round that ran past its lease may find its later claims taken over (and delivered) by another.
    const stillMine = await db.selectFrom('event_deliveries').select('id').where('id', '=', delivery.id).where('status', '=', 'pending')
      .where('locked_by', '=', this.id).where('locked_until', '=', delivery.locked_until).executeTakeFirst();
    if (!stillMine) return;
    const subscription = await db.selectFrom('event_subscriptions').selectAll().where('id', '=', delivery.subscription_id).executeTakeFirstOrThrow();
    const kind = subscription.kind === 'fulfilment' ? this.opts.kinds?.fulfilment : undefined;
    const skip = await kind?.skipReason(delivery);
    if (skip !== undefined) {
      await this.database.db.transaction().execute((trx) => this.settle(trx, delivery, { status: 'skipped', last_error: skip }));
      return;
    }
    const signing = signingSecret(subscription, this.opts.env ?? process.env);
    if ('error' in signing) {
      await this.failed(delivery, signing.error, kind);
      return;
    }
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'idempotency-key': delivery.event_id,
      'referral-ops-event': delivery.event_type,
      ...(signing.secret !== undefined && { [SIGNATURE_HEADER]: signatureHeader(signing.secret, delivery.payload, this.opts.clock()) }),
      ...kind?.extraHeaders?.(delivery.payload, signing.secret),
    };
    let error: string | undefined;
    let answer = '';
    try {
      const res = await (this.opts.fetch ?? fetch)(subscription.url, {
        method: 'POST',
        headers,
        body: delivery.payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
      if (res.status < 200 || res.status > 299) error = `the endpoint answered ${res.status}`;
      // Only a kind that acts on the answer reads it.
      if (error === undefined && kind) answer = await res.text();
      else await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      error = `the endpoint could not be reached: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (error === undefined) await this.delivered(delivery, kind, answer);
    else await this.failed(delivery, error, kind);
  }

  private async delivered(delivery: DeliveryRow, kind: DeliveryKind | undefined, answer: string): Promise<void> {
    const now = this.opts.clock();
    await this.database.db.transaction().execute(async (trx) => {
      if (!(await this.settle(trx, delivery, { status: 'delivered', attempts: delivery.attempts + 1, delivered_at: now, last_error: null }))) return;
      const note = await kind?.acknowledged(trx, delivery, answer);
      if (note !== undefined) await trx.updateTable('event_deliveries').set({ last_error: note.slice(0, 2000) }).where('id', '=', delivery.id).execute();
      // The endpoint works again: the owner's task about it is resolved.
      const subscription = await trx.selectFrom('event_subscriptions').select('failing_since').where('id', '=', delivery.subscription_id).executeTakeFirstOrThrow();
      if (subscription.failing_since === null) return;
      await trx.updateTable('event_subscriptions').set({ failing_since: null, updated_at: now }).where('id', '=', delivery.subscription_id).execute();
      const item = eventEndpointItem(delivery.subscription_id, Number(subscription.failing_since));
      const resolved = await trx.updateTable('owner_tasks').set({ status: 'completed', updated_at: now })
        .where('item_key', '=', item).where('status', '=', 'open').executeTakeFirst();
      if (Number(resolved.numUpdatedRows) > 0) await enqueue(trx, completeOwnerTaskJob(item), now);
      this.opts.logger.info({ subscription: delivery.subscription_id }, 'event endpoint recovered');
    });
  }

  private async failed(delivery: DeliveryRow, error: string, kind?: DeliveryKind): Promise<void> {
    const now = this.opts.clock();
    const attempts = delivery.attempts + 1;
    const expired = now >= Number(delivery.expires_at);
    await this.database.db.transaction().execute(async (trx) => {
      const settled = await this.settle(trx, delivery, {
        status: expired ? 'expired' : 'pending', attempts, next_attempt_at: now + backoffMs(attempts), last_error: error.slice(0, 2000),
      });
      if (!settled) return;
      this.opts.logger.warn({ delivery: delivery.id, subscription: delivery.subscription_id, attempts, error }, expired ? 'event delivery expired' : 'event delivery will retry');
      if (expired) await kind?.expired?.(trx, delivery, error);
      if (attempts < (this.opts.failingAfter ?? FAILING_AFTER_ATTEMPTS)) return;
      // Only the attempt that marks the endpoint failing raises the task: one per failing spell (the item
      // names its start), not one per event.
      const marked = await trx.updateTable('event_subscriptions').set({ failing_since: now, updated_at: now })
        .where('id', '=', delivery.subscription_id).where('failing_since', 'is', null).executeTakeFirst();
      if (Number(marked.numUpdatedRows) > 0) await enqueue(trx, raiseOwnerTaskJob({ item: eventEndpointItem(delivery.subscription_id, now), detail: error }), now);
    });
  }

  /** Applies the outcome only while this dispatcher's lease stands: a reclaimed delivery belongs to its new holder. */
  private async settle(trx: Transaction<Database>, delivery: DeliveryRow, changes: Updateable<EventDeliveryTable>): Promise<boolean> {
    const result = await trx.updateTable('event_deliveries')
      .set({ ...changes, locked_by: null, locked_until: null })
      .where('id', '=', delivery.id)
      .where('locked_by', '=', this.id)
      .where('locked_until', '=', delivery.locked_until)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return true;
    this.opts.logger.warn({ delivery: delivery.id }, 'event delivery outcome discarded: the lease ran out and the delivery was claimed again');
    return false;
  }
}
