/**
 * What the app functions answer, shared by the service, the functions and the UI that calls them.
 * Types only, so importing them adds nothing to a UI bundle. Shapes follow docs/service-api.md.
 */

import type { ReferralStatus } from '@referral-ops/domain/referral-status';
import type { RewardState } from '@referral-ops/domain/reward-state';

export interface Money {
  currency: string;
  /** Integer minor units (cents). */
  amount: number;
}

export interface StoryEnrolment {
  programId: string;
  programName: string;
  code: string;
  link: string;
  status: string;
  createdAt: string;
  counts: { referred: number; qualified: number; rewarded: number };
  rewardsTotal: Money[];
}

export interface StoryReferral {
  id: string;
  programId: string;
  referredContactId: string;
  email: string;
  status: ReferralStatus;
  capturedAt: string;
  qualifiedAt: string | null;
  flags: string[];
}

export interface StoryReferredBy {
  referralId: string;
  programId: string;
  referrerContactId: string;
  referrerCode: string;
  status: ReferralStatus;
  capturedAt: string;
  qualifiedAt: string | null;
  flags: string[];
  /** Why each flag was raised, by flag; a flag without one is shown by its label. */
  flagReasons?: Record<string, string>;
  reason: string | null;
  evidence: Record<string, unknown> | null;
}

export interface StoryReward {
  id: string;
  referralId: string;
  recipient: 'referrer' | 'friend';
  recipientContactId: string;
  kind: string;
  amount: number;
  currency: string;
  status: RewardState;
  holdUntil: string | null;
  createdAt: string;
  reviewReasons: string[];
}

export interface ContactStory {
  contactId: string;
  enrolments: StoryEnrolment[];
  referrals: StoryReferral[];
  referredBy: StoryReferredBy | null;
  rewards: StoryReward[];
  manualEnrolmentPrograms: Array<{ id: string; name: string }>;
}

/** Names of the contacts a story mentions, read from HubSpot so the card can show people, not ids. */
export interface ContactSummary {
  name: string;
  email: string | null;
}

export interface ReferralStoryAnswer {
  story: ContactStory;
  contacts: Record<string, ContactSummary>;
}

/** `referral-story` with `action: "rotate-dashboard-link"`: the referrer's new dashboard link (null: the service has no signing key). */
export interface DashboardLinkRotation {
  dashboardLink: string | null;
}

export type RewardDecision = { rewardId: string; decision: 'approve' } | { rewardId: string; decision: 'reject'; reason: string };

export interface FieldIssue {
  path: string;
  message: string;
}

export interface FunctionError {
  code: string;
  /** A sentence the card can show as is: what went wrong and what to do. */
  message: string;
  issues?: FieldIssue[];
}

/** Functions answer instead of throwing, so the card gets the service's message rather than a generic failure. */
export type FunctionResult<T> = { ok: true; data: T } | { ok: false; error: FunctionError };

/** Who is acting, as the card knows it from `context.user`; used when HubSpot does not pass the user itself. */
export interface ActingUser {
  userId: string;
  email: string;
}
