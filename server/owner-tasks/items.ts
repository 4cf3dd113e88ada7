import { sql, type Transaction } from 'kysely';
import { formatMoney } from '../../src/app/packages/domain/money';
import type { Db, Dialect } from '../db/database';
import type { Database } from '../db/schema';
import type { JobRow } from '../jobs/queue';
import { FULFIL_WEBHOOK } from '../rewards/fulfilment-job';
import { COMPLETE_CALLBACK, SYNC_CONTACT } from '../sync/jobs';
import { fulfilmentItem, hubspotWriteItem, parseItemKey } from './item-keys';

/** Job kinds whose giving up leaves a HubSpot record out of date or a workflow waiting. */
const HUBSPOT_WRITE_KINDS: readonly string[] = [SYNC_CONTACT, COMPLETE_CALLBACK];

/** What the task says about one item; the contact's name is only known once HubSpot has been asked. */
export interface ItemDescription {
  programId: string;
  contactId: string;
  subject: (contactName: string) => string;
  reason: string;
  /** What resolves the item, in words the owner can act on. */
  nextStep: string;
  priority: 'MEDIUM' | 'HIGH';
}

/** Undefined when the item points at nothing this service can attribute to a program and a contact. */
export async function describeItem(db: Db, key: string, detail: string | undefined): Promise<ItemDescription | undefined> {
  const { kind, id } = parseItemKey(key);
  if (kind === 'hubspot-write') return describeHubSpotWrite(db, Number(id), detail);
  if (kind === 'event-endpoint') return describeEventEndpoint(db, id, detail);
  const reward = await db.selectFrom('rewards').selectAll().where('id', '=', id).executeTakeFirst();
  if (!reward) return undefined;
  const money = formatMoney(reward.amount, reward.currency);
  const base = { programId: reward.program_id, contactId: reward.recipient_contact_id };
  if (kind === 'review') {
    const reasons = (JSON.parse(reward.review_reasons) as Array<{ message: string }>).map((r) => r.message);
    return {
      ...base,
      subject: (name) => `Review referral reward: ${money} for ${name}`,
      reason: `The ${reward.recipient}'s reward ${reward.id} waits for review: ${reasons.join('; ') || 'the program asks for review'}.`,
      nextStep: "Approve or reject it on the contact's referral card.",
      priority: 'MEDIUM',
    };
  }
  return {
    ...base,
    subject: (name) => `Referral reward not paid: ${money} for ${name}`,
    reason: `Fulfilment of the ${reward.recipient}'s reward ${reward.id} gave up after its retries: ${detail ?? 'no error recorded'}.`,
    nextStep: `Fix the fulfilment receiver and pay the reward another way, then mark it issued (POST /api/rewards/${reward.id}/issue), or cancel it.`,
    priority: 'HIGH',
  };
}

/** The task hangs on the contact of the oldest event the endpoint has not taken. */
async function describeEventEndpoint(db: Db, id: string, detail: string | undefined): Promise<ItemDescription | undefined> {
  const subscriptionId = id.split('@')[0]!;
  const subscription = await db.selectFrom('event_subscriptions').selectAll().where('id', '=', subscriptionId).executeTakeFirst();
  const oldest = (status: 'pending' | 'expired') => db.selectFrom('event_deliveries').select('contact_id')
    .where('subscription_id', '=', subscriptionId).where('status', '=', status).orderBy('id').executeTakeFirst();
  // Still waiting, or (when the raise runs late) the one that ran out of retries.
  const stuck = (await oldest('pending')) ?? (await oldest('expired'));
  if (!subscription || !stuck) return undefined;
  return {
    programId: subscription.program_id,
    contactId: stuck.contact_id,
    ...(subscription.kind === 'fulfilment' ? {
      // Approved rewards wait unpaid behind it: the owner must know it is the payout, not an integration.
      subject: () => `Referral reward payouts failing: ${new URL(subscription.url).host}`,
      reason: `The fulfilment webhook of program ${subscription.program_id} at ${subscription.url} keeps failing: ${detail ?? 'no error recorded'}. Approved rewards are not paid until it answers; each is retried until it expires (3 days).`,
    } : {
      subject: () => `Referral event webhook failing: ${new URL(subscription.url).host}`,
      reason: `Events of subscription ${subscription.id} to ${subscription.url} keep failing: ${detail ?? 'no error recorded'}. They are retried until they expire (3 days each).`,
    }),
    nextStep: 'Fix the endpoint (it must answer 2xx to a signed POST); the task completes itself at its next successful delivery.',
    priority: 'HIGH',
  };
}

