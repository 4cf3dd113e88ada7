import { useState } from 'react';
import { Alert, Button, Flex, Heading, LoadingButton, Tag, Text, TextArea } from '@hubspot/ui-extensions';
import type { ContactSummary, StoryReward } from '@referral-ops/contracts/app-functions';
import { formatAmount, formatDate } from '@referral-ops/ui-shared/format';
import { flagLabel } from './labels';

export type ReviewDecision = { decision: 'approve' } | { decision: 'reject'; reason: string };

interface Props {
  rewards: StoryReward[];
  contacts: Record<string, ContactSummary>;
  locale: string;
  /** Resolves to an error message, or null when the decision was recorded. */
  onDecide: (rewardId: string, decision: ReviewDecision) => Promise<string | null>;
}

const MIN_REASON = 3;

/** Rewards paused for a person's decision; both outcomes ask for confirmation first. */
export function ReviewSection({ rewards, contacts, locale, onDecide }: Props) {
  return (
    <Flex direction="column" gap="sm">
      <Heading>Waiting for your review</Heading>
      {rewards.map((reward) => (
        <RewardReview key={reward.id} reward={reward} recipient={contacts[reward.recipientContactId]?.name} locale={locale} onDecide={onDecide} />
      ))}
    </Flex>
  );
}

function RewardReview({ reward, recipient, locale, onDecide }: { reward: StoryReward; recipient: string | undefined; locale: string; onDecide: Props['onDecide'] }) {
  const [mode, setMode] = useState<'idle' | 'approve' | 'reject'>('idle');
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const amount = formatAmount(reward.amount, reward.currency, locale);
  const who = `${reward.recipient === 'referrer' ? 'referrer' : 'friend'}${recipient ? ` ${recipient}` : ''}`;

  const decide = async (decision: ReviewDecision) => {
    setBusy(true);
    const failure = await onDecide(reward.id, decision);
    setBusy(false);
    setError(failure);
    if (!failure) setMode('idle');
  };

  const confirmReject = () => {
    if (reason.trim().length < MIN_REASON) {
      setReasonError('Say why the reward is rejected; the reason is kept in the audit trail.');
      return;
    }
    void decide({ decision: 'reject', reason: reason.trim() });
  };

  return (
    <Flex direction="column" gap="xs" testId={`review-${reward.id}`}>
      <Text>
        {amount} {reward.kind.replace(/_/g, ' ')} for the {who}, created {formatDate(reward.createdAt, locale)}
      </Text>
      {reward.reviewReasons.length > 0 && (
        <Flex gap="xs">
          {reward.reviewReasons.map((r) => (
            <Tag key={r} variant="warning">{flagLabel(r)}</Tag>
          ))}
        </Flex>
      )}
      {error && <Alert title="The decision was not saved" variant="error">{error}</Alert>}
      {mode === 'idle' && (
        <Flex gap="xs">
          <Button variant="primary" size="xs" onClick={() => setMode('approve')}>Approve</Button>
          <Button variant="destructive" size="xs" onClick={() => setMode('reject')}>Reject</Button>
        </Flex>
      )}
      {mode === 'approve' && (
        <Flex direction="column" gap="xs">
          <Text>Approve {amount} for the {who}? It will be handed to fulfilment.</Text>
          <Flex gap="xs">
            <LoadingButton loading={busy} variant="primary" size="xs" onClick={() => void decide({ decision: 'approve' })}>Confirm approval</LoadingButton>
            <Button size="xs" variant="secondary" disabled={busy} onClick={() => setMode('idle')}>Cancel</Button>
          </Flex>
        </Flex>
      )}
      {mode === 'reject' && (
        <Flex direction="column" gap="xs">
          <TextArea
            label="Reason for rejecting"
            name={`reason-${reward.id}`}
            value={reason}
            error={Boolean(reasonError)}
            validationMessage={reasonError}
            onChange={(value) => {
              setReason(value);
              setReasonError(undefined);
            }}
          />
          <Flex gap="xs">
            <LoadingButton loading={busy} variant="destructive" size="xs" onClick={confirmReject}>Confirm rejection</LoadingButton>
            <Button size="xs" variant="secondary" disabled={busy} onClick={() => setMode('idle')}>Cancel</Button>
          </Flex>
        </Flex>
      )}
    </Flex>
  );
}
