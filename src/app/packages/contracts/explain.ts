/**
 * What the settings page and the contact card are told about who matches a program and why a
 * contact would (not) be enrolled or qualified (docs/service-api.md, "Who matches and why").
 * Types only.
 */

/** A contact as the answers name it: a person to click, not an id. */
export interface ContactLink {
  contactId: string;
  name: string;
  email: string | null;
  /** The contact's record in HubSpot. */
  url: string;
}

export interface MatchExample extends ContactLink {
  /** Already has a referral code (a bulk run leaves them as they are). */
  enrolled: boolean;
}

/** "About N contacts match now": HubSpot search's total for the criteria, and a few of them. */
export interface MatchPreview {
  total: number;
  examples: MatchExample[];
}

export interface ContactSearchAnswer {
  contacts: ContactLink[];
}

export interface WhyFilter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
  highValue?: string;
  /** The contact's value now; null when unset. */
  actual: string | null;
  matched: boolean;
}

export interface WhyEnrolment {
  /** The contact's enrolment in the program, if any. */
  enrolled: { code: string; status: string } | null;
  /** Whether a bulk run (or the "Enrol" workflow action) would give the contact a code now. */
  wouldEnrol: boolean;
  /** Index of the first criteria group the contact matches; null when none does (or there are none). */
  matchedGroup: number | null;
  groups: Array<{ matched: boolean; filters: WhyFilter[] }>;
  reason: string;
}

export interface WhyGuard {
  code: string;
  label: string;
  passed: boolean;
  message: string | null;
  /** What this guard does when it fails, in words ("rejects the referral", "no reward", …). */
  effect: string;
}

export interface WhyDeal {
  id: string;
  pipeline: string;
  stage: string;
  /** HubSpot's `amount` as a decimal string; null when unset. */
  amount: string | null;
  currency: string | null;
  closedWonAt: string | null;
}

export interface WhyReward {
  recipient: 'referrer' | 'friend';
  kind: string;
  /** Minor units. */
  amount: number;
  currency: string;
  status: string;
  reviewReasons: string[];
}

export interface WhyQualification {
  /** The milestone checked: the program's default, in words. */
  milestone: string;
  referral: { id: string; status: string; capturedAt: string; referrerContactId: string; flags: string[] };
  /** Every guard in the order the decision runs them; the first that fails decides. */
  guards: WhyGuard[];
  /** Whether the milestone is met now; null when the decision did not get that far (no live contact). */
  milestoneMet: boolean | null;
  decision: {
    referralStatus: string;
    rewardStatus: string;
    reason: string;
    /** The workflow would wait for a reviewer (BLOCK). */
    waitsForReview: boolean;
    /** What would happen to the referral: null leaves it as it is. */
    referralBecomes: 'qualified' | 'rejected' | null;
    rewards: WhyReward[];
  };
  evidence: {
    lifecycleStage: string | null;
    lifecycleHistory: Array<{ stage: string; at: string }>;
    deals: WhyDeal[];
    readAt: string;
  } | null;
}

export interface ProgramWhy {
  programId: string;
  programName: string;
  programStatus: string;
  enrolment: WhyEnrolment;
  /** Only for a contact referred through the program. */
  qualification: WhyQualification | null;
}

export interface WhyAnswer {
  contact: ContactLink;
  programs: ProgramWhy[];
  /** Nothing was written: no ledger rows, no HubSpot changes, no jobs. */
  dryRun: true;
}
