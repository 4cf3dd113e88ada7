/**
 * The "Qualify referral" outcome policy (docs/qualification.md, Outcomes): from the program, the
 * referral as the ledger has it, HubSpot's live data and the ledger's counts to what happens to the
 * referral, which rewards to record and what the workflow is told. Pure: the caller reads every input
 * (the counts inside the deciding transaction, so two decisions cannot both slip under a cap) and
 * applies the result; `now` is passed in.
 */
import type { RewardCounts } from './caps';
import { GUARD_EFFECTS, runGuards, type GuardInput, type GuardReferral } from './guards';
import type { Milestone, Program } from './program';
import { evaluateMilestone, stagesAtOrBeyond, type MilestoneEvidence, type MilestoneEvidenceInput } from './qualification';
import { rewardBasis, type RevenueEvidence, type RewardBasis } from './revenue-share';
import { planRewards, type RewardLine } from './reward-rules';
import { initialRewardState, type RewardState } from './reward-state';
import type { RiskFlag } from './risk-flags';

/** HubSpot's data about the referred contact, read before the deciding transaction opens. */
export interface LiveEvidence {
  milestoneInput: MilestoneEvidenceInput;
  history: GuardInput['history'];
  /** The contact's deals with amounts and currencies; read when the program has a revenue share. */
  revenue?: RevenueEvidence;
}

/** The referral row as locked in the deciding transaction. */
export interface ReferralSnapshot extends GuardReferral {
  flags: readonly RiskFlag[];
  /**
   * The referrer's reward for this referral, reported again when the referral was decided before.
   * Only needed then: a referral that is still `captured` has no rewards.
   */
  referrerReward: { id: string; status: RewardState } | null;
}

export interface DecisionCounts {
  rewards: RewardCounts;
  /** The referrer's qualified referrals before this decision (a tier bonus is paid at exactly the Nth). */
  referrerQualified: number;
}

export interface ReferralFacts {
  referral: ReferralSnapshot;
  /** null when HubSpot no longer has the referred contact (deleted or merged). */
  evidence: LiveEvidence | null;
  counts: DecisionCounts;
}

export interface DecisionInput {
  program: Program;
  /** The milestone this workflow checks: the action's inputs or the program's default. */
  milestone: Milestone;
  /** null when the contact (or none of the deal's contacts) was referred through this program. */
  facts: ReferralFacts | null;
  now: Date;
}

/** The values of the action's `referral_status` output that a decision answers with. */
export type DecisionStatus = 'qualified' | 'not_qualified' | 'not_referred' | 'rejected';

/** The action's output fields (docs/qualification.md). */
export interface DecisionOutputs {
  referral_status: DecisionStatus;
  /** The referrer's reward status, or "none". */
  reward_status: RewardState | 'none';
  /**
   * The referrer's reward id, "" without one. Empty for a reward this decision plans: the ledger
   * assigns the id when it records the line, and the caller fills it in.
   */
  reward_id: string;
  reason: string;
}

/** SUCCESS resumes the workflow with the outputs; BLOCK keeps it paused until a reviewer decides. */
export type DecisionAnswer =
  | { state: 'SUCCESS'; outputs: DecisionOutputs }
  | { state: 'BLOCK'; expirationDays: number };

/** What the referral's decision rests on; stored with it and in its audit row. */
export type DecisionEvidence = MilestoneEvidence & {
  milestone: Milestone;
  reason: string;
  /** A revenue-share program's reward basis: the deal, its amount and currency and when they were read. */
  rewardBasis?: RewardBasis;
};

export interface ReferralTransition {
  to: 'qualified' | 'rejected';
  reason: string;
  evidence: DecisionEvidence;
  /** The deal whose stage met the milestone: if it later leaves closed won, its unissued rewards are canceled. */
  dealId: string | null;
}

export interface PlannedReward extends RewardLine {
  status: RewardState;
}

export interface QualificationDecision {
  /** null leaves the referral as it is. */
  transition: ReferralTransition | null;
  /** Lines to record with their first state; empty unless the referral qualifies with a reward. */
  rewards: PlannedReward[];
  answer: DecisionAnswer;
}

const NO_REWARD = { reward_status: 'none', reward_id: '' } as const;

const EXISTING_CONTACT_MESSAGE =
  'The friend was already a HubSpot contact when referred; this program does not reward existing contacts';

function answerOnly(referral_status: DecisionStatus, reason: string, reward: Pick<DecisionOutputs, 'reward_status' | 'reward_id'> = NO_REWARD): QualificationDecision {
  return { transition: null, rewards: [], answer: { state: 'SUCCESS', outputs: { referral_status, reason, ...reward } } };
}

