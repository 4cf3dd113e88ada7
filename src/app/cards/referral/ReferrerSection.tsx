import { useState } from 'react';
import { Alert, Button, DescriptionList, DescriptionListItem, Flex, Heading, Link, LoadingButton, Statistics, StatisticsItem, StatusTag, Text } from '@hubspot/ui-extensions';
import type { ContactSummary, StoryEnrolment, StoryReferral } from '@referral-ops/contracts/app-functions';
import { contactUrl, formatAmount, formatDate } from '@referral-ops/ui-shared/format';
import { referralStatusLabel } from './labels';

interface Props {
  enrolments: StoryEnrolment[];
  referrals: StoryReferral[];
  contacts: Record<string, ContactSummary>;
  locale: string;
  portalId: number;
  onCopy: (text: string, what: string) => void;
  /** Revokes the referrer's dashboard link and writes a new one to the contact; the error to show, or null. */
  onRotateDashboardLink: (programId: string) => Promise<string | null>;
}

/** The contact as a referrer: code and link to share, how far their referrals got, what they earned. */
export function ReferrerSection({ enrolments, referrals, contacts, locale, portalId, onCopy, onRotateDashboardLink }: Props) {
  return (
    <Flex direction="column" gap="sm">
      {enrolments.map((enrolment) => (
        <Flex direction="column" gap="xs" key={enrolment.programId}>
          <Heading>Referrer in {enrolment.programName}</Heading>
          <DescriptionList direction="row">
            <DescriptionListItem label="Referral code">
              <Text format={{ fontWeight: 'bold' }} testId={`code-${enrolment.programId}`}>{enrolment.code}</Text>
            </DescriptionListItem>
            <DescriptionListItem label="Referral link">
              <Link href={enrolment.link}>{enrolment.link}</Link>
            </DescriptionListItem>
          </DescriptionList>
          <Flex gap="xs">
            <Button size="xs" testId={`copy-link-${enrolment.programId}`} onClick={() => onCopy(enrolment.link, 'Referral link')}>Copy link</Button>
            <Button size="xs" variant="secondary" testId={`copy-code-${enrolment.programId}`} onClick={() => onCopy(enrolment.code, 'Referral code')}>Copy code</Button>
          </Flex>
          <Statistics>
            <StatisticsItem label="Referred" number={enrolment.counts.referred} />
            <StatisticsItem label="Qualified" number={enrolment.counts.qualified} />
            <StatisticsItem label="Rewarded" number={enrolment.counts.rewarded} />
          </Statistics>
          <Text testId={`earned-${enrolment.programId}`}>
            Rewards earned:{' '}
            {enrolment.rewardsTotal.length === 0 ? 'none yet' : enrolment.rewardsTotal.map((m) => formatAmount(m.amount, m.currency, locale)).join(', ')}
          </Text>
          <DashboardLinkRotation programId={enrolment.programId} onRotate={onRotateDashboardLink} />
        </Flex>
      ))}
      <Heading>Latest referrals</Heading>
      {referrals.length === 0 ? (
        <Text testId="no-referrals">No one has used this contact&apos;s link yet. Share the link or code above to get started.</Text>
      ) : (
        referrals.map((referral) => {
          const status = referralStatusLabel[referral.status];
          return (
            <Flex gap="xs" align="center" key={referral.id} testId={`referral-${referral.id}`}>
              <Link href={contactUrl(portalId, referral.referredContactId)}>{contacts[referral.referredContactId]?.name ?? referral.email}</Link>
              <StatusTag variant={status.variant}>{status.text}</StatusTag>
              <Text variant="microcopy">{formatDate(referral.qualifiedAt ?? referral.capturedAt, locale)}</Text>
            </Flex>
          );
        })
      )}
    </Flex>
  );
}

/**
 * The referrer's personal dashboard link (the contact's "Referral dashboard link" property) can be
 * revoked when it reached the wrong person. That breaks the link in every email already sent, so
 * the button asks first.
 */
function DashboardLinkRotation({ programId, onRotate }: { programId: string; onRotate: (programId: string) => Promise<string | null> }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const rotate = async () => {
    setBusy(true);
    const failed = await onRotate(programId);
    setBusy(false);
    setError(failed);
    if (!failed) setConfirming(false);
  };

  if (!confirming) {
    return (
      <Flex direction="column" gap="xs">
        {error && <Alert title="Dashboard link not changed" variant="error">{error}</Alert>}
        <Button size="xs" variant="secondary" testId={`rotate-dashboard-${programId}`} onClick={() => setConfirming(true)}>New dashboard link</Button>
      </Flex>
    );
  }
  return (
    <Flex direction="column" gap="xs">
      <Text testId={`rotate-dashboard-warning-${programId}`}>
        The current dashboard link stops working at once, also in emails already sent. The new link is written to this contact&apos;s
        &quot;Referral dashboard link&quot; property.
      </Text>
      {error && <Alert title="Dashboard link not changed" variant="error">{error}</Alert>}
      <Flex gap="xs">
        <LoadingButton size="xs" variant="destructive" loading={busy} testId={`confirm-rotate-dashboard-${programId}`} onClick={rotate}>Revoke and create new link</LoadingButton>
        <Button size="xs" variant="secondary" onClick={() => setConfirming(false)}>Cancel</Button>
      </Flex>
    </Flex>
  );
}
