import { Button, Flex, Heading, Text, Toggle } from '@hubspot/ui-extensions';
import { REWARD_KINDS, REWARD_KIND_WORDS } from '@referral-ops/domain/program';
import { getAt, MoneyField, NumberField, SelectField } from '../fields';
import { RevenueShareFields } from './RevenueShareFields';
import { withCurrent, type SectionProps } from './section';

const kinds = REWARD_KINDS.map((k) => ({ label: REWARD_KIND_WORDS[k], value: k }));

/**
 * What referrers and friends earn. Every amount is in the program's currency (the referrer
 * reward's), typed in major units; budgets and reports add both sides, so the friend's follows it.
 */
export function RewardsSection(props: SectionProps) {
  const { draft, issues, onChange, portal } = props;
  const f = { draft, issues, onChange };
  const currency = String(getAt(draft, 'rewards.referrer.currency') ?? portal.currencies[0] ?? 'USD');
  const friend = getAt(draft, 'rewards.friend') !== undefined;
  const tiers = (getAt(draft, 'rewards.tiers') as unknown[] | undefined) ?? [];
  const referrerShare = getAt(draft, 'rewards.referrer.revenueShare') !== undefined;
  const friendShare = getAt(draft, 'rewards.friend.revenueShare') !== undefined;
  const currencies = withCurrent(portal.currencies.map((c) => ({ label: c, value: c })), currency,
    (c) => `${c} (not one of this portal's currencies)`);

  return (
    <Flex direction="column" gap="sm">
      <Heading>Rewards</Heading>
      <SelectField label="Program currency" path="rewards.referrer.currency" options={currencies} {...f}
        description="From your HubSpot portal's currencies. Every amount on this page is in it."
        onChange={(path, next) => {
          onChange(path, next);
          if (friend) onChange('rewards.friend.currency', next);
        }} />
      <Text format={{ fontWeight: 'bold' }}>The referrer gets</Text>
      <SelectField label="Referrer reward" path="rewards.referrer.kind" options={kinds} {...f} />
      <MoneyField label={referrerShare ? 'Fixed referrer reward' : 'Referrer reward amount'} path="rewards.referrer.amount" currency={currency} {...f}
        description={referrerShare ? 'Paid when no deal amount counts (no amount on the deal, or no deal won after the referral).' : undefined} />
      <RevenueShareFields base="rewards.referrer" who="the referrer" currency={currency} {...f} />

      <Toggle label="Double-sided: reward the friend too" name="rewards.friendEnabled" checked={friend}
        onChange={(on) => onChange('rewards.friend', on ? { kind: getAt(draft, 'rewards.referrer.kind') ?? 'gift_card', amount: getAt(draft, 'rewards.referrer.amount'), currency } : undefined)} />
      {friend && (
        <>
          <Text format={{ fontWeight: 'bold' }}>The friend gets</Text>
          <SelectField label="Friend reward" path="rewards.friend.kind" options={kinds} {...f} />
          <MoneyField label={friendShare ? 'Fixed friend reward' : 'Friend reward amount'} path="rewards.friend.amount" currency={currency} {...f}
            description={friendShare ? 'Paid when no deal amount counts.' : undefined} />
          <RevenueShareFields base="rewards.friend" who="the friend" currency={currency} {...f} />
        </>
      )}

      {tiers.map((_, i) => (
        <Flex gap="xs" key={`tier-${i}`}>
          <NumberField label="From qualified referral no." path={`rewards.tiers.${i}.atQualified`} {...f} />
          <MoneyField label="Bonus" path={`rewards.tiers.${i}.bonus.amount`} currency={currency} {...f} />
          <Button size="xs" variant="transparent" onClick={() => onChange('rewards.tiers', tiers.filter((__, j) => j !== i))}>Remove</Button>
        </Flex>
      ))}
      <Button size="xs" onClick={() => onChange('rewards.tiers', [...tiers, { atQualified: tiers.length + 2, bonus: { amount: undefined } }])}>Add tier bonus</Button>
      <NumberField label="Lifetime rewards per referrer" path="rewards.caps.perReferrer" {...f} />
      <NumberField label="Rewards per referrer per month" path="rewards.caps.perReferrerPerMonth" {...f} />
      <MoneyField label="Monthly program budget" path="rewards.caps.programPerMonth" currency={currency} {...f} />
      <NumberField label="Hold period (days)" path="rewards.holdDays" description="Rewards wait this long before they can be paid, to allow for refunds." {...f} />
    </Flex>
  );
}
