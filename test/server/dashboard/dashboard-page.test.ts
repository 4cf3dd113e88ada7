import { dashboardNotFoundPage, dashboardPage, DASHBOARD_STYLES } from '../../../server/dashboard/dashboard-page';
import type { DashboardModel } from '../../../server/dashboard/dashboard-data';
import { dashboardTranslator, type Translate } from '../../../server/dashboard/messages';
import { buildProgram } from '../../domain/factories';

const program = buildProgram({
  id: 'spring', name: 'Spring',
  enrolment: { brand: { headline: 'Invite a friend to Acme' } },
  rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, tiers: [{ atQualified: 3, bonus: { amount: 2500 } }], caps: { perReferrer: 4, perReferrerPerMonth: 2 } },
});

function buildModel(overrides: Partial<DashboardModel> = {}): DashboardModel {
  return {
    program, code: 'ANNA2345', link: 'https://refer.example.com/r/ANNA2345', clicks: 12, referred: 3,
    friends: [
      { name: 'Ben F.', status: 'qualified', reason: 'dashboard.reason.qualified', referredAt: Date.parse('2026-04-02T10:00:00Z'), reward: { amount: 5000, currency: 'USD', stage: 'approved' } },
      { name: null, status: 'captured', reason: 'dashboard.reason.awaitingMilestone', referredAt: Date.parse('2026-04-03T10:00:00Z'), reward: null },
      { name: 'Cleo <b>', status: 'rejected', reason: 'dashboard.reason.selfReferral', referredAt: Date.parse('2026-04-04T10:00:00Z'), reward: null },
    ],
    rewards: { pending: [{ amount: 2000, currency: 'USD' }], approved: [{ amount: 5000, currency: 'USD' }], issued: [] },
    progress: { qualified: 1, nextTier: { atQualified: 3, bonus: { amount: 2500, currency: 'USD' } }, lifetimeCap: { count: 2, cap: 4 }, monthCap: { count: 2, cap: 2 } },
    ...overrides,
  };
}

const t = dashboardTranslator('en');

/** WCAG relative luminance and contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the dashboard page', () => {
  const html = dashboardPage(buildModel(), { t, locale: 'en' });

  it('is one h1 with a labelled section and h2 per topic, in order', () => {
    expect(html).toMatch(/<html lang="en">/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    const headings = [...html.matchAll(/<h(\d)( id="([^"]+)")?>([^<]*)<\/h\d>/g)].map((m) => [m[1], m[4]]);
    expect(headings).toEqual([
      ['1', 'Your referrals'], ['2', 'Your link'], ['2', 'Activity'], ['2', 'Your rewards'], ['2', 'Progress'], ['2', 'Your friends'],
    ]);
    for (const [, id] of html.matchAll(/<section aria-labelledby="([^"]+)">/g)) expect(html).toContain(`<h2 id="${id}">`);
  });

  it('labels every field and progress bar, heads the friends table, and runs no script', () => {
    const controls = [...html.matchAll(/<(input|progress)[^>]* id="([^"]+)"/g)].map((m) => m[2]!);
    expect(controls).toEqual(['referral-link', 'tier-progress', 'cap-progress', 'month-cap-progress']);
    for (const id of controls) expect(html).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
    expect(html).toMatch(/<input type="text" id="referral-link" value="https:\/\/refer\.example\.com\/r\/ANNA2345" readonly/);
    expect([...html.matchAll(/<th scope="col">/g)]).toHaveLength(4);
    expect([...html.matchAll(/<th scope="row">/g)]).toHaveLength(3);
    expect(html).not.toMatch(/<script|\son[a-z]+=/i);
  });

  it('says each friend’s status with its reason, amounts through Intl, and escapes what it shows', () => {
    expect(html).toContain('<th scope="row">Ben F.</th>\n<td>Apr 2, 2026</td>\n<td>Qualified<span class="reason">They reached the program’s milestone.</span></td>\n<td>$50.00, approved</td>');
    expect(html).toContain('<th scope="row">A friend</th>');
    expect(html).toContain('Cleo &lt;b&gt;');
    expect(html).toMatch(/<dt>Pending<\/dt><dd>\$20\.00<\/dd>[\s\S]*<dt>Approved<\/dt><dd>\$50\.00<\/dd>[\s\S]*<dt>Issued<\/dt><dd>\$0\.00<\/dd>/);
    expect(html).toContain('2 more qualified friends to your next bonus of $25.00.');
    expect(html).toContain('You have reached this month’s limit of 2 rewards.');
    expect(dashboardPage(buildModel(), { t, locale: 'de-DE' })).toMatch(/50,00\s\$, approved/);
  });

  it('takes every word it shows from the catalogue', () => {
    const marked: Translate = (key, values) => `[${key}${values ? JSON.stringify(values) : ''}]`;
    const text = dashboardPage(buildModel(), { t: marked, locale: 'en' })
      .replace(/<style>[\s\S]*?<\/style>/g, '').replace(/<[^>]+>/g, ' ').replace(/\[dashboard\.[^\]]*\]/g, ' ');
    // What is left is data: the headline, names, dates and amounts, no sentence of the page's own.
    expect(text.replace(/Invite a friend to Acme|Ben F\.|Cleo &lt;b&gt;|[A-Z][a-z]{2} \d+, \d{4}|\$[\d.,]+|\d+ \/ \d+|\d+/g, '').trim()).toBe('');
  });

  it('uses colours with at least 4.5:1 contrast for text on its backgrounds', () => {
    const texts = [...DASHBOARD_STYLES.matchAll(/(?<!-)color: (#[0-9a-f]{6})/g)].map((m) => m[1]!);
    expect(texts.length).toBeGreaterThan(2);
    for (const fg of texts) for (const bg of ['#ffffff', '#f5f8fa']) expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it('shows where a referrer starts: no friends, no rewards, no tiers or limits', () => {
    const bare = buildProgram({ id: 'plain', rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' } } });
    const page = dashboardPage(buildModel({ program: bare, friends: [], referred: 0, rewards: { pending: [], approved: [], issued: [] }, progress: { qualified: 0 } }), { t, locale: 'en' });
    expect(page).toContain('No friends have signed up with your link yet.');
    expect(page).toContain('No rewards yet.');
    expect(page).toContain('This program has no bonus tiers or limits');
    expect(page).not.toContain('<table');
  });

  it('the not-found page names no program, enrolment or link', () => {
    const page = dashboardNotFoundPage(t);
    expect(page).toContain('<h1>This page does not exist</h1>');
    expect(page).not.toMatch(/Acme|ANNA|refer\.example/);
  });
});
