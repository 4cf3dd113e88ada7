import { DescriptionList, DescriptionListItem, Flex, Heading, Link, StatusTag, Tag, Text } from '@hubspot/ui-extensions';
import type { ContactSummary, StoryReferredBy, StoryReward } from '@referral-ops/contracts/app-functions';
import { contactUrl, formatAmount, formatDate } from '@referral-ops/ui-shared/format';
import { flagLabel, referralStatusLabel, rewardStatusLabel } from './labels';

interface Props {
  referredBy: StoryReferredBy;
  /** Rewards of this referral, both sides. */
  rewards: StoryReward[];
  contacts: Record<string, ContactSummary>;
  locale: string;
  portalId: number;
}

function evidenceText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** The contact as a referred friend: who referred them, whether the milestone was reached and why. */
export function ReferredSection({ referredBy, rewards, contacts, locale, portalId }: Props) {
  const status = referralStatusLabel[referredBy.status];
  const referrer = contacts[referredBy.referrerContactId]?.name ?? `Contact ${referredBy.referrerContactId}`;
  return (
    <Flex direction="column" gap="xs">
      <Heading>Referred</Heading>
      <Text>
        Referred by <Link href={contactUrl(portalId, referredBy.referrerContactId)}>{referrer}</Link> (code {referredBy.referrerCode}) on{' '}
        {formatDate(referredBy.capturedAt, locale)}
      </Text>
      <Flex gap="xs" align="center">
        <StatusTag variant={status.variant}>{status.text}</StatusTag>
        {referredBy.qualifiedAt && <Text variant="microcopy">qualified {formatDate(referredBy.qualifiedAt, locale)}</Text>}
      </Flex>
      {referredBy.reason && <Text testId="referral-reason">{referredBy.reason}</Text>}
      {referredBy.evidence && Object.keys(referredBy.evidence).length > 0 && (
        <DescriptionList direction="column">
          {Object.entries(referredBy.evidence).map(([key, value]) => (
            <DescriptionListItem key={key} label={key}>
              <Text>{evidenceText(value)}</Text>
            </DescriptionListItem>
          ))}
        </DescriptionList>
      )}
      {referredBy.flags.length > 0 && (
        <Flex direction="column" gap="xs" testId="referral-flags">
          {referredBy.flags.map((flag) => (
            <Flex key={flag} gap="xs" align="center">
              <Tag variant="warning">{flagLabel(flag)}</Tag>
              {referredBy.flagReasons?.[flag] && <Text variant="microcopy">{referredBy.flagReasons[flag]}</Text>}
            </Flex>
          ))}
        </Flex>
      )}
      {rewards.length === 0 ? (
        <Text variant="microcopy">No rewards yet: they are created when the referral qualifies.</Text>
      ) : (
        rewards.map((reward) => {
          const rewardStatus = rewardStatusLabel[reward.status];
          return (
            <Flex gap="xs" align="center" key={reward.id} testId={`reward-${reward.id}`}>
              <Text>
                {reward.recipient === 'referrer' ? 'Referrer reward' : 'Friend reward'}: {formatAmount(reward.amount, reward.currency, locale)}
              </Text>
              <StatusTag variant={rewardStatus.variant}>{rewardStatus.text}</StatusTag>
            </Flex>
          );
        })
      )}
    </Flex>
  );
}
