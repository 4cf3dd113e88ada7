import { planRewards, type RewardRulesInput } from '../../src/app/packages/domain/reward-rules';
import type { ProgramInput } from '../../src/app/packages/domain/program';
import { NOW, buildCounts, buildProgram } from './factories';

const referrer = { kind: 'cash', amount: 5000, currency: 'USD' } as const;

function plan(rewards: Partial<ProgramInput['rewards']> = {}, overrides: Partial<RewardRulesInput> & { review?: ProgramInput['review'] } = {}) {
  const { review, ...rest } = overrides;
  const program = buildProgram({ rewards: { referrer, ...rewards }, ...(review ? { review } : {}) });
  return planRewards({ program, referrerQualifiedCount: 1, counts: buildCounts(), riskFlags: [], now: NOW, ...rest });
}

describe('planRewards', () => {
  it('rewards the referrer once, payable now, without review by default', () => {
    expect(plan()).toEqual({
      lines: [{ recipient: 'referrer', kind: 'cash', amount: 5000, currency: 'USD', holdUntil: NOW, needsReview: false, reviewReasons: [] }],
      dropped: [],
    });
  });

  it('adds the friend line for double-sided programs', () => {
    const { lines } = plan({ friend: { kind: 'discount', amount: 2000, currency: 'USD' } });
    expect(lines.map((l) => [l.recipient, l.kind, l.amount])).toEqual([['referrer', 'cash', 5000], ['friend', 'discount', 2000]]);
  });

  it.each([
    [4, undefined],
    [5, 2500],
    [6, undefined],
    [10, 10000],
  ])('at qualified referral #%i the tier bonus is %p', (count, bonus) => {
    const { lines } = plan(
      { tiers: [{ atQualified: 5, bonus: { amount: 2500 } }, { atQualified: 10, bonus: { amount: 10000 } }] },
      { referrerQualifiedCount: count },
    );
    expect(lines[0]).toMatchObject({ amount: 5000 + (bonus ?? 0) });
    expect(lines[0]?.tierBonus).toBe(bonus);
  });

  it('starts the hold period from now', () => {
    expect(plan({ holdDays: 30 }).lines[0]?.holdUntil).toEqual(new Date('2026-06-14T12:00:00Z'));
  });

  describe('caps', () => {
    const friend = { kind: 'cash', amount: 2000, currency: 'USD' } as const;

    it('drops only the referrer line when the referrer reached a cap', () => {
      const result = plan({ friend, caps: { perReferrerPerMonth: 2 } }, { counts: buildCounts({ referrerRewardsTotal: 7, referrerRewardsThisMonth: 2 }) });
      expect(result.lines.map((l) => l.recipient)).toEqual(['friend']);
      expect(result.dropped).toEqual([{ recipient: 'referrer', amount: 5000, code: 'referrer_cap_reached', message: expect.stringContaining('2 reward(s) this month') }]);
    });

    it('spends the monthly budget referrer first and never pays part of a line', () => {
      const result = plan({ friend, caps: { programPerMonth: 100_000 } }, { counts: buildCounts({ programAmountThisMonth: 94_000 }) });
      expect(result.lines.map((l) => l.recipient)).toEqual(['referrer']);
      expect(result.dropped).toEqual([{ recipient: 'friend', amount: 2000, code: 'program_cap_reached', message: expect.stringContaining('(1000)') }]);
    });

    it('fits both lines when the budget allows exactly', () => {
      expect(plan({ friend, caps: { programPerMonth: 7000 } }).lines).toHaveLength(2);
    });
  });

  describe('review', () => {
    it('holds lines above the amount threshold', () => {
      const { lines } = plan({ tiers: [{ atQualified: 3, bonus: { amount: 1 } }] }, { referrerQualifiedCount: 3, review: { amountAbove: 5000 } });
      expect(lines[0]).toMatchObject({ needsReview: true, reviewReasons: [{ code: 'amount_above_threshold' }] });
    });

    it("reviews both lines of a referrer's first reward", () => {
      const { lines } = plan({ friend: { kind: 'cash', amount: 100, currency: 'USD' } }, { review: { firstRewardPerReferrer: true } });
      expect(lines.map((l) => l.reviewReasons.map((r) => r.code))).toEqual([['first_reward'], ['first_reward']]);
      const later = plan({}, { review: { firstRewardPerReferrer: true }, counts: buildCounts({ referrerRewardsTotal: 1 }) });
      expect(later.lines[0]?.needsReview).toBe(false);
    });

    it('reviews only the risk flags the program lists', () => {
      const { lines } = plan({}, { review: { flags: ['same_ip_as_referrer'] }, riskFlags: ['disposable_email', 'same_ip_as_referrer'] });
      expect(lines[0]?.reviewReasons).toEqual([{ code: 'risk_flag', flag: 'same_ip_as_referrer', message: expect.stringContaining('same network address') }]);
    });
  });
});
