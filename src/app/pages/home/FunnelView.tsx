import {
  Alert, BarChart, EmptyState, Flex, Heading, LineChart, Link, Statistics, StatisticsItem, Table, TableBody, TableCell,
  TableHead, TableHeader, TableRow, Text,
} from '@hubspot/ui-extensions';
import type { FunnelReport } from '@referral-ops/contracts/funnel-report';
import { contactUrl, formatAmount } from '@referral-ops/ui-shared/format';

interface Props {
  report: FunnelReport;
  locale: string;
  portalId: number;
}

/** The report: headline statistics, what the program earns and pays, the funnel from click to reward, the trend and who drives it. */
export function FunnelView({ report, locale, portalId }: Props) {
  const t = report.totals;
  const number = new Intl.NumberFormat(locale);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const ratio = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  if (t.enrolments + t.clicks + t.referredLeads + t.qualifiedReferrals + t.rewardsIssued === 0) {
    return (
      <EmptyState title="No referral activity in this period" layout="vertical">
        <Text>
          Referrers appear here once contacts are enrolled and share their links. Enrol contacts from a workflow, the
          contact card or the sign-up form, or pick a longer period.
        </Text>
      </EmptyState>
    );
  }

  const funnel = [
    { stage: 'Link clicks', count: t.clicks },
    { stage: 'Referred leads', count: t.referredLeads },
    { stage: 'Qualified referrals', count: t.qualifiedReferrals },
    { stage: 'Rewards issued', count: t.rewardsIssued },
  ];
  const trend = report.series.flatMap((b) => [
    { date: b.date, figure: 'Referred leads', count: b.referredLeads },
    { date: b.date, figure: 'Qualified referrals', count: b.qualifiedReferrals },
  ]);
  const pending = t.rewardsAwaitingReview;
  const bucket = report.period.interval === 'day' ? 'Day' : 'Week from';

  return (
    <Flex direction="column" gap="medium">
      <Statistics>
        <StatisticsItem label="Referred leads" number={number.format(t.referredLeads)} />
        <StatisticsItem label="Qualified referrals" number={number.format(t.qualifiedReferrals)} />
        <StatisticsItem label="Qualification rate" number={t.qualificationRate === null ? '–' : percent.format(t.qualificationRate)}>
          <Text variant="microcopy">
            {t.referredLeadsQualified} of {t.referredLeads} referred leads in this period have qualified so far
          </Text>
        </StatisticsItem>
        <StatisticsItem label="Median time to qualify" number={t.medianTimeToQualifyMs === null ? '–' : days(t.medianTimeToQualifyMs, number)} />
        <StatisticsItem label="Rewards issued" number={number.format(t.rewardsIssued)}>
          <Text variant="microcopy">
            {t.rewardsIssuedByCurrency.map((c) => formatAmount(c.amount, c.currency, locale)).join(' · ') || 'None'}
          </Text>
        </StatisticsItem>
      </Statistics>

      {pending.count > 0 && (
        <Alert title="Rewards waiting for review" variant="warning">
          {pending.count === 1 ? '1 reward waits' : `${number.format(pending.count)} rewards wait`} for a reviewer; the oldest has
          waited {days(pending.oldestAgeMs ?? 0, number)}. Review them on the referrer's contact record.
        </Alert>
      )}

      <Heading>Return</Heading>
      {t.returns.length === 0 ? (
        <Text>No won deals of referred contacts and no reward cost in this period yet.</Text>
      ) : (
        <Table bordered>
          <TableHead>
            <TableRow>
              <TableHeader>Currency</TableHeader>
              <TableHeader>Referred revenue</TableHeader>
              <TableHeader>Reward cost</TableHeader>
              <TableHeader>Cost per qualified referral</TableHeader>
              <TableHeader>Revenue per reward dollar</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {t.returns.map((r) => (
              <TableRow key={r.currency}>
                <TableCell>{r.currency}</TableCell>
                <TableCell>
                  {formatAmount(r.referredRevenue, r.currency, locale)} ({number.format(r.wonDeals)} won {r.wonDeals === 1 ? 'deal' : 'deals'})
                </TableCell>
                <TableCell>
                  {formatAmount(r.rewardCost, r.currency, locale)} ({formatAmount(r.rewardCostApproved, r.currency, locale)} approved, not yet issued)
                </TableCell>
                <TableCell>{r.costPerQualifiedReferral === null ? '–' : formatAmount(r.costPerQualifiedReferral, r.currency, locale)}</TableCell>
                <TableCell>{r.revenuePerRewardDollar === null ? '–' : ratio.format(r.revenuePerRewardDollar)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {t.returns.length > 1 && <Text variant="microcopy">Each currency is shown on its own: amounts are not converted.</Text>}

      <Heading>Funnel</Heading>
      <BarChart
        data={funnel}
        axes={{ x: { field: 'stage', fieldType: 'category', label: 'Stage' }, y: { field: 'count', fieldType: 'linear', label: 'Count' } }}
        options={{ showDataLabels: true, showTooltips: true }}
      />

      <Heading>Trend</Heading>
      <LineChart
        data={trend}
        axes={{
          x: { field: 'date', fieldType: 'category', label: bucket },
          y: { field: 'count', fieldType: 'linear', label: 'Count' },
          options: { groupFieldByColor: 'figure' },
        }}
        options={{ showLegend: true, showTooltips: true }}
      />

      <Heading>Top referrers</Heading>
      {t.topReferrers.length === 0 ? (
        <Text>No referral qualified in this period yet.</Text>
      ) : (
        <Table bordered>
          <TableHead>
            <TableRow>
              <TableHeader>Referrer</TableHeader>
              <TableHeader>Qualified referrals</TableHeader>
            </TableRow>
          </TableHead>
          <TableBody>
            {t.topReferrers.map((r) => (
              <TableRow key={r.contactId}>
                <TableCell>
                  <Link href={{ url: contactUrl(portalId, r.contactId), external: true }}>Contact {r.contactId}</Link>
                </TableCell>
                <TableCell>{number.format(r.qualified)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}

      {t.rejections.length > 0 && (
        <Text variant="microcopy">
          Rejected: {t.rejections.map((r) => `${REASONS[r.reason ?? ''] ?? r.reason ?? 'no reason given'} ${number.format(r.count)}`).join(' · ')}
        </Text>
      )}
    </Flex>
  );
}

/** Plain words for the qualification guards' reason codes; an unknown code is shown as it is. */
const REASONS: Record<string, string> = {
  not_referred: 'not referred',
  already_qualified: 'already qualified',
  existing_customer: 'already a customer',
  self_referral: 'self-referral',
  outside_window: 'outside the window',
  referrer_cap_reached: 'referrer cap reached',
  program_cap_reached: 'program cap reached',
};

function days(ms: number, number: Intl.NumberFormat): string {
  if (ms < 86_400_000) return `${Math.max(1, Math.round(ms / 3_600_000))} h`;
  const d = Math.round(ms / 8_640_000) / 10;
  return `${number.format(d)} ${d === 1 ? 'day' : 'days'}`;
}
