/**
 * A referral's status: `captured` until "Qualify referral" decides, then `qualified` or `rejected`
 * (also when a reviewer rejects every reward of it). The one definition the ledger, the service's
 * answers, the app functions and the card share; a reward's status is `RewardState` in
 * reward-state.ts.
 */
export const REFERRAL_STATUSES = ['captured', 'qualified', 'rejected'] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
