/**
 * The reward state machine. `held` means approved (or never needing review) but still inside the
 * hold period; `approved` means payable. `issued`, `rejected` and `canceled` are final.
 *
 *   pending_review --approve--> held | approved      (held while holdUntil is in the future)
 *   held           --release--> approved              (only once holdUntil has passed)
 *   approved       --issue----> issued
 *   pending_review | held          --reject--> rejected   (a reviewer can still stop a held reward)
 *   pending_review | held | approved --cancel--> canceled  (e.g. the deal left closed won)
 */

export const REWARD_STATES = ['pending_review', 'held', 'approved', 'issued', 'rejected', 'canceled'] as const;
export type RewardState = (typeof REWARD_STATES)[number];

export const FINAL_REWARD_STATES: readonly RewardState[] = ['issued', 'rejected', 'canceled'];

export type RewardEvent =
  | { type: 'approve' }
  | { type: 'reject'; reason: string }
  | { type: 'release' }
  | { type: 'issue'; reference: string }
  | { type: 'cancel'; reason: string };

export type RewardEventType = RewardEvent['type'];

/** When the hold ends and what time it is; needed by `approve` and `release`. */
export interface HoldClock {
  holdUntil: Date;
  now: Date;
}

export type TransitionErrorCode = 'invalid_transition' | 'already_done' | 'hold_not_over' | 'missing_detail';

export type TransitionResult =
  | { ok: true; to: RewardState }
  | { ok: false; code: TransitionErrorCode; message: string };

/** The state each event leads to; `approve` may divert to `held` (see `transition`). */
const EDGES: Record<RewardEventType, { from: readonly RewardState[]; to: RewardState }> = {
  approve: { from: ['pending_review'], to: 'approved' },
  release: { from: ['held'], to: 'approved' },
  issue: { from: ['approved'], to: 'issued' },
  reject: { from: ['pending_review', 'held'], to: 'rejected' },
  cancel: { from: ['pending_review', 'held', 'approved'], to: 'canceled' },
};

export function isFinalRewardState(state: RewardState): boolean {
  return FINAL_REWARD_STATES.includes(state);
}

/** Events a user interface may offer in this state. */
export function allowedEvents(state: RewardState): RewardEventType[] {
  return (Object.keys(EDGES) as RewardEventType[]).filter((type) => EDGES[type].from.includes(state));
}

export function initialRewardState(input: { needsReview: boolean; holdUntil: Date; now: Date }): RewardState {
  if (input.needsReview) return 'pending_review';
  return holdRunning(input) ? 'held' : 'approved';
}

function holdRunning({ holdUntil, now }: HoldClock): boolean {
  return holdUntil.getTime() > now.getTime();
}

function missingDetail(event: RewardEvent): string | null {
  if (event.type === 'reject' || event.type === 'cancel') {
    return event.reason.trim() === '' ? `A reason is required to ${event.type} a reward` : null;
  }
  if (event.type === 'issue') {
    return event.reference.trim() === '' ? 'A fulfilment reference is required to issue a reward' : null;
  }
  return null;
}

export function transition(state: RewardState, event: RewardEvent, clock: HoldClock): TransitionResult {
  const edge = EDGES[event.type];
  if (!edge.from.includes(state)) {
    // Repeating an event that already took effect is reported apart, so callers can answer retries calmly.
    const repeated = state === edge.to || (event.type === 'approve' && state === 'held');
    return repeated
      ? { ok: false, code: 'already_done', message: `Reward is already ${state.replace('_', ' ')}` }
      : {
        ok: false, code: 'invalid_transition',
        message: `Cannot ${event.type} a reward that is ${state.replace('_', ' ')}` +
          (isFinalRewardState(state) ? ` (${state} is final)` : ` (allowed: ${allowedEvents(state).join(', ') || 'none'})`),
      };
  }
  const missing = missingDetail(event);
  if (missing) return { ok: false, code: 'missing_detail', message: missing };
  if (event.type === 'release' && holdRunning(clock)) {
    return { ok: false, code: 'hold_not_over', message: `Cannot release a held reward before its hold ends on ${clock.holdUntil.toISOString()}` };
  }
  if (event.type === 'approve' && holdRunning(clock)) return { ok: true, to: 'held' };
  return { ok: true, to: edge.to };
}
