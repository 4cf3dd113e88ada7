import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { P } from '../../server/hubspot/properties';
import { PAGE_LOCALES } from '../../src/app/packages/domain/program';
import { describeInBrowser, launchChromium } from '../support/browser';
import { dialects } from '../support/databases';
import { ADMIN_HEADERS, createProgram, startHarness, type Harness } from '../support/harness';

/**
 * A referrer signs up, follows the share page to their dashboard, and watches a friend go from
 * captured to qualified with the reward once the portal's workflow has run; then the link is
 * rotated and the old one leads nowhere. The dashboard is read with JavaScript off.
 */
describeInBrowser.each(dialects)('referrer dashboard in Chromium on %s', (dialect) => {
  let h: Harness;
  let browser: Browser;
  beforeAll(async () => {
    h = await startHarness({ dialect });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it('sign-up → share page → dashboard shows the friend captured, then qualified with the reward; rotation revokes the link', async () => {
    h.sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
    const program = await createProgram(h, {
      enrolment: { paths: ['signup'], brand: { headline: 'Invite a friend to Acme', primaryColor: '#0a7cff' } },
      rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, tiers: [{ atQualified: 2, bonus: { amount: 1000 } }] },
    });
    h.sandbox.engine.register({
      name: 'Qualify referrals on customer',
      trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
      action: { uid: 'qualify_referral_action' },
      inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
    });

    const referrer = await browser.newContext();
    const page = await referrer.newPage();
    await page.goto(`${h.url}/join/spring`);
    await page.getByLabel('First name').fill('Rosa');
    await page.getByLabel('Email address').fill('rosa.referrer@example.com');
    await page.getByLabel(program.enrolment.consentText).check();
    await page.getByRole('button', { name: 'Get my referral link' }).click();
    const link = await page.getByRole('textbox', { name: 'Your referral link' }).inputValue();
    // The share page's link opens the dashboard in the browser that signed up, at the link HubSpot holds.
    await page.getByRole('link', { name: 'See what became of your referrals' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your referrals' }).waitFor();
    const contact = await h.hubspot.crm.contacts.basicApi.getById('rosa.referrer@example.com', [P.dashboardLink], undefined, undefined, false, 'email');
    const dashboardUrl = contact.properties[P.dashboardLink]!;
    // In the share page's language, which may be one the visitor picked rather than the browser's.
    expect(page.url()).toBe(`${dashboardUrl}?lang=en`);

    // The dashboard needs no JavaScript.
    const reader = await browser.newContext({ javaScriptEnabled: false });
    const dashboard = await reader.newPage();
    await dashboard.goto(dashboardUrl);
    await dashboard.getByRole('heading', { level: 1, name: 'Your referrals' }).waitFor();
    expect(await dashboard.getByRole('textbox', { name: 'Your referral link' }).inputValue()).toBe(link);
    expect(await dashboard.getByText('No friends have signed up with your link yet.').count()).toBe(1);

    const friend = await (await browser.newContext()).newPage();
    await friend.goto(link);
    await friend.getByLabel('First name').fill('Ben');
    await friend.getByLabel('Last name').fill('Friend');
    await friend.getByLabel('Email address').fill('ben.friend@example.com');
    await friend.getByLabel(program.enrolment.consentText).check();
    await friend.getByRole('button', { name: 'Send' }).click();
    await friend.getByRole('status').waitFor();
    await h.service.worker.drain();

    await dashboard.reload();
    const row = dashboard.getByRole('row', { name: /Ben F\./ });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      expect.any(String), 'CapturedAwaiting the milestone: they signed up and qualify once they reach the program’s goal.', 'None',
    ]);
    expect(await dashboard.locator('dl.figures').first().innerText()).toMatch(/Clicks on your link\s+1\s+Friends referred\s+1\s+Friends qualified\s+0/);

    const ben = await h.hubspot.crm.contacts.basicApi.getById('ben.friend@example.com', [], undefined, undefined, false, 'email');
    await h.hubspot.crm.contacts.basicApi.update(ben.id, { properties: { lifecyclestage: 'customer' } });
    await h.sandbox.engine.idle();
    await h.service.worker.drain();

    await dashboard.reload();
    expect(await row.getByRole('cell').allTextContents()).toEqual([expect.any(String), 'QualifiedThey reached the program’s milestone.', '$50, approved']);
    expect(await dashboard.getByRole('region', { name: 'Your rewards' }).innerText()).toMatch(/Approved\s+\$50\b/);
    expect(await dashboard.getByLabel('Qualified friends towards your next bonus').getAttribute('value')).toBe('1');
    const html = await dashboard.content();
    for (const secret of ['ben.friend@example.com', 'rosa.referrer@example.com']) expect(html).not.toContain(secret);
    for (const id of [ben.id, contact.id]) expect(html).not.toMatch(new RegExp(`\\b${id}\\b`));

    const rotated = await fetch(`${h.url}/api/programs/spring/enrolments/${contact.id}/dashboard-link`, {
      method: 'POST', headers: { ...ADMIN_HEADERS, 'content-type': 'application/json' }, body: '{}',
    });
    const { dashboardLink } = (await rotated.json()) as { dashboardLink: string };
    const old = await dashboard.goto(dashboardUrl);
    expect(old?.status()).toBe(404);
    await dashboard.getByRole('heading', { level: 1, name: 'This page does not exist' }).waitFor();
    expect(await dashboard.content()).not.toMatch(/Rosa|Acme|Ben/);
    expect((await dashboard.goto(dashboardLink))?.status()).toBe(200);
    await reader.close();
    await referrer.close();
  });

  it('speaks German and French as the browser asks, and passes axe-core in every shipped language, each page under 30 KB', async () => {
    if (h.sandbox.portal.owners.list().length === 0) h.sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
    await createProgram(h, {
      id: 'world', locales: [...PAGE_LOCALES],
      enrolment: { paths: ['signup'], brand: { headline: 'Acme friends', primaryColor: '#0a7cff', logoUrl: 'https://cdn.acme.example/logo.svg' } },
      rewards: {
        referrer: { kind: 'credit', amount: 5000, currency: 'EUR' }, friend: { kind: 'discount', amount: 2000, currency: 'EUR' },
        tiers: [{ atQualified: 3, bonus: { amount: 2500 } }], caps: { perReferrer: 10, perReferrerPerMonth: 4 },
      },
      pages: { termsUrl: 'https://acme.example/terms' },
    });
    h.sandbox.engine.register({
      name: 'Qualify world referrals on opportunity',
      trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'opportunity' },
      action: { uid: 'qualify_referral_action' },
      inputFields: { program: 'world', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'opportunity' },
    });
    // A referrer with one friend qualified (a reward, progress) and one captured: every part of the page is there to check.
    const signup = await postJson('/api/signups', { programId: 'world', email: 'wanda.world@example.com', firstname: 'Wanda', consent: true });
    const { signup: { code } } = (await signup.json()) as { signup: { code: string } };
    for (const [first, email] of [['Quinn', 'quinn.qualified@example.com'], ['Cato', 'cato.captured@example.com']] as const) {
      expect((await postJson('/api/referrals', { programId: 'world', code, email, firstname: first, lastname: 'Friend', consent: true })).status).toBe(202);
    }
    await h.service.worker.drain();
    const quinn = await h.hubspot.crm.contacts.basicApi.getById('quinn.qualified@example.com', [], undefined, undefined, false, 'email');
    await h.hubspot.crm.contacts.basicApi.update(quinn.id, { properties: { lifecyclestage: 'opportunity' } });
    await h.sandbox.engine.idle();
    await h.service.worker.drain();
    const wanda = await h.hubspot.crm.contacts.basicApi.getById('wanda.world@example.com', [P.dashboardLink], undefined, undefined, false, 'email');
    const dashboardUrl = wanda.properties[P.dashboardLink]!;

    // German and French, chosen by the browser's languages alone, read with JavaScript off.
    for (const [locale, heading, qualifiedRow, capturedRow, whatsapp] of [
      ['de-DE', 'Deine Empfehlungen', ['QualifiziertDas Ziel des Programms ist erreicht.', '50\u00a0€, bestätigt'], 'ErfasstNoch offen', 'Auf WhatsApp teilen'],
      ['fr-FR', 'Vos parrainages', ['ValidéL’objectif du programme est atteint.', '50\u00a0€, approuvée'], 'EnregistréEn attente de l’objectif', 'Partager sur WhatsApp'],
    ] as const) {
      const context = await visitor(browser, locale, { javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(dashboardUrl);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      expect(await page.getByRole('row', { name: /Quinn F\./ }).getByRole('cell').allTextContents()).toEqual([expect.any(String), ...qualifiedRow]);
      expect((await page.getByRole('row', { name: /Cato F\./ }).getByRole('cell').allTextContents())[1]).toMatch(new RegExp(`^${capturedRow}`));
      expect(await page.getByRole('link', { name: whatsapp }).getAttribute('href')).toContain(encodeURIComponent(`/r/${code}`));
      await context.close();
    }

    // A language picked on the join page (?lang=) stays with the referrer from the share page to the dashboard.
    const picker = await visitor(browser, 'en-US');
    const joined = await picker.newPage();
    await joined.goto(`${h.url}/join/world?lang=de`);
    await joined.getByLabel('Vorname', { exact: true }).fill('Pia');
    await joined.getByLabel('E-Mail-Adresse (Pflichtfeld)').fill('pia.picker@example.com');
    await joined.getByRole('checkbox').check();
    await joined.getByRole('button', { name: 'Meinen Empfehlungslink erhalten' }).click();
    await joined.getByRole('link', { name: 'Sieh dir an, was aus deinen Empfehlungen geworden ist' }).click();
    await joined.getByRole('heading', { level: 1, name: 'Deine Empfehlungen' }).waitFor();
    await picker.close();

    const problems: string[] = [];
    const sizes: Record<string, number> = {};
    const tampered = `${dashboardUrl.slice(0, -1)}${dashboardUrl.endsWith('A') ? 'B' : 'A'}`;
    for (const locale of PAGE_LOCALES) {
      // axe is injected into each page, which the pages' own policy (rightly) would refuse.
      const context = await visitor(browser, locale, { bypassCSP: true });
      const page = await context.newPage();
      for (const [name, url, status] of [['dashboard', dashboardUrl, 200], ['not found', tampered, 404], ['handover', `${h.url}/me`, 200]] as const) {
        const res = await page.goto(url);
        expect([name, res?.status()]).toEqual([name, status]);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        sizes[`${locale} ${name}`] = (await res!.body()).length;
        problems.push(...(await axeViolations(page)).map((v) => `${locale} ${name}: ${v}`));
      }
      await context.close();
    }
    expect(problems).toEqual([]);
    expect(Object.keys(sizes)).toHaveLength(PAGE_LOCALES.length * 3);
    expect(Object.entries(sizes).filter(([, bytes]) => bytes >= 30 * 1024)).toEqual([]);
  }, 120_000);

  function postJson(path: string, body: unknown) {
    return fetch(`${h.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }
});

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/**
 * A browser in the visitor's language. The brand logo lives on the team's https host, which this
 * machine does not reach: its request is refused at once instead of holding up the page's load.
 */
async function visitor(browser: Browser, locale: string, opts: { bypassCSP?: boolean; javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, ...opts });
  await context.route((url) => url.protocol === 'https:', (route) => route.abort());
  return context;
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE_SOURCE });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document);
    return result.violations.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}
