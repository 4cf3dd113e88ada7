import {
  Alert, BarChart, Button, EmptyState, ErrorState, LineChart, Link, LoadingSpinner, Select, StatisticsItem, Table, TableCell, TableRow, Text,
} from '@hubspot/ui-extensions';
import { createRenderer } from '@hubspot/ui-extensions/testing';
import { PageTitle } from '@hubspot/ui-extensions/pages';
import { HomePage } from '../../../src/app/pages/Home';
import { ReferralPages } from '../../../src/app/pages/Pages';
import { fail, mockFunctions, ok } from '../factories';
import { buildBucket, buildFunnelReport, buildTotals } from './funnel-report-factory';

afterEach(() => jest.restoreAllMocks());

// 2 March 2026, 10:00 in Berlin.
const NOW = () => Date.parse('2026-03-02T09:00:00Z');

function setup() {
  const renderer = createRenderer('pages');
  Object.assign(renderer.mocks.context.user, { locale: 'en-US' });
  renderer.mocks.context.portal.id = 555;
  renderer.render(<HomePage now={NOW} timeZone="Europe/Berlin" />);
  return renderer;
}

const activeReport = buildFunnelReport({
  totals: buildTotals({
    enrolments: 4, clicks: 120, referredLeads: 40, referredLeadsQualified: 10, qualifiedReferrals: 12, rewardsIssued: 9,
    qualificationRate: 0.25, medianTimeToQualifyMs: 3.5 * 86_400_000,
    rewardsIssuedByCurrency: [{ currency: 'EUR', count: 3, amount: 7500 }, { currency: 'USD', count: 6, amount: 30000 }],
    rewardsAwaitingReview: { count: 2, oldestCreatedAt: '2026-02-20T10:00:00.000Z', oldestAgeMs: 10 * 86_400_000 },
    rejections: [{ reason: 'self_referral', count: 3 }, { reason: null, count: 1 }],
    topReferrers: [{ contactId: '101', qualified: 7 }, { contactId: '102', qualified: 5 }],
    returns: [
      {
        currency: 'EUR', referredRevenue: 2_400_000, wonDeals: 2, rewardCostIssued: 7500, rewardCostApproved: 2500, rewardCost: 10_000,
        costPerQualifiedReferral: 833, revenuePerRewardDollar: 240,
      },
      {
        currency: 'USD', referredRevenue: 0, wonDeals: 0, rewardCostIssued: 30000, rewardCostApproved: 0, rewardCost: 30000,
        costPerQualifiedReferral: 2500, revenuePerRewardDollar: 0,
      },
    ],
  }),
  series: [
    buildBucket({ date: '2026-03-01', referredLeads: 25, qualifiedReferrals: 5 }),
    buildBucket({ date: '2026-03-02', referredLeads: 15, qualifiedReferrals: 7 }),
  ],
});