/** What the guards judge a referral by, as `decideQualification` builds it (a "why?" answer runs every guard on the same). */
export function guardInputOf(program: Program, facts: ReferralFacts & { evidence: LiveEvidence }, now: Date): GuardInput {
  const { referral, evidence, counts } = facts;
  return {
    referral,
    program,
    history: evidence.history,
    customerStages: stagesAtOrBeyond('customer', evidence.milestoneInput.lifecycleStages) ?? ['customer'],
    counts: counts.rewards,
    now,
  };
}

export function decideQualification(input: DecisionInput): QualificationDecision {
  const { program, facts, now } = input;
  if (!facts) return answerOnly('not_referred', 'This contact was not referred through this program');
  const { referral, evidence, counts } = facts;
  if (!evidence) {
    return answerOnly('not_qualified', `HubSpot has no contact ${referral.referredContactId} (deleted or merged), so the milestone cannot be checked`);
  }

  const guard = runGuards(guardInputOf(program, { referral, evidence, counts }, now));
  const effect = guard.passed ? null : GUARD_EFFECTS[guard.code];
  if (!guard.passed && effect === 'no_referral') return answerOnly('not_referred', guard.message);
  if (!guard.passed && effect === 'already_decided') {
    const reward = referral.referrerReward;
    return answerOnly(
      guard.code === 'already_qualified' ? 'qualified' : 'rejected',
      guard.message,
      reward ? { reward_status: reward.status, reward_id: reward.id } : NO_REWARD,
    );
  }

  // Rejections and caps apply only to a milestone that is met: until then the referral stays
  // captured and the workflow hears what is still missing.
  const outcome = evaluateMilestone(input.milestone, evidence.milestoneInput);
  if (!outcome.qualified) return answerOnly('not_qualified', outcome.reason);

  const decided = (to: ReferralTransition['to'], reason: string): ReferralTransition => ({
    to,
    reason,
    evidence: { ...outcome.evidence, milestone: input.milestone, reason: outcome.reason },
    dealId: outcome.evidence.objectType === 'deal' ? outcome.evidence.objectId : null,
  });
  const rejection = !guard.passed && effect === 'rejects'
    ? guard.message
    : referral.flags.includes('existing_contact') && !program.capture.rewardExistingContacts
      ? EXISTING_CONTACT_MESSAGE
      : null;
  if (rejection) {
    return {
      transition: decided('rejected', rejection),
      rewards: [],
      answer: { state: 'SUCCESS', outputs: { referral_status: 'rejected', reason: rejection, ...NO_REWARD } },
    };
  }

  if (!guard.passed) {
    // A cap stops the reward, not the referral: the milestone is real and reports count it.
    return {
      transition: decided('qualified', outcome.reason),
      rewards: [],
      answer: { state: 'SUCCESS', outputs: { referral_status: 'qualified', reason: `${outcome.reason}. No reward: ${guard.message}`, ...NO_REWARD } },
    };
  }

  const { referrer, friend } = program.rewards;
  const share = referrer.revenueShare ?? friend?.revenueShare;
  const basis = share
    ? rewardBasis(share, outcome.evidence.objectType === 'deal' ? outcome.evidence.objectId : null, evidence.revenue, referral.capturedAt)
    : undefined;
  const plan = planRewards({
    program,
    referrerQualifiedCount: counts.referrerQualified + 1,
    counts: counts.rewards,
    riskFlags: referral.flags,
    ...(basis ? { basis } : {}),
    now,
  });
  const rewards = plan.lines.map((line) => ({ ...line, status: initialRewardState({ needsReview: line.needsReview, holdUntil: line.holdUntil, now }) }));
  const qualified = decided('qualified', outcome.reason);
  const transition = basis ? { ...qualified, evidence: { ...qualified.evidence, rewardBasis: basis } } : qualified;
  if (rewards.some((r) => r.status === 'pending_review')) {
    return { transition, rewards, answer: { state: 'BLOCK', expirationDays: program.review.expirationDays } };
  }
  const notes = [
    ...(basis?.kind === 'fixed' ? [`Fixed reward paid: ${basis.reason}`] : []),
    ...plan.dropped.map((d) => d.message),
  ];
  const dropped = notes.join('; ');
  const referrerReward = rewards.find((r) => r.recipient === 'referrer');
  return {
    transition,
    rewards,
    answer: {
      state: 'SUCCESS',
      outputs: {
        referral_status: 'qualified',
        reason: dropped ? `${outcome.reason}. ${dropped}` : outcome.reason,
        reward_status: referrerReward?.status ?? 'none',
        reward_id: '',
      },
    },
  };
}
