import type { ReferralStatus } from '../domain/referral-status';
import type { RewardState } from '../domain/reward-state';

/**
 * The events a developer can subscribe to (docs/service-api.md, "Events"), and the body each
 * delivery carries. The body is what is signed, so its shape is a contract with every receiver:
 * fields are added, never renamed or removed.
 */
export const EVENT_TYPES = [
  'enrolment.created',
  'referral.captured',
  'referral.qualified',
  'referral.rejected',
  'reward.pending_review',
  'reward.approved',
  'reward.issued',
  'reward.canceled',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface EnrolmentEventData {
  enrolment: { id: string; contactId: string; code: string; link: string; source: string; status: string; createdAt: string };
}

export interface ReferralEventData {
  referral: {
    id: string; enrolmentId: string; referrerContactId: string; referredContactId: string; source: string;
    status: ReferralStatus; flags: string[]; reason: string | null; capturedAt: string; qualifiedAt: string | null;
  };
}

export interface RewardEventData {
  reward: {
    id: string; referralId: string; recipient: 'referrer' | 'friend'; recipientContactId: string; kind: string;
    /** Minor units of `currency`. */
    amount: number; currency: string; status: RewardState; fulfilmentReference: string | null;
  };
  /** Why the reward moved, as the audit trail records it. */
  reason: string | null;
}

export type EventBody = {
  /** Unique per event and the same for every subscription and every retry: the Idempotency-Key. */
  id: string;
  programId: string;
  occurredAt: string;
} & (
  | { type: 'enrolment.created'; data: EnrolmentEventData }
  | { type: 'referral.captured' | 'referral.qualified' | 'referral.rejected'; data: ReferralEventData }
  | { type: 'reward.pending_review' | 'reward.approved' | 'reward.issued' | 'reward.canceled'; data: RewardEventData }
);

export interface EventSubscriptionView {
  id: string;
  programId: string;
  /** `fulfilment`: the program's fulfilment webhook, which follows the program's `fulfilment` setting. */
  kind: 'webhook' | 'fulfilment';
  /** A paused subscription records no events; its waiting deliveries are sent once it is resumed. */
  status: 'active' | 'paused';
  url: string;
  /** The service setting holding the signing secret, when the subscription names one; the secret itself is never shown. */
  secretRef: string | null;
  eventTypes: EventType[];
  /** Set while the endpoint keeps failing; the program owner has a task about it. */
  failingSince: string | null;
  createdAt: string;
}
