import type { Insertable } from 'kysely';
import type { AppContext } from '../context';
import type { ReferredDealTable } from '../db/schema';
import { hubspotStatus } from '../hubspot/client';
import { JOB_CALL_ATTEMPTS, type HubSpotGateway } from '../hubspot/gateway';
import { associatedIds } from '../hubspot/live-data';
import type { JobHandler, NewJob } from '../jobs/queue';
import { enqueue } from '../jobs/queue';
import { isPseudonym } from '../privacy/pseudonym';
import { findProgram } from '../programs/repository';
import { syncContactJob } from '../sync/jobs';
import { currencyDecimals, isKnownCurrency } from '../../src/app/packages/domain/money';
import { isClosedWon, type Pipeline } from '../../src/app/packages/domain/qualification';

/**
 * Keeps `referred_deals` (migration 014): the deals of referred contacts as the service last read
 * them, so the report shows referred revenue without calling HubSpot. Read when a referral is decided
 * (every deal of the friend) and when a deal's stage changes (that deal, for every referral of its
 * contacts). A rejected referral earns nothing, and a deal that closed before the referral was
 * captured was not referred: neither is counted.
 */

export const READ_REFERRAL_DEALS = 'reports.read-referral-deals';
export const READ_DEAL = 'reports.read-deal';

export function readReferralDealsJob(referralId: string): NewJob {
  return { kind: READ_REFERRAL_DEALS, payload: { referralId }, dedupeKey: `${READ_REFERRAL_DEALS}:${referralId}` };
}

export function readDealJob(dealId: string): NewJob {
  return { kind: READ_DEAL, payload: { dealId }, dedupeKey: `${READ_DEAL}:${dealId}` };
}

export function referredDealsJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  const gateway = ctx.gateway.withMaxAttempts(JOB_CALL_ATTEMPTS);
  const hubspot = { ...ctx, gateway };
  return {
    [READ_REFERRAL_DEALS]: async (payload) => readReferralDeals(hubspot, (payload as { referralId: string }).referralId),
    [READ_DEAL]: async (payload) => readDeal(hubspot, (payload as { dealId: string }).dealId),
  };
}

type Hubspot = Pick<AppContext, 'database' | 'gateway' | 'portalSettings' | 'clock'>;

interface DealFigures {
  id: string;
  /** HubSpot's amount as written there (a decimal string), or null. */
  amount: string | null;
  currency: string | null;
  /** When the deal entered the closed-won stage it is in now; null when it is not won. */
  wonAt: number | null;
}

interface ReferralRow {
  id: string;
  program_id: string;
  referred_contact_id: string;
  captured_at: number;
  status: string;
}

/** Every deal of the referral's friend. */
export async function readReferralDeals(ctx: Hubspot, referralId: string): Promise<void> {
  const referral = await ctx.database.db
    .selectFrom('referrals').select(['id', 'program_id', 'referred_contact_id', 'captured_at', 'status'])
    .where('id', '=', referralId).executeTakeFirst();
  // An erased friend has no HubSpot record to read: the deals already kept keep counting.
  if (!referral || isPseudonym(referral.referred_contact_id)) return;
  const dealIds = referral.status === 'rejected'
    ? []
    : (await associatedIds(ctx.gateway, 'contacts', [referral.referred_contact_id], 'deals')).get(referral.referred_contact_id) ?? [];
  const deals = await readDealFigures(ctx, dealIds);
  await write(ctx, [referral], deals, { referralIds: [referral.id] });
}

/** One deal, for every referral of the contacts it is associated with. */
export async function readDeal(ctx: Hubspot, dealId: string): Promise<void> {
  const contactIds = (await associatedIds(ctx.gateway, 'deals', [dealId], 'contacts')).get(dealId) ?? [];
  const referrals = contactIds.length === 0 ? [] : await ctx.database.db
    .selectFrom('referrals').select(['id', 'program_id', 'referred_contact_id', 'captured_at', 'status'])
    .where('referred_contact_id', 'in', contactIds).where('status', '!=', 'rejected').execute();
  const deals = referrals.length === 0 ? [] : await readDealFigures(ctx, [dealId]);
  await write(ctx, referrals, deals, { dealId });
}

/**
 * Replaces the rows in `scope` (the referrals' deals, or one deal's rows) with what was read, in one
 * transaction: a deal no longer associated, deleted, lost or won before the referral leaves no row.
 */
