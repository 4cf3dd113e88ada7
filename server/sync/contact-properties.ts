import type { Kysely } from 'kysely';
import { currencyDecimals } from '../../src/app/packages/domain/money';
import type { Database } from '../db/schema';
import { hubspotDate, P } from '../hubspot/properties';
import { findProgram } from '../programs/repository';

/**
 * A contact's referral properties, derived from the ledger as it is now. Sync jobs write the whole
 * set, so they are idempotent and their order does not matter: the last one to run is current.
 */
export async function contactReferralProperties(db: Kysely<Database>, contactId: string): Promise<Record<string, string>> {
  const props: Record<string, string> = {};

  const asReferred = await db
    .selectFrom('referrals')
    .select(['status', 'qualified_at', 'flags'])
    .where('referred_contact_id', '=', contactId)
    .orderBy('captured_at')
    .executeTakeFirst();
  if (asReferred) {
    props[P.status] = asReferred.status;
    props[P.qualifiedDate] = asReferred.qualified_at ? hubspotDate(asReferred.qualified_at) : '';
    props[P.flags] = (JSON.parse(asReferred.flags) as string[]).join('; ');
  }

  const enrolled = await db.selectFrom('enrolments').select(['id', 'program_id']).where('contact_id', '=', contactId).executeTakeFirst();
  if (enrolled) {
    const referrals = await db
      .selectFrom('referrals')
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn.sum<number>(eb.case().when('status', '=', 'qualified').then(1).else(0).end()).as('qualified'),
      ])
      .where('referrer_contact_id', '=', contactId)
      .executeTakeFirstOrThrow();
    const rewards = await db
      .selectFrom('rewards')
      .select((eb) => [
        eb.fn.sum<number>(eb.case().when('status', 'in', ['approved', 'issued']).then(eb.ref('amount')).else(0).end()).as('earned'),
        eb.fn.sum<number>(eb.case().when('status', '=', 'pending_review').then(1).else(0).end()).as('pending'),
        eb.fn.max('currency').as('currency'),
      ])
      .where('recipient_contact_id', '=', contactId)
      .where('recipient', '=', 'referrer')
      .executeTakeFirstOrThrow();
    props[P.referralCount] = String(Number(referrals.total));
    props[P.qualifiedCount] = String(Number(referrals.qualified ?? 0));
    props[P.rewardsTotal] = majorUnits(Number(rewards.earned ?? 0), rewards.currency ?? 'USD');
    props[P.pendingRewards] = String(Number(rewards.pending ?? 0));
    // Beside the rewards total, so a HubSpot report can divide the one by the other per referrer or program.
    const currency = (await findProgram(db, enrolled.program_id))?.rewards.referrer.currency ?? rewards.currency ?? 'USD';
    const revenue = await db
      .selectFrom('referred_deals')
      .innerJoin('referrals', 'referrals.id', 'referred_deals.referral_id')
      .select((eb) => [
        eb.fn.sum<number>(eb.case().when('referred_deals.currency', '=', currency).then(eb.ref('referred_deals.amount')).else(0).end()).as('amount'),
        eb.fn.countAll<number>().as('deals'),
      ])
      .where('referrals.referrer_contact_id', '=', contactId)
      .where('referred_deals.won_at', 'is not', null)
      .executeTakeFirstOrThrow();
    props[P.referredRevenue] = majorUnits(Number(revenue.amount ?? 0), currency);
    props[P.wonDeals] = String(Number(revenue.deals));
  }
  return props;
}

/** HubSpot number properties are shown as typed: write "125.5", not 12550 cents. */
function majorUnits(minor: number, currency: string): string {
  return String(minor / 10 ** currencyDecimals(currency));
}