async function describeHubSpotWrite(db: Db, jobId: number, detail: string | undefined): Promise<ItemDescription | undefined> {
  const job = await db.selectFrom('jobs').selectAll().where('id', '=', jobId).executeTakeFirst();
  if (!job) return undefined;
  const target = await hubspotWriteTarget(db, job);
  if (!target) return undefined;
  const error = detail ?? job.last_error ?? 'no error recorded';
  if (job.kind === COMPLETE_CALLBACK) {
    return {
      ...target,
      subject: (name) => `Referral workflow not resumed for ${name}`,
      reason: `Resuming the workflow paused by "Qualify referral" gave up after its retries: ${error}.`,
      nextStep: 'Check the workflow in HubSpot and move the contact on by hand; the ledger decision stands.',
      priority: 'HIGH',
    };
  }
  return {
    ...target,
    subject: (name) => `Referral properties not updated for ${name}`,
    reason: `Writing the referral properties to the HubSpot contact gave up after its retries: ${error}.`,
    nextStep: 'Check the HubSpot connection (token, scopes, properties); the next change to this contact writes them again.',
    priority: 'HIGH',
  };
}

/** The contact a failed write was about, and the program it belongs to (the contact's latest). */
async function hubspotWriteTarget(db: Db, job: JobRow): Promise<{ programId: string; contactId: string } | undefined> {
  const payload = JSON.parse(job.payload) as { contactId?: string; callbackId?: string };
  if (job.kind === COMPLETE_CALLBACK && payload.callbackId) {
    const decision = await db.selectFrom('action_decisions').selectAll().where('callback_id', '=', payload.callbackId).executeTakeFirst();
    const reward = await db.selectFrom('rewards').innerJoin('referrals', 'referrals.id', 'rewards.referral_id')
      .select(['rewards.program_id', 'referrals.referred_contact_id'])
      .where('rewards.callback_id', '=', payload.callbackId).executeTakeFirst();
    if (reward) return { programId: reward.program_id, contactId: reward.referred_contact_id };
    if (decision?.program_id && decision.object_type === 'CONTACT') return { programId: decision.program_id, contactId: decision.object_id };
    return undefined;
  }
  if (!payload.contactId) return undefined;
  const contactId = payload.contactId;
  const referral = await db.selectFrom('referrals').select('program_id')
    .where((eb) => eb.or([eb('referred_contact_id', '=', contactId), eb('referrer_contact_id', '=', contactId)]))
    .orderBy('captured_at', 'desc').executeTakeFirst();
  const programId = referral?.program_id
    ?? (await db.selectFrom('enrolments').select('program_id').where('contact_id', '=', contactId).orderBy('created_at', 'desc').executeTakeFirst())?.program_id;
  return programId ? { programId, contactId } : undefined;
}

/** Which item, if any, a job that gave up leaves for a person. */
export function itemForDeadJob(job: JobRow): string | undefined {
  if (job.kind === FULFIL_WEBHOOK) return fulfilmentItem((JSON.parse(job.payload) as { rewardId: string }).rewardId);
  if (HUBSPOT_WRITE_KINDS.includes(job.kind)) return hubspotWriteItem(job.id);
  return undefined;
}

/**
 * Whether the item still needs a person, read under the reward's row lock: the ledger change that
 * resolves it takes the same lock, so either it sees the task row or the raise sees it resolved.
 */
export async function itemStillOpen(trx: Transaction<Database>, dialect: Dialect, key: string): Promise<boolean> {
  const { kind, id } = parseItemKey(key);
  if (kind === 'hubspot-write') return true;
  if (kind === 'event-endpoint') {
    const [subscriptionId, since] = id.split('@');
    const query = trx.selectFrom('event_subscriptions').select('failing_since').where('id', '=', subscriptionId!);
    const subscription = await (dialect === 'postgres' ? query.modifyEnd(sql`for update`) : query).executeTakeFirst();
    return subscription?.failing_since != null && Number(subscription.failing_since) === Number(since);
  }
  const query = trx.selectFrom('rewards').select('status').where('id', '=', id);
  const reward = await (dialect === 'postgres' ? query.modifyEnd(sql`for update`) : query).executeTakeFirst();
  return reward?.status === (kind === 'review' ? 'pending_review' : 'approved');
}