async function write(
  ctx: Hubspot, referrals: ReferralRow[], deals: DealFigures[], scope: { referralIds: string[] } | { dealId: string },
): Promise<void> {
  const now = ctx.clock();
  const rows: Insertable<ReferredDealTable>[] = [];
  for (const referral of referrals) {
    const fallback = await programCurrency(ctx, referral.program_id);
    for (const deal of deals) {
      if (deal.wonAt === null || deal.wonAt < referral.captured_at) continue;
      const currency = deal.currency ?? fallback;
      rows.push({
        referral_id: referral.id, deal_id: deal.id, program_id: referral.program_id,
        amount: currency === null ? null : minorUnits(deal.amount, currency), currency, won_at: deal.wonAt, read_at: now,
      });
    }
  }
  await ctx.database.db.transaction().execute(async (trx) => {
    const existing = 'dealId' in scope
      ? await trx.selectFrom('referred_deals').select(['referral_id', 'deal_id']).where('deal_id', '=', scope.dealId).execute()
      : await trx.selectFrom('referred_deals').select(['referral_id', 'deal_id']).where('referral_id', 'in', scope.referralIds).execute();
    const kept = new Set(rows.map((r) => `${r.referral_id} ${r.deal_id}`));
    for (const gone of existing.filter((e) => !kept.has(`${e.referral_id} ${e.deal_id}`))) {
      await trx.deleteFrom('referred_deals').where('referral_id', '=', gone.referral_id).where('deal_id', '=', gone.deal_id).execute();
    }
    for (const row of rows) {
      await trx.insertInto('referred_deals').values(row)
        .onConflict((oc) => oc.columns(['referral_id', 'deal_id']).doUpdateSet({
          amount: row.amount, currency: row.currency, won_at: row.won_at, program_id: row.program_id, read_at: row.read_at,
        }))
        .execute();
    }
    // The referrers' revenue properties follow; a sync writes the ledger as it is when it runs.
    const touched = [...new Set([...rows.map((r) => r.referral_id), ...existing.map((e) => e.referral_id)])];
    if (touched.length === 0) return;
    const referrers = await trx.selectFrom('referrals').select('referrer_contact_id').distinct().where('id', 'in', touched).execute();
    await enqueue(trx, referrers.map((r) => syncContactJob(r.referrer_contact_id)), now);
  });
}

/**
 * Deals without `deal_currency_code` (a portal with one currency) are in the company currency; the
 * program's reward currency stands in for it, as programs pay in the portal's currency.
 */
async function programCurrency(ctx: Hubspot, programId: string): Promise<string | null> {
  const program = await findProgram(ctx.database.db, programId);
  return program?.rewards.referrer.currency ?? null;
}

/** HubSpot stores amounts as decimal numbers; a missing, unreadable or negative one is not revenue. */
export function minorUnits(amount: string | null, currency: string): number | null {
  if (amount === null || amount.trim() === '') return null;
  const value = Number(amount);
  if (!Number.isFinite(value) || value < 0) return null;
  const minor = Math.round(value * 10 ** currencyDecimals(currency));
  return Number.isSafeInteger(minor) ? minor : null;
}

async function readDealFigures(ctx: Pick<Hubspot, 'gateway' | 'portalSettings'>, dealIds: string[]): Promise<DealFigures[]> {
  if (dealIds.length === 0) return [];
  const pipelines = await ctx.portalSettings.pipelines();
  const deals: DealFigures[] = [];
  for (let i = 0; i < dealIds.length; i += HISTORY_BATCH) {
    const batch = await readBatch(ctx.gateway, dealIds.slice(i, i + HISTORY_BATCH));
    for (const d of batch) {
      const stage = d.properties.dealstage ?? '';
      const won = isWon(pipelines, d.properties.pipeline ?? 'default', stage);
      const code = d.properties.deal_currency_code?.trim().toUpperCase();
      deals.push({
        id: d.id,
        amount: d.properties.amount ?? null,
        currency: code && isKnownCurrency(code) ? code : null,
        wonAt: won ? enteredAt(d.propertiesWithHistory?.dealstage, stage) ?? closeDate(d.properties.closedate) : null,
      });
    }
  }
  return deals;
}

/** HubSpot's limit for batch reads that ask for property history. */
const HISTORY_BATCH = 50;

async function readBatch(gateway: HubSpotGateway, ids: string[]) {
  try {
    const result = await gateway.call('read', 'read referred deals', (client) => client.crm.deals.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties: ['amount', 'deal_currency_code', 'closedate', 'dealstage', 'pipeline'],
      propertiesWithHistory: ['dealstage'],
    }));
    return result.results;
  } catch (err) {
    // A batch whose deals are all gone is a 404: no deal left to count.
    if (hubspotStatus(err) === 404) return [];
    throw err;
  }
}

function isWon(pipelines: Pipeline[], pipelineId: string, stageId: string): boolean {
  const stage = pipelines.find((p) => p.id === pipelineId)?.stages.find((s) => s.id === stageId);
  return stage ? isClosedWon(stage) : false;
}

/** The latest time the deal entered its current stage. */
function enteredAt(history: Array<{ value: string; timestamp: Date }> | undefined, stage: string): number | null {
  const times = (history ?? []).filter((h) => h.value === stage).map((h) => new Date(h.timestamp).getTime());
  return times.length ? Math.max(...times) : null;
}

function closeDate(value: string | null | undefined): number | null {
  const time = value ? Date.parse(value) : NaN;
  return Number.isFinite(time) ? time : null;
}
