import type { Browser } from 'playwright-core';
import { P } from '../../server/hubspot/properties';
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
    const link = await page.getByLabel('Your referral link').inputValue();
    // The share page's link opens the dashboard in the browser that signed up, at the link HubSpot holds.
    await page.getByRole('link', { name: 'See your referrals and rewards' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your referrals' }).waitFor();
    const dashboardUrl = page.url();
    const contact = await h.hubspot.crm.contacts.basicApi.getById('rosa.referrer@example.com', [P.dashboardLink], undefined, undefined, false, 'email');
    expect(contact.properties[P.dashboardLink]).toBe(dashboardUrl);

    // The dashboard needs no JavaScript.
    const reader = await browser.newContext({ javaScriptEnabled: false });
    const dashboard = await reader.newPage();
    await dashboard.goto(dashboardUrl);
    await dashboard.getByRole('heading', { level: 1, name: 'Your referrals' }).waitFor();
    expect(await dashboard.getByLabel('Your referral link').inputValue()).toBe(link);
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
    expect(await row.getByRole('cell').allTextContents()).toEqual([expect.any(String), 'QualifiedThey reached the program’s milestone.', '$50.00, approved']);
    expect(await dashboard.getByRole('region', { name: 'Your rewards' }).innerText()).toMatch(/Approved\s+\$50\.00/);
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
});
