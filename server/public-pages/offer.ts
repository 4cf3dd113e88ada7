import type { Program, RewardSpec } from '../../src/app/packages/domain/program';
import type { Translator } from '../i18n';

/** A reward in words: "$20 off", "a $50 gift card", "10% of the deal value in credit (at most $1,000)". */
export function rewardPhrase(t: Translator, spec: RewardSpec): string {
  const share = spec.revenueShare;
  if (!share) return t.t('reward.fixed', { kind: spec.kind, amount: t.money(spec.amount, spec.currency) });
  const reward = t.t('reward.share', { kind: spec.kind, percent: t.percent(share.percent) });
  const limits = share.min !== undefined && share.max !== undefined ? 'both' : share.min !== undefined ? 'min' : share.max !== undefined ? 'max' : 'none';
  return t.t('reward.limits', {
    limits, reward,
    min: share.min === undefined ? '' : t.money(share.min, spec.currency),
    max: share.max === undefined ? '' : t.money(share.max, spec.currency),
  });
}

/** What the friend gets, in words; undefined for a one-sided program. */
export function friendReward(t: Translator, program: Program): string | undefined {
  return program.rewards.friend ? rewardPhrase(t, program.rewards.friend) : undefined;
}

/**
 * Both sides of the offer as sentences, for the referrer's pages: their reward, the friend's, then
 * each tier bonus (tiers are in the referrer's currency and sorted by threshold).
 */
export function offerSentences(t: Translator, program: Program): string[] {
  const { referrer, tiers } = program.rewards;
  const friend = friendReward(t, program);
  return [
    t.t('offer.referrer', { reward: rewardPhrase(t, referrer) }),
    ...(friend ? [t.t('offer.friend', { reward: friend })] : []),
    ...tiers.map((tier) => t.t('offer.tier', { bonus: t.money(tier.bonus.amount, referrer.currency), count: tier.atQualified })),
  ];
}
