import { dashboardErrorPage, dashboardHandoverPage, dashboardNotFoundPage, dashboardPage, DASHBOARD_STYLES } from '../../../server/dashboard/dashboard-page';
import type { DashboardModel } from '../../../server/dashboard/dashboard-data';
import { PAGE_LOCALES } from '../../../src/app/packages/domain/program';
import { translator, type Translator } from '../../../server/i18n';
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

const t = translator('en');

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
  const html = dashboardPage(buildModel(), { t });

  it('is one h1 with a labelled section and h2 per topic, in order', () => {
    expect(html).toMatch(/<html lang="en">/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    const headings = [...html.matchAll(/<h(\d)( id="([^"]+)")?>([^<]*)<\/h\d>/g)].map((m) => [m[1], m[4]]);
    expect(headings).toEqual([
      ['1', 'Your referrals'], ['2', 'Your link'], ['2', 'Share it'], ['2', 'Activity'], ['2', 'Your rewards'], ['2', 'Progress'], ['2', 'Your friends'],
    ]);
    for (const [, id] of html.matchAll(/<section aria-labelledby="([^"]+)">/g)) expect(html).toContain(`<h2 id="${id}">`);
  });

  it('labels every field and progress bar, heads the friends table, and runs only the share block\'s script', () => {
    const controls = [...html.matchAll(/<(input|progress)[^>]* id="([^"]+)"/g)].map((m) => m[2]!);
    expect(controls).toEqual(['referral-link', 'tier-progress', 'cap-progress', 'month-cap-progress']);
    for (const id of controls) expect(html).toMatch(new RegExp(`<label for="${id}">[^<]+</label>`));
    expect(html).toMatch(/<input type="text" id="referral-link" value="https:\/\/refer\.example\.com\/r\/ANNA2345" readonly/);
    expect([...html.matchAll(/<th scope="col">/g)]).toHaveLength(4);
    expect([...html.matchAll(/<th scope="row">/g)]).toHaveLength(3);
    expect(html.match(/<script>/g)).toHaveLength(1);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('says each friend’s status with its reason, amounts through Intl, and escapes what it shows', () => {
    expect(html).toContain('<th scope="row">Ben F.</th>\n<td>April 2, 2026</td>\n<td>Qualified<span class="reason">They reached the program’s milestone.</span></td>\n<td>$50, approved</td>');
    expect(html).toContain('<th scope="row">A friend</th>');
    expect(html).toContain('Cleo &lt;b&gt;');
    expect(html).toMatch(/<dt>Pending<\/dt><dd>\$20<\/dd>[\s\S]*<dt>Approved<\/dt><dd>\$50<\/dd>[\s\S]*<dt>Issued<\/dt><dd>\$0<\/dd>/);
    expect(html).toContain('2 more qualified friends to your next bonus of $25.');
    expect(html).toContain('You have reached this month’s limit of 2 rewards.');
  });

  it('takes every word it shows from the catalogue', () => {
    const marked: Translator = { ...t, t: (key, values) => `[${key}${values ? JSON.stringify(values) : ''}]` };
    const text = dashboardPage(buildModel(), { t: marked })
        .replace(/<(style|script|svg)[\s\S]*?<\/\1>/g, '').replace(/<[^>]+>/g, ' ').replace(/\[(dashboard|share|page)\.[^\]]*\]/g, ' ');
    // What is left is data: the headline, names, dates and amounts, no sentence of the page's own.
    expect(text.replace(/Invite a friend to Acme|Ben F\.|Cleo &lt;b&gt;|ANNA2345|https:\/\/refer\.example\.com\/r\/ANNA2345|[A-Z][a-z]+ \d+, \d{4}|\$[\d.,]+|\d+ \/ \d+|\d+/g, '').trim()).toBe('');
  });

  it('uses colours with at least 4.5:1 contrast for text on its backgrounds', () => {
    const texts = [...DASHBOARD_STYLES.matchAll(/(?<!-)color: (#[0-9a-f]{6})/g)].map((m) => m[1]!);
    expect(texts.length).toBeGreaterThan(2);
    for (const fg of texts) for (const bg of ['#ffffff', '#f5f8fa']) expect(contrast(fg, bg)).toBeGreaterThanOrEqual(4.5);
  });

  it('shows where a referrer starts: no friends, no rewards, no tiers or limits', () => {
    const bare = buildProgram({ id: 'plain', rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' } } });
    const page = dashboardPage(buildModel({ program: bare, friends: [], referred: 0, rewards: { pending: [], approved: [], issued: [] }, progress: { qualified: 0 } }), { t });
    expect(page).toContain('No friends have signed up with your link yet.');
    expect(page).toContain('No rewards yet.');
    expect(page).toContain('This program has no bonus tiers or limits');
    expect(page).not.toContain('<table');
  });

  it('speaks the page\'s language: its words, amounts, dates and plurals, and the team\'s own headline for it', () => {
    const translated = buildProgram({ ...program, locales: ['en', 'de'], pages: { translations: { de: { headline: 'Freunde werben bei Acme' } } } });
    const de = dashboardPage(buildModel({ program: translated }), { t: translator('de') });
    expect(de).toMatch(/<html lang="de">/);
    expect(de).toContain('<h1>Deine Empfehlungen</h1>\n<p><strong>Freunde werben bei Acme</strong></p>');
    expect(de).toContain('<th scope="row">Ben F.</th>\n<td>2. April 2026</td>\n<td>Qualifiziert<span class="reason">Das Ziel des Programms ist erreicht.</span></td>\n<td>50\u00a0$, bestätigt</td>');
    expect(de).toContain('<th scope="row">Ohne Namen</th>');
    expect(de).toContain('Noch 2 qualifizierte Empfehlungen bis zu deinem nächsten Bonus von 25\u00a0$.');
    expect(de).toContain('Du hast die Obergrenze dieses Monats von 2 Prämien erreicht.');
    expect(de).toContain('>Per E-Mail teilen<');
    const fr = dashboardPage(buildModel({ progress: { qualified: 2, nextTier: { atQualified: 3, bonus: { amount: 2500, currency: 'USD' } } } }), { t: translator('fr') });
    expect(fr).toContain('<td>2 avril 2026</td>');
    expect(fr).toContain('Encore 1 parrainage validé avant votre prochain bonus de 25\u00a0$US.');
    expect(fr).toContain('<td>50\u00a0$US, approuvée</td>');
  });

  it('offers the link the share page\'s way: every channel with the program\'s message, and the QR code', () => {
    expect(html).toMatch(/<a href="mailto:\?subject=Invite%20a%20friend%20to%20Acme&amp;body=Have%20a%20look[^"]*ANNA2345" data-channel="email">Share by email<\/a>/);
    for (const channel of ['sms', 'whatsapp', 'linkedin', 'x']) expect(html).toContain(`data-channel="${channel}"`);
    expect(html).toContain('<title id="share-qr-title">QR code of your referral link</title>');
    expect(html).toContain('Your code: <strong class="code">ANNA2345</strong>');
  });

  it('carries the program\'s brand, terms link and links to its other languages', () => {
    const branded = buildProgram({ ...program, enrolment: { brand: { headline: 'Acme', primaryColor: '#123456', logoUrl: 'https://cdn.acme.example/logo.svg' } }, pages: { termsUrl: 'https://acme.example/terms' } });
    const page = dashboardPage(buildModel({ program: branded }), { t, languages: { available: ['en', 'fr'], href: (l) => `/me/tok?lang=${l}` } });
    expect(page).toContain('border-top: 6px solid #123456');
    expect(page).toContain('<img class="logo" src="https://cdn.acme.example/logo.svg" alt="">');
    expect(page).toContain('<footer><a href="https://acme.example/terms">Terms and conditions</a></footer>');
    expect(page).toContain('<a href="/me/tok?lang=fr" hreflang="fr" lang="fr">français</a>');
  });

  it('the pages of no program speak every shipped language, each its own words', () => {
    for (const page of [dashboardNotFoundPage, dashboardErrorPage, dashboardHandoverPage]) {
      const english = page(translator('en'));
      for (const locale of PAGE_LOCALES.filter((l) => l !== 'en')) {
        const translated = page(translator(locale));
        expect(translated).toContain(`<html lang="${locale}">`);
        expect(translated.match(/<h1>([^<]+)<\/h1>/)![1]).not.toBe(english.match(/<h1>([^<]+)<\/h1>/)![1]);
      }
    }
    expect(dashboardNotFoundPage(translator('de'))).toContain('<h1>Diese Seite gibt es nicht</h1>');
  });

  it('the not-found page names no program, enrolment or link', () => {
    const page = dashboardNotFoundPage(t);
    expect(page).toContain('<h1>This page does not exist</h1>');
    expect(page).not.toMatch(/Acme|ANNA|refer\.example/);
  });
});
