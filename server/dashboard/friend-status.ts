import type { ReferralStatus } from '../../src/app/packages/domain/referral-status';
import type { MessageKey } from '../i18n';

/**
 * Why a referral stands where it does, in the words docs/qualification.md uses, for the referrer.
 * The ledger keeps the decision's own reason, written for the team: it can name the friend's
 * lifecycle stage and dates, or carry a reviewer's note. None of that is the referrer's to read, so
 * the reason is mapped to one of a few fixed sentences and never shown as stored.
 */
export type ReasonKey = Extract<MessageKey, `dashboard.reason.${string}`>;

/** The rejecting guards' messages (src/app/packages/domain/guards.ts, qualification-decision.ts), by how they begin. */
const REJECTIONS: Array<[RegExp, ReasonKey]> = [
  [/^The friend was already a customer\b/, 'dashboard.reason.existingCustomer'],
  [/^The friend already had a closed-won deal\b/, 'dashboard.reason.existingDeal'],
  [/^The referrer referred themselves\b/, 'dashboard.reason.selfReferral'],
  [/^The referral is \d+ days old\b/, 'dashboard.reason.outsideWindow'],
  [/^The friend was already a HubSpot contact\b/, 'dashboard.reason.existingContact'],
];

export interface ReferralOutcome {
  status: ReferralStatus;
  reason: string | null;
  /** A reviewer rejected the referrer's reward of this referral (which rejects the referral with it). */
  rewardRejected: boolean;
}

export function friendReason({ status, reason, rewardRejected }: ReferralOutcome): ReasonKey {
  if (status === 'captured') return 'dashboard.reason.awaitingMilestone';
  if (status === 'qualified') return 'dashboard.reason.qualified';
  // Guards reject before any reward exists; a rejected reward means a person decided.
  if (rewardRejected) return 'dashboard.reason.review';
  return REJECTIONS.find(([pattern]) => pattern.test(reason ?? ''))?.[1] ?? 'dashboard.reason.other';
}

/**
 * First name and last initial ("Ben F."), or null when HubSpot has no usable first name. A first
 * name that holds an address (people type their email anywhere) is not shown.
 */
export function friendDisplayName(firstName: string | null | undefined, lastName: string | null | undefined): string | null {
  const first = (firstName ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
  if (!first || first.includes('@')) return null;
  const initial = [...(lastName ?? '').trim()][0];
  return initial && /\p{L}/u.test(initial) ? `${first} ${initial.toLocaleUpperCase()}.` : first;
}
