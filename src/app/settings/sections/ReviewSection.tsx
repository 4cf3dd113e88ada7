import { Checkbox, Flex, Heading, Text } from '@hubspot/ui-extensions';
import { RISK_FLAG_LABELS, RISK_FLAGS } from '@referral-ops/domain/risk-flags';
import { getAt, MoneyField, NumberField, ToggleField } from '../fields';
import type { SectionProps } from './section';

const V = 'review.velocity';

/** When a reward waits for a person, and what counts as referrals arriving too fast. */
export function ReviewSection({ draft, issues, onChange, portal }: SectionProps) {
  const f = { draft, issues, onChange };
  const currency = String(getAt(draft, 'rewards.referrer.currency') ?? portal.currencies[0] ?? 'USD');
  const flags = (getAt(draft, 'review.flags') as string[] | undefined) ?? [];
  const minutes = getAt(draft, `${V}.windowMinutes`);
  const within = typeof minutes === 'number' ? `within ${minutes} minute${minutes === 1 ? '' : 's'}` : 'within the window';
  return (
    <Flex direction="column" gap="sm">
      <Heading>Review</Heading>
      <MoneyField label="Review rewards above" path="review.amountAbove" currency={currency} {...f} />
      <ToggleField label="Review each referrer's first reward" path="review.firstRewardPerReferrer" {...f} />
      {RISK_FLAGS.map((flag) => (
        <Checkbox key={flag} name={`review.flags.${flag}`} checked={flags.includes(flag)}
          onChange={(checked) => onChange('review.flags', checked ? [...flags, flag] : flags.filter((x) => x !== flag))}>
          Review when: {RISK_FLAG_LABELS[flag]}
        </Checkbox>
      ))}
      <Text format={{ fontWeight: 'bold' }}>Referrals arriving too fast</Text>
      <Text variant="microcopy">A referral is flagged as arriving too fast when, {within}, any of these limits is exceeded. Network addresses are kept only this long.</Text>
      <NumberField label="Time window (minutes)" path={`${V}.windowMinutes`} description="At most a day (1440 minutes)." {...f} />
      <NumberField label="Friends referred by one referrer" path={`${V}.friendsPerReferrer`} description={`More friends than this from one referrer ${within} is too fast.`} {...f} />
      <NumberField label="Referrals from one network address" path={`${V}.capturesPerIp`} description={`More referrals than this from one IP address ${within} is too fast.`} {...f} />
      <NumberField label="Referrals from one browser" path={`${V}.capturesPerBrowser`} description={`More referrals than this from one browser ${within} is too fast.`} {...f} />
      <NumberField label="Review expires after (days)" path="review.expirationDays" {...f} />
    </Flex>
  );
}