describe('app home page', () => {
  test("is the app page's index route, titled for the program", () => {
    mockFunctions({ 'funnel-report': () => new Promise(() => undefined) });
    const { render, find } = createRenderer('pages');
    render(<ReferralPages />);
    expect(find(PageTitle).text).toBe('Referral program');
    expect(find(LoadingSpinner).props.label).toBe('Loading the referral report');
  });

  test('shows a spinner while the report loads', () => {
    mockFunctions({ 'funnel-report': () => new Promise(() => undefined) });
    const { find } = setup();
    expect(find(LoadingSpinner).props.label).toBe('Loading the referral report');
  });

  test('asks for the last 30 days up to today in the user’s time zone, and other periods on request', async () => {
    const fns = mockFunctions({ 'funnel-report': () => ok(buildFunnelReport()) });
    const { find, waitFor } = setup();
    await waitFor(() => find(EmptyState));
    expect(fns.calls.at(-1)).toEqual({
      name: 'funnel-report',
      parameters: { from: '2026-02-01', to: '2026-03-03', interval: 'day', tz: 'Europe/Berlin' },
      propertiesToSend: undefined,
    });

    find(Select).trigger('onChange', '52w' as never);
    await waitFor(() =>
      expect(fns.calls.at(-1)!.parameters).toEqual({ from: '2025-03-04', to: '2026-03-03', interval: 'week', tz: 'Europe/Berlin' }),
    );
  });

  test('says so when nothing was earned or paid', async () => {
    mockFunctions({ 'funnel-report': () => ok(buildFunnelReport({ totals: buildTotals({ referredLeads: 3 }) })) });
    const { findAll, waitFor, maybeFind } = setup();
    await waitFor(() => expect(maybeFind(BarChart)).not.toBeNull());
    expect(findAll(Text).map((t) => t.text)).toContain('No won deals of referred contacts and no reward cost in this period yet.');
    expect(findAll(Table)).toHaveLength(0);
  });

  test('says so when a period has no activity', async () => {
    mockFunctions({ 'funnel-report': () => ok(buildFunnelReport()) });
    const { find, waitFor, maybeFind } = setup();
    await waitFor(() => expect(find(EmptyState).props.title).toBe('No referral activity in this period'));
    expect(maybeFind(BarChart)).toBeNull();
  });

  test('an error says what went wrong and retrying loads the report', async () => {
    let attempt = 0;
    mockFunctions({
      'funnel-report': () => (++attempt === 1 ? fail('UNREACHABLE', 'The referral service could not be reached.') : ok(activeReport)),
    });
    const { find, waitFor, maybeFind } = setup();
    await waitFor(() => expect(find(ErrorState).find(Text).text).toBe('The referral service could not be reached.'));
    find(ErrorState).find(Button).trigger('onClick');
    await waitFor(() => expect(maybeFind(BarChart)).not.toBeNull());
    expect(attempt).toBe(2);
  });

  test('shows the headline figures, the funnel, the trend and the top referrers', async () => {
    mockFunctions({ 'funnel-report': () => ok(activeReport) });
    const { find, findAll, waitFor } = setup();
    await waitFor(() => find(BarChart));

    const stats = Object.fromEntries(findAll(StatisticsItem).map((s) => [s.props.label, s.props.number]));
    expect(stats).toEqual({
      'Referred leads': '40', 'Qualified referrals': '12', 'Qualification rate': '25%',
      'Median time to qualify': '3.5 days', 'Rewards issued': '9',
    });
    expect(findAll(StatisticsItem)[4]!.find(Text).text).toBe('€75.00 · $300.00');

    expect(find(BarChart).props.data).toEqual([
      { stage: 'Link clicks', count: 120 },
      { stage: 'Referred leads', count: 40 },
      { stage: 'Qualified referrals', count: 12 },
      { stage: 'Rewards issued', count: 9 },
    ]);
    expect(find(LineChart).props.data).toEqual([
      { date: '2026-03-01', figure: 'Referred leads', count: 25 },
      { date: '2026-03-01', figure: 'Qualified referrals', count: 5 },
      { date: '2026-03-02', figure: 'Referred leads', count: 15 },
      { date: '2026-03-02', figure: 'Qualified referrals', count: 7 },
    ]);

    expect(find(Alert).text).toContain('2 rewards wait for a reviewer; the oldest has waited 10 days');
    const links = findAll(Link);
    expect(links.map((l) => [l.text, l.props.href])).toEqual([
      ['Contact 101', { url: 'https://app.hubspot.com/contacts/555/record/0-1/101', external: true }],
      ['Contact 102', { url: 'https://app.hubspot.com/contacts/555/record/0-1/102', external: true }],
    ]);
    const [returns, referrers] = findAll(Table);
    expect(referrers!.findAll(TableRow)).toHaveLength(3);
    expect(returns!.findAll(TableRow).slice(1).map((row) => row.findAll(TableCell).map((c) => c.text))).toEqual([
      ['EUR', '€24,000.00 (2 won deals)', '€100.00 (€25.00 approved, not yet issued)', '€8.33', '240.00'],
      ['USD', '$0.00 (0 won deals)', '$300.00 ($0.00 approved, not yet issued)', '$25.00', '0.00'],
    ]);
    expect(findAll(Text).map((t) => t.text)).toContain('Each currency is shown on its own: amounts are not converted.');
    expect(findAll(Text).map((t) => t.text)).toContain('Rejected: self-referral 3 · no reason given 1');
  });
});
