/**
 * Rewards that are a share of the qualifying deal's amount. HubSpot gives a deal's amount as a
 * decimal string in the deal's currency; the reward is computed once, at the decision, from the
 * amount read then, and the deal, amount, currency and read time are kept as its basis so a later
 * edit of the deal cannot silently change what was promised.
 */
import { currencyDecimals } from './money';

/** Which deal pays a milestone reached on the contact (lifecycle stage, property). */
export const CONTACT_MILESTONE_DEALS = ['first_closed_won_after_referral', 'fixed_amount'] as const;
export type ContactMilestoneDeal = (typeof CONTACT_MILESTONE_DEALS)[number];

export interface RevenueShare {
  /** Percent of the deal amount, up to two decimals (7.5 = 7.5 %). */
  percent: number;
  /** In minor units of the reward's own currency; applied only to deals in that currency. */
  min?: number | undefined;
  max?: number | undefined;
  contactMilestoneDeal: ContactMilestoneDeal;
  /** A deal without an amount (or none that counts) pays the fixed amount; true sends it to review first. */
  reviewWithoutAmount: boolean;
}

/** A deal of the referred contact as read from HubSpot for the decision. */
export interface DealRevenue {
  dealId: string;
  /** HubSpot's `amount`, as sent (a decimal string), or null when unset. */
  amount: string | null;
  /** `deal_currency_code`, or the portal's company currency when the deal has none. */
  currency: string;
  /** When the deal first reached a closed-won stage; null if it never did. */
  closedWonAt: Date | null;
}

export interface RevenueEvidence {
  deals: readonly DealRevenue[];
  readAt: Date;
}

/** What a revenue-share reward rests on; recorded with the referral's evidence. */
export type RewardBasis =
  | { kind: 'deal'; dealId: string; dealAmount: number; currency: string; readAt: string }
  | { kind: 'fixed'; reason: string; dealId?: string };

/**
 * A HubSpot amount in minor units, or null when it is missing, zero, negative or not a number.
 * Digits beyond the currency's minor unit round half up (HubSpot stores what a user typed).
 */
export function dealAmountMinorUnits(raw: string | null | undefined, currency: string): number | null {
  const match = /^\s*\+?(\d+)(?:\.(\d*))?\s*$/.exec(raw ?? '');
  if (!match) return null;
  const decimals = currencyDecimals(currency);
  const [, whole = '0', fraction = ''] = match;
  const kept = fraction.slice(0, decimals).padEnd(decimals, '0');
  const roundUp = (fraction[decimals] ?? '0') >= '5' ? 1n : 0n;
  const minor = BigInt(whole + kept) + roundUp;
  if (minor <= 0n || minor > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(minor);
}

/** `percent` of `amount` (minor units), rounded half up to a whole minor unit. */
export function percentOf(amount: number, percent: number): number {
  const basisPoints = BigInt(Math.round(percent * 100));
  return Number((BigInt(amount) * basisPoints + 5000n) / 10000n);
}

/**
 * The deal a revenue-share reward is computed from: the milestone's own deal for a deal milestone;
 * for a contact milestone, the first deal that reached closed won at or after the referral (the
 * program may instead always pay its fixed amount there). No amount, or a share of it that rounds
 * to nothing, makes the fixed amount apply.
 */
export function rewardBasis(
  share: Pick<RevenueShare, 'contactMilestoneDeal' | 'percent'>,
  milestoneDealId: string | null,
  revenue: RevenueEvidence | undefined,
  referredAt: Date,
): RewardBasis {
  if (!revenue) return { kind: 'fixed', reason: 'No deal amounts were read for this decision' };
  let deal: DealRevenue | undefined;
  if (milestoneDealId !== null) {
    deal = revenue.deals.find((d) => d.dealId === milestoneDealId);
    if (!deal) return { kind: 'fixed', dealId: milestoneDealId, reason: `Deal ${milestoneDealId} could not be read` };
  } else {
    if (share.contactMilestoneDeal === 'fixed_amount') {
      return { kind: 'fixed', reason: 'The milestone is on the contact and the program pays its fixed amount for it' };
    }
    deal = revenue.deals
      .filter((d) => d.closedWonAt !== null && d.closedWonAt.getTime() >= referredAt.getTime())
      .sort((a, b) => a.closedWonAt!.getTime() - b.closedWonAt!.getTime() || Number(a.dealId) - Number(b.dealId))[0];
    if (!deal) return { kind: 'fixed', reason: 'The friend has no deal that closed won after the referral' };
  }
  const amount = dealAmountMinorUnits(deal.amount, deal.currency);
  if (amount === null) {
    const seen = deal.amount === null || deal.amount.trim() === '' ? 'no amount' : `amount "${deal.amount}"`;
    return { kind: 'fixed', dealId: deal.dealId, reason: `Deal ${deal.dealId} has ${seen}, so no share of it can be paid` };
  }
  // A share that rounds to nothing is no reward: the deal counts as one without an amount.
  if (percentOf(amount, share.percent) === 0) {
    return { kind: 'fixed', dealId: deal.dealId, reason: `${share.percent} % of deal ${deal.dealId} rounds to nothing` };
  }
  return { kind: 'deal', dealId: deal.dealId, dealAmount: amount, currency: deal.currency, readAt: revenue.readAt.toISOString() };
}

export interface ShareAmount {
  amount: number;
  currency: string;
  /** Why a person should look: the program's min and max are in another currency. */
  currencyDiffers: boolean;
}

/** The share of a deal, bounded by the program's minimum and maximum when the currencies agree. */
export function shareOfDeal(share: RevenueShare, programCurrency: string, basis: Extract<RewardBasis, { kind: 'deal' }>): ShareAmount {
  const raw = percentOf(basis.dealAmount, share.percent);
  if (basis.currency !== programCurrency) return { amount: raw, currency: basis.currency, currencyDiffers: true };
  const floored = share.min === undefined ? raw : Math.max(raw, share.min);
  return { amount: share.max === undefined ? floored : Math.min(floored, share.max), currency: basis.currency, currencyDiffers: false };
}
