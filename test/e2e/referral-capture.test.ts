import { browserSuite, describeInBrowser } from '../support/browser';
import { P, REFERRED_BY_LABEL } from '../../server/hubspot/properties';
import { reserveEnrolments } from '../../server/enrolment/repository';
import { cryptoRandom } from '../../src/app/packages/domain/codes';
import { addContacts } from '../support/contacts';
import { createProgram } from '../support/harness';

/** From a referral link through the landing page form to the attributed contact in the portal, in a real browser. */
describeInBrowser('referral link to HubSpot contact, in Chromium', () => {
  const suite = browserSuite();

  it('a friend follows the link, fills in the form and becomes an attributed contact', async () => {
    const { h, browser } = suite;
    const owner = h.sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
    const program = await createProgram(h, {
      enrolment: { brand: { headline: 'Invite a friend to Acme', primaryColor: '#0a7cff' } },
      capture: { lifecycleStage: 'marketingqualifiedlead', routing: { kind: 'referrer_owner' } },
    });
    const [referrerId] = addContacts(h, 1, () => ({ email: 'anna@acme-customer.example', firstname: 'Anna', hubspot_owner_id: owner.id }));
    const enrolment = (await reserveEnrolments(h.database.db, {
      program, contacts: [{ id: referrerId! }], source: 'bulk', actor: { type: 'system', id: null },
      publicBaseUrl: h.url, now: Date.now(), random: cryptoRandom,
    })).get(referrerId!)!.row;

    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(enrolment.link);
    expect(new URL(page.url()).pathname).toBe('/refer/spring');
    expect(await page.locator('h1').textContent()).toBe('Invite a friend to Acme');
    const cookies = await page.context().cookies();
    // The referral code, and the browser id fraud signals compare with the referrer's sign-up browser.
    expect(cookies).toEqual(expect.arrayContaining([
      expect.objectContaining({ name: 'ro_ref', value: enrolment.code, httpOnly: true, sameSite: 'Lax' }),
      expect.objectContaining({ name: 'ro_bid', value: expect.stringMatching(/^b_[0-9a-f]{32}$/), httpOnly: true, sameSite: 'Lax' }),
    ]));
    expect(cookies).toHaveLength(2);

    await page.getByLabel('First name').fill('Ben');
    await page.getByLabel('Last name').fill('Friend');
    await page.getByLabel('Email address').fill('ben.friend@example.com');
    await page.getByLabel(program.enrolment.consentText).check();
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Thank you!');

    // Read by email, not searched: HubSpot's search shows a new contact only after seconds.
    const found = await h.hubspot.crm.contacts.batchApi.read({
      inputs: [{ id: 'ben.friend@example.com' }], idProperty: 'email', propertiesWithHistory: [],
      properties: ['firstname', 'lastname', 'lifecyclestage', 'hubspot_owner_id', P.referredByCode, P.referredByContact, P.status],
    });
    expect(found.results).toHaveLength(1);
    const friend = found.results[0]!;
    expect(await h.database.db.selectFrom('referrals').select(['referred_contact_id', 'flags']).execute())
      .toEqual([{ referred_contact_id: friend.id, flags: '[]' }]);
    expect(friend.properties).toMatchObject({
      firstname: 'Ben', lastname: 'Friend', lifecyclestage: 'marketingqualifiedlead', hubspot_owner_id: owner.id,
      [P.referredByCode]: enrolment.code, [P.referredByContact]: referrerId, [P.status]: 'captured',
    });
    const associations = await h.hubspot.crm.associations.v4.basicApi.getPage('contacts', friend.id, 'contacts');
    expect(associations.results).toEqual([expect.objectContaining({
      toObjectId: Number(referrerId),
      associationTypes: expect.arrayContaining([expect.objectContaining({ category: 'USER_DEFINED', label: REFERRED_BY_LABEL.label })]),
    })]);
  });
});
