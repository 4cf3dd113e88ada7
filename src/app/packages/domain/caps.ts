/**
 * Reward caps, shared by the qualification guards (is anything payable at all?) and the reward
 * rules (which lines still fit?). Counts are supplied by the ledger: rewards that are not rejected
 * or canceled; "this month" is the calendar month in UTC (see `startOfUtcMonth`).
 */
import type { RewardCaps } from './program';

export interface RewardCounts {
  /** The referrer's own rewards (recipient "referrer") so far, all time. */
  referrerRewardsTotal: number;
  /** The referrer's own rewards created since `startOfUtcMonth(now)`. */
  referrerRewardsThisMonth: number;
  /** Sum of all the program's reward amounts (both recipients) created this month, minor units. */
  programAmountThisMonth: number;
}

export interface CapHit {
  code: 'referrer_cap_reached' | 'program_cap_reached';
  message: string;
}

export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

export function referrerCapHit(caps: RewardCaps, counts: RewardCounts): CapHit | null {
  if (caps.perReferrer !== undefined && counts.referrerRewardsTotal >= caps.perReferrer) {
    return { code: 'referrer_cap_reached', message: `The referrer has reached the limit of ${caps.perReferrer} reward(s)` };
  }
  if (caps.perReferrerPerMonth !== undefined && counts.referrerRewardsThisMonth >= caps.perReferrerPerMonth) {
    return { code: 'referrer_cap_reached', message: `The referrer has reached the limit of ${caps.perReferrerPerMonth} reward(s) this month` };
  }
  return null;
}

/** Minor units still available this month; `Infinity` without a budget. */
export function programBudgetLeft(caps: RewardCaps, counts: RewardCounts): number {
  return caps.programPerMonth === undefined ? Infinity : Math.max(0, caps.programPerMonth - counts.programAmountThisMonth);
}

export function programCapHit(caps: RewardCaps, counts: RewardCounts): CapHit | null {
  return programBudgetLeft(caps, counts) === 0
    ? { code: 'program_cap_reached', message: "The program's monthly reward budget is used up" }
    : null;
}
