/**
 * Turns a qualified referral into the reward lines to record. Order of rules:
 * 1. lines: the referrer's reward (plus a tier bonus when this is exactly the tier's Nth qualified
 *    referral) and, for double-sided programs, the friend's; a reward with a revenue share is that
 *    share of the deal in `basis`, in the deal's currency, within its minimum and maximum, or its
 *    fixed amount when no deal amount counts;
 * 2. caps: per-referrer caps drop the referrer's line only; the monthly program budget is spent
 *    referrer line first, and a line that does not fit whole is dropped (never paid in part);
 * 3. hold: every line becomes payable `holdDays` after `now`;
 * 4. review: a line needs review when its amount is above `review.amountAbove`, when it comes from
 *    the referrer's first reward and `review.firstRewardPerReferrer` is on (both lines: the pair is
 *    the risk), when the referral carries a flag listed in `review.flags`, when a revenue share
 *    fell back to the fixed amount in a program that reviews that, or when the deal's currency is
 *    not the program's (the minimum, maximum and tier bonus are not applied in it).
 */
import { programBudgetLeft, referrerCapHit, type CapHit, type RewardCounts } from './caps';
import type { Program, RewardKind } from './program';
import { shareOfDeal, type RewardBasis } from './revenue-share';
import { RISK_FLAG_LABELS, type RiskFlag } from './risk-flags';

export type Recipient = 'referrer' | 'friend';

export interface ReviewReason {
  code: 'amount_above_threshold' | 'first_reward' | 'risk_flag' | 'no_deal_amount' | 'deal_currency';
  message: string;
  flag?: RiskFlag;
}

export interface RewardLine {
  recipient: Recipient;
  kind: RewardKind;
  /** Total in minor units, tier bonus included. */
  amount: number;
  currency: string;
  /** The part of `amount` that is a tier bonus. */
  tierBonus?: number;
  /** For a revenue share: the deal and amount it was computed from, or why the fixed amount was paid. */
  basis?: RewardBasis;
  holdUntil: Date;
  needsReview: boolean;
  reviewReasons: ReviewReason[];
}

export interface DroppedLine {
  recipient: Recipient;
  amount: number;
  code: CapHit['code'];
  message: string;
}

export interface RewardRulesInput {
  program: Pick<Program, 'rewards' | 'review'>;
  /** The referrer's qualified referrals, this one included. */
  referrerQualifiedCount: number;
  counts: RewardCounts;
  riskFlags: readonly RiskFlag[];
  /** What a revenue-share reward is computed from; needed only when the program has one. */
  basis?: RewardBasis;
  now: Date;
}

export interface RewardPlan {
  lines: RewardLine[];
  dropped: DroppedLine[];
}

const DAY_MS = 86_400_000;

type DraftLine = Pick<RewardLine, 'recipient' | 'kind' | 'amount' | 'currency' | 'tierBonus' | 'basis'> & {
  /** Review reasons that come from how the amount was found. */
  amountReasons: ReviewReason[];
};

type Spec = Program['rewards']['referrer'];

function specLine(recipient: Recipient, spec: Spec, basis: RewardBasis | undefined): DraftLine {
  const fixed = { recipient, kind: spec.kind, amount: spec.amount, currency: spec.currency, amountReasons: [] as ReviewReason[] };
  const share = spec.revenueShare;
  if (!share) return fixed;
  const used = basis ?? { kind: 'fixed', reason: 'No deal was read for this decision' };
  if (used.kind === 'fixed') {
    const reasons: ReviewReason[] = share.reviewWithoutAmount
      ? [{ code: 'no_deal_amount', message: `${used.reason}; the fixed amount applies and the program reviews that` }]
      : [];
    return { ...fixed, basis: used, amountReasons: reasons };
  }
  const { amount, currency, currencyDiffers } = shareOfDeal(share, spec.currency, used);
  return {
    recipient, kind: spec.kind, amount, currency, basis: used,
    amountReasons: currencyDiffers
      ? [{ code: 'deal_currency', message: `Deal ${used.dealId} is in ${currency}, not the program's ${spec.currency}: its minimum, maximum and tier bonus were not applied` }]
      : [],
  };
}

function draftLines({ program, referrerQualifiedCount, basis }: RewardRulesInput): DraftLine[] {
  const { referrer, friend, tiers } = program.rewards;
  const base = specLine('referrer', referrer, basis);
  // A tier bonus is in the program's currency; a share paid in another one gets none (it is reviewed).
  const bonus = base.currency === referrer.currency
    ? tiers.find((t) => t.atQualified === referrerQualifiedCount)?.bonus.amount
    : undefined;
  const lines: DraftLine[] = [{
    ...base,
    amount: base.amount + (bonus ?? 0),
    ...(bonus === undefined ? {} : { tierBonus: bonus }),
  }];
  if (friend) lines.push(specLine('friend', friend, basis));
  return lines;
}

function reviewReasons(line: DraftLine, input: RewardRulesInput): ReviewReason[] {
  const { review } = input.program;
  const reasons: ReviewReason[] = [...line.amountReasons];
  if (review.amountAbove !== undefined && line.amount > review.amountAbove) {
    reasons.push({ code: 'amount_above_threshold', message: `Amount ${line.amount} is above the review threshold of ${review.amountAbove}` });
  }
  if (review.firstRewardPerReferrer && input.counts.referrerRewardsTotal === 0) {
    reasons.push({ code: 'first_reward', message: "This is the referrer's first reward" });
  }
  for (const flag of input.riskFlags) {
    if (review.flags.includes(flag)) reasons.push({ code: 'risk_flag', flag, message: RISK_FLAG_LABELS[flag] });
  }
  return reasons;
}

export function planRewards(input: RewardRulesInput): RewardPlan {
  const { program, counts, now } = input;
  const holdUntil = new Date(now.getTime() + program.rewards.holdDays * DAY_MS);
  const referrerCap = referrerCapHit(program.rewards.caps, counts);
  let budget = programBudgetLeft(program.rewards.caps, counts);
  const plan: RewardPlan = { lines: [], dropped: [] };

  for (const line of draftLines(input)) {
    if (line.recipient === 'referrer' && referrerCap) {
      plan.dropped.push({ recipient: line.recipient, amount: line.amount, ...referrerCap });
      continue;
    }
    if (line.amount > budget) {
      plan.dropped.push({
        recipient: line.recipient, amount: line.amount, code: 'program_cap_reached',
        message: `The ${line.recipient}'s reward of ${line.amount} exceeds what is left of the monthly budget (${budget})`,
      });
      continue;
    }
    budget -= line.amount;
    const reasons = reviewReasons(line, input);
    const { amountReasons: _amountReasons, ...recorded } = line;
    plan.lines.push({ ...recorded, holdUntil, needsReview: reasons.length > 0, reviewReasons: reasons });
  }
  return plan;
}
