import { parseProgram } from '../../src/app/packages/domain/program';
import {
  dealAmountMinorUnits,
  percentOf,
  rewardBasis,
  shareOfDeal,
  type DealRevenue,
  type RevenueShare,
} from '../../src/app/packages/domain/revenue-share';
import { buildProgramInput, daysBefore, NOW } from './factories';

const SHARE: RevenueShare = { percent: 10, min: 2_000, max: 100_000, contactMilestoneDeal: 'first_closed_won_after_referral', reviewWithoutAmount: false };
const REFERRED_AT = daysBefore(NOW, 10);

function deal(dealId: string, amount: string | null, closedDaysAgo: number | null, currency = 'EUR'): DealRevenue {
  return { dealId, amount, currency, closedWonAt: closedDaysAgo === null ? null : daysBefore(NOW, closedDaysAgo) };
}

const basisOf = (amount: number, currency = 'EUR') =>
  ({ kind: 'deal', dealId: '1', dealAmount: amount, currency, readAt: NOW.toISOString() }) as const;

describe('dealAmountMinorUnits: reading HubSpot amounts', () => {
  it.each([
    ['12000', 'EUR', 1_200_000],
    ['12000.5', 'EUR', 1_200_050],
    ['0.005', 'EUR', 1],
    ['0.004', 'EUR', null],
    ['1999.995', 'USD', 200_000],
    ['12000.4', 'JPY', 12_000],
    ['12000.5', 'JPY', 12_001],
  ])('%s %s is %s minor units', (raw, currency, expected) => {
    expect(dealAmountMinorUnits(raw, currency)).toBe(expected);
  });

  it.each([[null], [''], ['0'], ['0.00'], ['-500'], ['12,000'], ['1.2e4'], ['abc']])('treats %p as no amount', (raw) => {
    expect(dealAmountMinorUnits(raw, 'EUR')).toBeNull();
  });
});

describe('shareOfDeal: percent, minimum and maximum', () => {
  it('rounds the share half up to a whole minor unit', () => {
    expect(percentOf(12_345, 10)).toBe(1_235);
    expect(percentOf(12_344, 10)).toBe(1_234);
    expect(percentOf(1_000_000, 7.5)).toBe(75_000);
  });

  it('caps at the maximum, lifts to the minimum, and leaves amounts between alone', () => {
    expect(shareOfDeal(SHARE, 'EUR', basisOf(1_200_000)).amount).toBe(100_000);
    expect(shareOfDeal(SHARE, 'EUR', basisOf(400_000)).amount).toBe(40_000);
    expect(shareOfDeal(SHARE, 'EUR', basisOf(5_000)).amount).toBe(2_000);
  });

  it('applies neither bound to a deal in another currency and says so', () => {
    expect(shareOfDeal(SHARE, 'EUR', basisOf(1_200_000, 'USD'))).toEqual({ amount: 120_000, currency: 'USD', currencyDiffers: true });
  });
});

describe('rewardBasis: which deal pays', () => {
  const revenue = (...deals: DealRevenue[]) => ({ deals, readAt: NOW });

  it("uses the milestone's own deal for a deal milestone, whatever else the friend won", () => {
    expect(rewardBasis(SHARE, '2', revenue(deal('1', '9000', 5), deal('2', '4000', 1)), REFERRED_AT))
      .toEqual({ kind: 'deal', dealId: '2', dealAmount: 400_000, currency: 'EUR', readAt: NOW.toISOString() });
  });

  it('uses the first deal won after the referral for a contact milestone; open deals do not count', () => {
    const basis = rewardBasis(SHARE, null, revenue(deal('3', '50000', null), deal('2', '8000', 2), deal('1', '3000', 4)), REFERRED_AT);
    expect(basis).toMatchObject({ kind: 'deal', dealId: '1', dealAmount: 300_000 });
  });

  it('ignores a deal won before the referral', () => {
    expect(rewardBasis(SHARE, null, revenue(deal('1', '3000', 20)), REFERRED_AT))
      .toEqual({ kind: 'fixed', reason: 'The friend has no deal that closed won after the referral' });
  });

  it('pays the fixed amount for a contact milestone when the program says so', () => {
    expect(rewardBasis({ contactMilestoneDeal: 'fixed_amount', percent: 10 }, null, revenue(deal('1', '3000', 1)), REFERRED_AT))
      .toMatchObject({ kind: 'fixed', reason: expect.stringContaining('pays its fixed amount') });
  });

  it('names the deal and what it had when the amount is missing or zero', () => {
    expect(rewardBasis(SHARE, '7', revenue(deal('7', null, 1)), REFERRED_AT))
      .toEqual({ kind: 'fixed', dealId: '7', reason: 'Deal 7 has no amount, so no share of it can be paid' });
    expect(rewardBasis(SHARE, '7', revenue(deal('7', '0', 1)), REFERRED_AT))
      .toEqual({ kind: 'fixed', dealId: '7', reason: 'Deal 7 has amount "0", so no share of it can be paid' });
  });
});

describe('the revenue share in a program', () => {
  const withShare = (revenueShare: unknown) =>
    parseProgram(buildProgramInput({ rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'EUR', revenueShare } as never } }));

  it('defaults to the first deal won after the referral and no review', () => {
    const result = withShare({ percent: 10 });
    expect(result.ok && result.program.rewards.referrer.revenueShare).toEqual({
      percent: 10, contactMilestoneDeal: 'first_closed_won_after_referral', reviewWithoutAmount: false,
    });
  });

  it.each([
    [{ percent: 0 }, 'rewards.referrer.revenueShare.percent', 'Percent of the deal must be greater than 0'],
    [{ percent: 120 }, 'rewards.referrer.revenueShare.percent', 'Percent of the deal must be at most 100'],
    [{ percent: 7.125 }, 'rewards.referrer.revenueShare.percent', 'Percent of the deal may have at most two decimals, e.g. 7.5'],
    [{ percent: 10, min: 5000, max: 1000 }, 'rewards.referrer.revenueShare.max', 'Maximum reward (10.00 EUR) cannot be below the minimum (50.00 EUR)'],
    [{ percent: 10, contactMilestoneDeal: 'largest' }, 'rewards.referrer.revenueShare.contactMilestoneDeal', 'For a contact milestone choose "first_closed_won_after_referral" or "fixed_amount"'],
  ])('refuses %j, naming the field', (share, path, message) => {
    expect(withShare(share)).toEqual({ ok: false, issues: [{ path, message }] });
  });
});
