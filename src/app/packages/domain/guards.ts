/**
 * Guards run before a referral is qualified, in GUARD_ORDER; the first that fails decides the
 * outcome (its code is returned to the workflow and stored on the referral). Ordered from "nothing
 * to decide" to "would be rewarded but for a limit", so the reported reason is the most basic one.
 */
import { programCapHit, referrerCapHit, type RewardCounts } from './caps';
import type { Program } from './program';
import type { ReferralStatus } from './referral-status';

export const GUARD_ORDER = [
  'not_referred',
  'already_qualified',
  'referral_rejected',
  'existing_customer',
  'self_referral',
  'outside_window',
  'referrer_cap_reached',
  'program_cap_reached',
] as const;

export type GuardCode = (typeof GUARD_ORDER)[number];

/**
 * What a failing guard does to the referral once the milestone is met. A record, not a list, so a
 * new guard cannot be added without deciding this:
 * - `no_referral`: there is nothing to decide;
 * - `already_decided`: the earlier decision stands and is reported again;
 * - `rejects`: the milestone is real but the program must not pay for it, so the referral is rejected for good;
 * - `no_reward`: the referral qualifies (reports count it) but a limit stops the reward.
 */
export const GUARD_EFFECTS = {
  not_referred: 'no_referral',
  already_qualified: 'already_decided',
  referral_rejected: 'already_decided',
  existing_customer: 'rejects',
  self_referral: 'rejects',
  outside_window: 'rejects',
  referrer_cap_reached: 'no_reward',
  program_cap_reached: 'no_reward',
} as const satisfies Record<GuardCode, 'no_referral' | 'already_decided' | 'rejects' | 'no_reward'>;

export type GuardEffect = (typeof GUARD_EFFECTS)[GuardCode];

export interface GuardReferral {
  status: ReferralStatus;
  capturedAt: Date;
  referrerContactId: string;
  referredContactId: string;
  /** Normalised emails (see `normaliseEmail`); the referrer's may be unknown. */
  referredEmail: string;
  referrerEmail: string | null;
}

export interface PropertyChange {
  value: string;
  timestamp: Date;
}

export interface GuardInput {
  /** The referral for the contact being qualified, or null when the contact was not referred. */
  referral: GuardReferral | null;
  program: Pick<Program, 'qualification' | 'rewards'>;
  /** The referred contact's past: `lifecyclestage` property history and closed-won dates of its deals. */
  history: { lifecycleStage: readonly PropertyChange[]; closedWonDealsAt: readonly Date[] };
  /** Lifecycle stage values that mean "customer" (use `stagesAtOrBeyond('customer', options)`). */
  customerStages: readonly string[];
  counts: RewardCounts;
  now: Date;
}

export type GuardResult = { passed: true } | { passed: false; code: GuardCode; message: string };

const DAY_MS = 86_400_000;

type Check = (input: GuardInput & { referral: GuardReferral }) => string | null;

const checks: Record<Exclude<GuardCode, 'not_referred'>, Check> = {
  already_qualified: ({ referral }) =>
    referral.status === 'qualified' ? 'This referral has already qualified; it is rewarded only once' : null,
  referral_rejected: ({ referral }) =>
    referral.status === 'rejected' ? 'This referral was rejected earlier and cannot qualify' : null,
  existing_customer: ({ referral, history, customerStages }) => {
    const before = (at: Date) => at.getTime() < referral.capturedAt.getTime();
    const stage = history.lifecycleStage.find((c) => customerStages.includes(c.value) && before(c.timestamp));
    if (stage) return `The friend was already a customer (lifecycle stage "${stage.value}" on ${isoDay(stage.timestamp)}) before being referred`;
    const won = history.closedWonDealsAt.find(before);
    return won ? `The friend already had a closed-won deal (${isoDay(won)}) before being referred` : null;
  },
  self_referral: ({ referral }) =>
    referral.referrerContactId === referral.referredContactId ||
    (referral.referrerEmail !== null && referral.referrerEmail === referral.referredEmail)
      ? 'The referrer referred themselves'
      : null,
  outside_window: ({ referral, program, now }) => {
    const ageDays = (now.getTime() - referral.capturedAt.getTime()) / DAY_MS;
    const window = program.qualification.windowDays;
    return ageDays > window
      ? `The referral is ${Math.floor(ageDays)} days old; the program rewards milestones within ${window} days`
      : null;
  },
  referrer_cap_reached: ({ program, counts }) => referrerCapHit(program.rewards.caps, counts)?.message ?? null,
  program_cap_reached: ({ program, counts }) => programCapHit(program.rewards.caps, counts)?.message ?? null,
};

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export interface GuardVerdict {
  code: GuardCode;
  passed: boolean;
  /** Why the guard failed; null when it passed. */
  message: string | null;
}

/**
 * Every guard's verdict in GUARD_ORDER, with the same checks as `runGuards`, whose result is the first
 * failing one: a "why?" answer shows the guards after it too, so an admin sees every obstacle at once.
 */
export function guardVerdicts(input: GuardInput): GuardVerdict[] {
  const { referral } = input;
  if (!referral) return [{ code: 'not_referred', passed: false, message: 'This contact was not referred through a program' }];
  return GUARD_ORDER.map((code) => {
    if (code === 'not_referred') return { code, passed: true, message: null };
    const message = checks[code]({ ...input, referral });
    return { code, passed: message === null, message };
  });
}

export function runGuards(input: GuardInput): GuardResult {
  const { referral } = input;
  if (!referral) return { passed: false, code: 'not_referred', message: 'This contact was not referred through a program' };
  for (const code of GUARD_ORDER) {
    if (code === 'not_referred') continue;
    const message = checks[code]({ ...input, referral });
    if (message) return { passed: false, code, message };
  }
  return { passed: true };
}
