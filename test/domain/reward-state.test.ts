import {
  REWARD_STATES, allowedEvents, initialRewardState, isFinalRewardState, transition, type RewardEvent, type RewardState,
} from '../../src/app/packages/domain/reward-state';
import { NOW, daysBefore } from './factories';

const holdOver = { holdUntil: daysBefore(NOW, 1), now: NOW };
const holdRunning = { holdUntil: new Date(NOW.getTime() + 86_400_000), now: NOW };

const events: Record<RewardEvent['type'], RewardEvent> = {
  approve: { type: 'approve' },
  reject: { type: 'reject', reason: 'Duplicate account' },
  release: { type: 'release' },
  issue: { type: 'issue', reference: 'payout_123' },
  cancel: { type: 'cancel', reason: 'Deal left closed won' },
};

describe('reward state machine', () => {
  // Every state × event; undefined means the move is refused.
  const table: Record<RewardState, Partial<Record<RewardEvent['type'], RewardState>>> = {
    pending_review: { approve: 'approved', reject: 'rejected', cancel: 'canceled' },
    held: { release: 'approved', reject: 'rejected', cancel: 'canceled' },
    approved: { issue: 'issued', cancel: 'canceled' },
    issued: {},
    rejected: {},
    canceled: {},
  };
  const cases = REWARD_STATES.flatMap((state) =>
    (Object.keys(events) as RewardEvent['type'][]).map((type) => [state, type, table[state][type]] as const));

  it.each(cases)('%s + %s → %s', (state, type, to) => {
    const result = transition(state, events[type], holdOver);
    expect(result.ok ? result.to : undefined).toBe(to);
  });

  it('sends an approved reward to held while its hold runs, and releases it only after', () => {
    expect(transition('pending_review', events.approve, holdRunning)).toEqual({ ok: true, to: 'held' });
    expect(transition('held', events.release, holdRunning)).toMatchObject({ ok: false, code: 'hold_not_over', message: expect.stringContaining('2026-05-16') });
  });

  it('names the state and event when refusing', () => {
    expect(transition('issued', events.cancel, holdOver)).toEqual({
      ok: false, code: 'invalid_transition', message: 'Cannot cancel a reward that is issued (issued is final)',
    });
    expect(transition('approved', events.reject, holdOver)).toEqual({
      ok: false, code: 'invalid_transition', message: 'Cannot reject a reward that is approved (allowed: issue, cancel)',
    });
  });

  it.each([
    ['approved', 'approve'], ['held', 'approve'], ['rejected', 'reject'], ['issued', 'issue'], ['canceled', 'cancel'],
  ] as const)('reports a repeated %s/%s as already done, so retries can be answered calmly', (state, type) => {
    expect(transition(state, events[type], holdOver)).toMatchObject({ ok: false, code: 'already_done' });
  });

  it('requires a reason to reject or cancel and a reference to issue', () => {
    expect(transition('pending_review', { type: 'reject', reason: ' ' }, holdOver)).toMatchObject({ code: 'missing_detail', message: 'A reason is required to reject a reward' });
    expect(transition('held', { type: 'cancel', reason: '' }, holdOver)).toMatchObject({ code: 'missing_detail' });
    expect(transition('approved', { type: 'issue', reference: '' }, holdOver)).toMatchObject({ code: 'missing_detail', message: expect.stringContaining('fulfilment reference') });
  });

  it.each([
    [true, holdOver, 'pending_review'],
    [true, holdRunning, 'pending_review'],
    [false, holdRunning, 'held'],
    [false, holdOver, 'approved'],
    [false, { holdUntil: NOW, now: NOW }, 'approved'],
  ] as const)('a new reward (needs review: %s) starts in the right state, case %#', (needsReview, clock, state) => {
    expect(initialRewardState({ needsReview, ...clock })).toBe(state);
  });

  it('offers the events a state allows and marks final states', () => {
    expect(allowedEvents('held')).toEqual(['release', 'reject', 'cancel']);
    expect(REWARD_STATES.filter(isFinalRewardState)).toEqual(['issued', 'rejected', 'canceled']);
  });
});
