import type { Insertable, Selectable, Transaction } from 'kysely';
import type {
  EnrolmentEventData, EventBody, EventType, ReferralEventData, RewardEventData,
} from '../../src/app/packages/contracts/events';
import type { Database, EnrolmentTable, EventDeliveryTable, EventSubscriptionTable } from '../db/schema';
import { newId } from '../ids';
import { DELIVERY_EXPIRY_MS } from './delivery-expiry';
import { fulfilmentDeliveryRow } from './fulfilment-subscription';

/**
 * The outbox: an event becomes one delivery row per subscription that wants it, inserted in the
 * transaction of the ledger change it reports. So a change that rolls back sends nothing, and a
 * change that commits is delivered even if the process dies right after.
 */

type SubscriptionRow = Selectable<EventSubscriptionTable>;

/** What a ledger transition reports, if anything: only the moves developers can subscribe to. */
export function eventTypeFor(entity: string, to: string | null): EventType | undefined {
  if (entity === 'referral' && (to === 'captured' || to === 'qualified' || to === 'rejected')) return `referral.${to}`;
  if (entity === 'reward' && (to === 'pending_review' || to === 'approved' || to === 'issued' || to === 'canceled')) return `reward.${to}`;
  return undefined;
}

/** Called by `recordTransition` for every ledger move; one indexed read when no subscription wants it. */
export async function emitTransitionEvent(
  trx: Transaction<Database>,
  t: { entity: string; entityId: string; to: string | null; reason?: string | null; at: number },
): Promise<void> {
  const type = eventTypeFor(t.entity, t.to);
  if (!type) return;
  if (t.entity === 'reward') {
    const subscriptions = wanting(await trx.selectFrom('event_subscriptions').selectAll('event_subscriptions')
      .innerJoin('rewards', 'rewards.program_id', 'event_subscriptions.program_id')
      .where('rewards.id', '=', t.entityId).where('event_subscriptions.status', '=', 'active').execute(), type);
    if (subscriptions.length === 0) return;
    const r = await trx.selectFrom('rewards').selectAll().where('id', '=', t.entityId).executeTakeFirstOrThrow();
    // The program's fulfilment webhook is a subscriber too, with its own body and key (fulfilment-subscription.ts).
    const fulfilment = subscriptions.filter((s) => s.kind === 'fulfilment');
    if (fulfilment.length > 0) {
      await trx.insertInto('event_deliveries').values(fulfilment.map((s) => fulfilmentDeliveryRow(s.id, r, t.at)))
        .onConflict((oc) => oc.columns(['subscription_id', 'event_id']).doNothing()).execute();
    }
    const developers = subscriptions.filter((s) => s.kind !== 'fulfilment');
    if (developers.length === 0) return;
    const data: RewardEventData = {
      reward: {
        id: r.id, referralId: r.referral_id, recipient: r.recipient, recipientContactId: r.recipient_contact_id, kind: r.kind,
        amount: Number(r.amount), currency: r.currency, status: t.to as RewardEventData['reward']['status'], fulfilmentReference: r.fulfilment_ref,
      },
      reason: t.reason ?? null,
    };
    await insertDeliveries(trx, developers, { id: newId('evt'), programId: r.program_id, occurredAt: iso(t.at), type, data } as EventBody,
      { streamKey: r.referral_id, contactId: r.recipient_contact_id, at: t.at });
    return;
  }
  const subscriptions = wanting(await trx.selectFrom('event_subscriptions').selectAll('event_subscriptions')
    .innerJoin('referrals', 'referrals.program_id', 'event_subscriptions.program_id')
    .where('referrals.id', '=', t.entityId).where('event_subscriptions.status', '=', 'active').execute(), type);
  if (subscriptions.length === 0) return;
  const r = await trx.selectFrom('referrals').selectAll().where('id', '=', t.entityId).executeTakeFirstOrThrow();
  const data: ReferralEventData = {
    referral: {
      id: r.id, enrolmentId: r.enrolment_id, referrerContactId: r.referrer_contact_id, referredContactId: r.referred_contact_id,
      source: r.source, status: t.to as ReferralEventData['referral']['status'], flags: JSON.parse(r.flags) as string[],
      reason: t.reason ?? r.reason, capturedAt: iso(r.captured_at), qualifiedAt: r.qualified_at === null ? null : iso(r.qualified_at),
    },
  };
  await insertDeliveries(trx, subscriptions, { id: newId('evt'), programId: r.program_id, occurredAt: iso(t.at), type, data } as EventBody,
    { streamKey: r.id, contactId: r.referrer_contact_id, at: t.at });
}

/** `enrolment.created` for enrolments created together (a bulk run writes 200 in one transaction). */
export async function emitEnrolmentsCreated(trx: Transaction<Database>, rows: Array<Selectable<EnrolmentTable>>, at: number): Promise<void> {
  const programIds = [...new Set(rows.map((r) => r.program_id))];
  if (programIds.length === 0) return;
  const subscriptions = wanting(await trx.selectFrom('event_subscriptions').selectAll()
    .where('program_id', 'in', programIds).where('status', '=', 'active').execute(), 'enrolment.created');
  for (const e of rows) {
    const mine = subscriptions.filter((s) => s.program_id === e.program_id);
    if (mine.length === 0) continue;
    const data: EnrolmentEventData = {
      enrolment: { id: e.id, contactId: e.contact_id, code: e.code, link: e.link, source: e.source, status: e.status, createdAt: iso(e.created_at) },
    };
    await insertDeliveries(trx, mine, { id: newId('evt'), programId: e.program_id, occurredAt: iso(at), type: 'enrolment.created', data },
      { streamKey: e.id, contactId: e.contact_id, at });
  }
}

function wanting(subscriptions: SubscriptionRow[], type: EventType): SubscriptionRow[] {
  return subscriptions.filter((s) => (JSON.parse(s.event_types) as string[]).includes(type));
}

async function insertDeliveries(
  trx: Transaction<Database>, subscriptions: SubscriptionRow[], body: EventBody, where: { streamKey: string; contactId: string; at: number },
): Promise<void> {
  const payload = JSON.stringify(body);
  const rows: Array<Insertable<EventDeliveryTable>> = subscriptions.map((s) => ({
    subscription_id: s.id, event_id: body.id, event_type: body.type, stream_key: where.streamKey, contact_id: where.contactId, payload,
    status: 'pending', attempts: 0, next_attempt_at: where.at, expires_at: where.at + DELIVERY_EXPIRY_MS,
    locked_by: null, locked_until: null, last_error: null, created_at: where.at, delivered_at: null,
  }));
  await trx.insertInto('event_deliveries').values(rows).execute();
}

const iso = (ms: number) => new Date(Number(ms)).toISOString();
