import { isRiskFlag, RISK_FLAG_LABELS } from '@referral-ops/domain/risk-flags';
import type { ReferralStatus } from '@referral-ops/domain/referral-status';
import type { RewardState } from '@referral-ops/domain/reward-state';

type TagVariant = 'danger' | 'warning' | 'info' | 'success' | 'default';

export const referralStatusLabel: Record<ReferralStatus, { text: string; variant: TagVariant }> = {
  captured: { text: 'Waiting for milestone', variant: 'info' },
  qualified: { text: 'Qualified', variant: 'success' },
  rejected: { text: 'Rejected', variant: 'danger' },
};

export const rewardStatusLabel: Record<RewardState, { text: string; variant: TagVariant }> = {
  pending_review: { text: 'Waiting for review', variant: 'warning' },
  held: { text: 'On hold', variant: 'info' },
  approved: { text: 'Approved', variant: 'success' },
  issued: { text: 'Issued', variant: 'success' },
  rejected: { text: 'Rejected', variant: 'danger' },
  canceled: { text: 'Canceled', variant: 'default' },
};

/** Risk flags as reviewers read them; unknown flags are shown as sent. */
export function flagLabel(flag: string): string {
  return isRiskFlag(flag) ? RISK_FLAG_LABELS[flag] : flag.replace(/_/g, ' ');
}
