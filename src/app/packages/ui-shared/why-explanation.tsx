import { Divider, Flex, Heading, Link, StatusTag, Text } from '@hubspot/ui-extensions';
import type { ProgramWhy, WhyAnswer, WhyEnrolment, WhyQualification } from '@referral-ops/contracts/explain';
import { formatAmount, formatDate } from './format';

const STATUS_WORDS: Record<string, string> = {
  qualified: 'Qualifies', not_qualified: 'Does not qualify yet', not_referred: 'Not referred', rejected: 'Rejected',
};

const operatorWords = (operator: string) => operator.toLowerCase().replace(/_/g, ' ');

function Enrolment({ enrolment }: { enrolment: WhyEnrolment }) {
  return (
    <Flex direction="column" gap="xs">
      <Text>
        <StatusTag variant={enrolment.wouldEnrol ? 'success' : enrolment.enrolled ? 'info' : 'default'}>
          {enrolment.wouldEnrol ? 'Would be enrolled' : enrolment.enrolled ? 'Enrolled' : 'Would not be enrolled'}
        </StatusTag>{' '}
        {enrolment.reason}
      </Text>
      {enrolment.groups.map((group, g) => (
        <Flex key={`rule-${g}`} direction="column" gap="flush">
          <Text format={{ fontWeight: 'bold' }}>Rule {g + 1}: {group.matched ? 'matches' : 'does not match'}</Text>
          {group.filters.map((f, i) => (
            <Text key={`rule-${g}-${i}`} variant="microcopy">
              {f.matched ? '✓' : '✗'} {f.propertyName} {operatorWords(f.operator)} {f.values?.join(', ') ?? f.value ?? ''}
              {f.highValue === undefined ? '' : ` and ${f.highValue}`} (now {f.actual === null ? 'unset' : `"${f.actual}"`})
            </Text>
          ))}
        </Flex>
      ))}
    </Flex>
  );
}

function Qualification({ qualification: q, locale }: { qualification: WhyQualification; locale: string }) {
  const { decision, evidence } = q;
  return (
    <Flex direction="column" gap="xs">
      <Text>
        <StatusTag variant={decision.referralStatus === 'qualified' ? 'success' : decision.referralStatus === 'rejected' ? 'danger' : 'warning'}>
          {STATUS_WORDS[decision.referralStatus] ?? decision.referralStatus}
        </StatusTag>{' '}
        {decision.reason}
      </Text>
      <Text variant="microcopy">
        Milestone: {q.milestone}. Referred on {formatDate(q.referral.capturedAt, locale)}; referral {q.referral.status}.
        {decision.waitsForReview ? ' The workflow would wait for a reviewer.' : ''}
      </Text>
      {decision.rewards.map((r) => (
        <Text key={`reward-${r.recipient}`}>
          Reward for the {r.recipient}: {formatAmount(r.amount, r.currency, locale)} ({r.status.replace(/_/g, ' ')})
          {r.reviewReasons.length > 0 ? `: ${r.reviewReasons.join('; ')}` : ''}
        </Text>
      ))}
      <Text format={{ fontWeight: 'bold' }}>Guards, in the order they are checked</Text>
      {q.guards.map((g) => (
        <Text key={g.code} testId={`guard-${g.code}`}>
          <StatusTag variant={g.passed ? 'success' : 'danger'}>{g.passed ? 'Pass' : 'Fail'}</StatusTag> {g.label}
          {g.passed ? '' : `: ${g.message ?? ''} (${g.effect})`}
        </Text>
      ))}
      {evidence && (
        <>
          <Text format={{ fontWeight: 'bold' }}>Evidence read from HubSpot on {formatDate(evidence.readAt, locale)}</Text>
          <Text>Lifecycle stage: {evidence.lifecycleStage ?? 'none'}</Text>
          {evidence.lifecycleHistory.length > 0 && (
            <Text variant="microcopy">History: {evidence.lifecycleHistory.map((c) => `${c.stage} (${formatDate(c.at, locale)})`).join(' → ')}</Text>
          )}
          {evidence.deals.length === 0 && <Text variant="microcopy">No deals.</Text>}
          {evidence.deals.map((d) => (
            <Text key={`deal-${d.id}`} variant="microcopy" testId={`deal-${d.id}`}>
              Deal {d.id}: {d.stage} in {d.pipeline}
              {d.amount === null ? ', no amount' : `, amount ${d.amount}${d.currency ? ` ${d.currency}` : ''}`}
              {d.closedWonAt ? `, won ${formatDate(d.closedWonAt, locale)}` : ''}
            </Text>
          ))}
        </>
      )}
    </Flex>
  );
}

function Program({ why, locale }: { why: ProgramWhy; locale: string }) {
  return (
    <Flex direction="column" gap="sm" testId={`why-${why.programId}`}>
      <Heading>{why.programName}</Heading>
      <Enrolment enrolment={why.enrolment} />
      {why.qualification
        ? <Qualification qualification={why.qualification} locale={locale} />
        : <Text variant="microcopy">Not referred through this program, so &quot;Qualify referral&quot; has nothing to decide.</Text>}
    </Flex>
  );
}

/**
 * The "why?" answer for one contact: enrolment rule by rule, and for a referred contact what
 * "Qualify referral" would decide now, guard by guard, with the evidence. Shared by the settings
 * page and the contact card so both say the same thing.
 */
export function WhyExplanation({ answer, locale }: { answer: WhyAnswer; locale: string }) {
  return (
    <Flex direction="column" gap="sm">
      <Text>
        <Link href={{ url: answer.contact.url, external: true }}>{answer.contact.name}</Link>
        {answer.contact.email ? ` (${answer.contact.email})` : ''}: a dry run, nothing was changed.
      </Text>
      {answer.programs.length === 0 && <Text>There are no referral programs yet.</Text>}
      {answer.programs.flatMap((why, i) => [
        ...(i === 0 ? [] : [<Divider key={`divider-${why.programId}`} />]),
        <Program key={why.programId} why={why} locale={locale} />,
      ])}
    </Flex>
  );
}
