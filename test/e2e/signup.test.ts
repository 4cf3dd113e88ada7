import { browserSuite, describeInBrowser } from '../support/browser';
import { P } from '../../server/hubspot/properties';
import { createProgram } from '../support/harness';

/** A referrer signs up on the join page, copies their link, and the link leads a friend to the program's form. */
describeInBrowser('self sign-up to a shared referral link, in Chromium', () => {
  const suite = browserSuite();

  it('sign-up shows the link with copy and share; the link leads to the friend form with the code attributed', async () => {
    const { h, browser } = suite;
    const program = await createProgram(h, {
      enrolment: { paths: ['signup'], brand: { headline: 'Invite a friend to Acme', primaryColor: '#0a7cff' } },
    });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.url });
    const page = await context.newPage();

    await page.goto(`${h.url}/join/spring`);
    expect(await page.locator('h1').textContent()).toBe('Invite a friend to Acme');
    await page.getByLabel('First name').fill('Rosa');
    await page.getByLabel('Last name').fill('Referrer');
    await page.getByLabel('Email address').fill('rosa.referrer@example.com');
    await page.getByLabel(program.enrolment.consentText).check();
    await page.getByRole('button', { name: 'Get my referral link' }).click();

    await page.getByRole('heading', { name: 'Your referral link is ready' }).waitFor();
    const link = await page.getByLabel('Your referral link', { exact: true }).inputValue();
    expect(link).toMatch(new RegExp(`^${h.url}/r/[A-Z0-9]{8}$`));
    const code = link.slice(link.lastIndexOf('/') + 1);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'Link copied.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    expect(await page.getByRole('link', { name: 'Share by email' }).getAttribute('href')).toContain(encodeURIComponent(link));

    await page.goto(link);
    expect(new URL(page.url()).pathname).toBe('/refer/spring');
    expect(await page.locator('h1').textContent()).toBe('Invite a friend to Acme');
    expect(await page.locator('input[name="code"]').inputValue()).toBe(code);
    // The code, and the browser id set at sign-up: a friend's form sent from this browser is flagged.
    const cookies = await context.cookies();
    expect(cookies).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'ro_ref', value: code, httpOnly: true }),
      expect.objectContaining({ name: 'ro_bid', value: expect.stringMatching(/^b_[0-9a-f]{32}$/), httpOnly: true }),
      // The new referrer's dashboard, sent to /me only.
      expect.objectContaining({ name: 'ro_dash', path: '/me', httpOnly: true }),
    ]));
    expect(cookies).toHaveLength(3);
    const [signupVisit] = await h.database.db.selectFrom('visits').select(['kind', 'browser']).where('kind', '=', 'signup').execute();
    expect(signupVisit?.browser).toBe(cookies.find((c) => c.name === 'ro_bid')?.value);

    // Read by email, as the service does: HubSpot's search shows a new contact only seconds later.
    const contact = await h.hubspot.crm.contacts.basicApi.getById('rosa.referrer@example.com', ['firstname', 'lastname', P.code, P.link, P.program], undefined, undefined, false, 'email');
    expect(contact.properties).toMatchObject({
      firstname: 'Rosa', lastname: 'Referrer', [P.code]: code, [P.link]: link, [P.program]: 'spring',
    });
    await context.close();
  });

  it('a mistake focuses the field to fix; without the Clipboard API, copy selects the link instead', async () => {
    const { h, browser } = suite;
    await createProgram(h, { enrolment: { paths: ['signup'] } });
    const context = await browser.newContext();
    await context.addInitScript(() => Object.defineProperty(navigator, 'clipboard', { value: undefined }));
    const page = await context.newPage();

    await page.goto(`${h.url}/join/spring`);
    await page.getByLabel('Email address').fill('tom@example.com');
    await page.getByRole('button', { name: 'Get my referral link' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('consent');
    expect(await page.getByRole('checkbox').getAttribute('aria-describedby')).toBe('consent-error');
    expect(await page.getByLabel('Email address').inputValue()).toBe('tom@example.com');

    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Get my referral link' }).click();
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('status').filter({ hasText: 'The link is selected' }).waitFor();
    const selection = await page.evaluate(() => {
      const field = document.activeElement as HTMLInputElement;
      return { id: field.id, selected: field.value.slice(field.selectionStart ?? 0, field.selectionEnd ?? 0), value: field.value };
    });
    expect(selection).toEqual({ id: 'referral-link', selected: selection.value, value: expect.stringMatching(/\/r\/[A-Z0-9]{8}$/) });
    await context.close();
  });
});
