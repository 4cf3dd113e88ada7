import request from 'supertest';
import { VirtualScheduler } from '../../../sandbox';
import { purgeVisits } from '../../../server/capture/visit-purge';
import { P } from '../../../server/hubspot/properties';
import type { ProgramInput } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { buildProgram, createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';

const T0 = Date.parse('2026-05-01T10:00:00Z');
const MINUTE = 60_000;

/** The signals end to end: join page, referral link, landing-page form, ledger, HubSpot, review. */
describe.each(dialects)('fraud signals on %s', (dialect) => {
  let h: Harness;
  let time: VirtualScheduler;
  beforeEach(async () => {
    time = new VirtualScheduler(T0);
    // HubSpot's clock is the service's: signed action requests and contacts' history are compared with it.
    h = await startHarness({ dialect, clock: () => time.now(), sandbox: { scheduler: time, clock: () => time.now() } });
    // The program's owner and the owner new contacts get.
    h.sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
  });
  afterEach(() => h.close());

  const program = (overrides: Partial<ProgramInput> = {}) =>
    createProgram(h, buildProgram({ enrolment: { paths: ['hubspot', 'signup'] }, ...overrides }));

  /** A referrer signs up on the join page, in a browser that keeps our cookies. */
  async function signUpInBrowser(email: string) {
    const browser = request.agent(h.url);
    const res = await browser.post('/api/signups').type('form').send({ programId: 'spring', email, firstname: 'Rita', consent: 'on' });
    expect(res.status).toBe(200);
    const enrolment = await h.database.db.selectFrom('enrolments').selectAll().orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    return { browser, enrolment };
  }

  /** A referrer enrolled from HubSpot: no sign-up, so no browser or address of theirs is known. */
  async function enrolledReferrer(email: string) {
    const [contactId] = addContacts(h, 1, () => ({ email, firstname: 'Anna' }));
    const res = await request(h.url).post('/api/programs/spring/enrolments').set('authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .send({ contactId });
    expect(res.status).toBeLessThan(300);
    return h.database.db.selectFrom('enrolments').selectAll().where('contact_id', '=', contactId!).executeTakeFirstOrThrow();
  }

  /** A friend follows the link and submits the landing page form in their browser (a new one unless given). */
  async function friendSubmits(code: string, email: string, browser = request.agent(h.url)) {
    await browser.get(`/r/${code}`).expect(302);
    const res = await browser.post('/api/referrals').type('form').send({ programId: 'spring', email, firstname: 'Ben', consent: 'on' });
    expect(res.status).toBe(202);
    return referral(email);
  }

  const referral = (email: string) => h.database.db.selectFrom('referrals').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  const flagsOf = async (email: string) => JSON.parse((await referral(email)).flags) as string[];
  const reasonsOf = async (email: string) => JSON.parse((await referral(email)).flag_reasons ?? 'null') as Record<string, string>;

  it('a normal referral raises no flag', async () => {
    await program();
    const enrolment = await enrolledReferrer('anna@northwind.io');
    await friendSubmits(enrolment.code, 'ben@contoso.io');
    expect(await flagsOf('ben@contoso.io')).toEqual([]);
  });

  it("flags a friend from the referrer's sign-up browser and network address, with reasons", async () => {
    await program();
    const { browser, enrolment } = await signUpInBrowser('rita@northwind.io');
    await friendSubmits(enrolment.code, 'ben@contoso.io', browser);
    expect(await reasonsOf('ben@contoso.io')).toEqual({
      same_browser_as_referrer: 'The friend submitted from the browser the referrer signed up with',
      same_ip_as_referrer: 'The friend submitted from the network address the referrer recently used',
    });
  });

  it('after the velocity window the address is forgotten, the sign-up browser is not', async () => {
    await program();
    const { browser, enrolment } = await signUpInBrowser('rita@northwind.io');
    await time.advance(61 * MINUTE);
    await purgeVisits(h.database.db, time.now());
    const visits = await h.database.db.selectFrom('visits').selectAll().execute();
    expect(visits).toEqual([expect.objectContaining({ kind: 'signup', ip: null, browser: expect.stringMatching(/^b_/) })]);

    await friendSubmits(enrolment.code, 'ben@contoso.io', browser);
    expect(await flagsOf('ben@contoso.io')).toEqual(['same_browser_as_referrer']);
    // Another browser on the same network, now that the referrer's address is gone: nothing.
    await friendSubmits(enrolment.code, 'cleo@contoso.io');
    expect(await flagsOf('cleo@contoso.io')).toEqual([]);
  });

  it('a friend in another browser on the network the referrer just signed up from is flagged for the address only', async () => {
    await program();
    const { enrolment } = await signUpInBrowser('rita@northwind.io');
    await friendSubmits(enrolment.code, 'ben@contoso.io');
    expect(await flagsOf('ben@contoso.io')).toEqual(['same_ip_as_referrer']);
  });

  it('flags velocity per referrer within the window, and not once the window has passed', async () => {
    await program({ review: { velocity: { friendsPerReferrer: 2, capturesPerIp: 100, capturesPerBrowser: 100, windowMinutes: 30 } } });
    const enrolment = await enrolledReferrer('anna@northwind.io');
    await friendSubmits(enrolment.code, 'f1@contoso.io');
    await friendSubmits(enrolment.code, 'f2@contoso.io');
    await time.advance(10 * MINUTE);
    await friendSubmits(enrolment.code, 'f3@contoso.io');
    expect(await flagsOf('f2@contoso.io')).toEqual([]);
    expect(await reasonsOf('f3@contoso.io')).toEqual({ high_velocity: 'Within 30 minutes: 3 friends from this referrer (more than 2)' });
    await time.advance(31 * MINUTE);
    await friendSubmits(enrolment.code, 'f4@contoso.io');
    expect(await flagsOf('f4@contoso.io')).toEqual([]);
    // The purge keeps only what the window still needs: f4's click and submission.
    await purgeVisits(h.database.db, time.now());
    const kept = await h.database.db.selectFrom('visits').select(['kind', 'at']).orderBy('kind').execute();
    expect(kept.map((v) => [v.kind, Number(v.at)])).toEqual([['capture', time.now()], ['click', time.now()]]);
  });

  it('flags velocity from one browser across referrers', async () => {
    await program({ review: { velocity: { capturesPerBrowser: 1 } } });
    const anna = await enrolledReferrer('anna@northwind.io');
    const omar = await enrolledReferrer('omar@fabrikam.io');
    const browser = request.agent(h.url);
    await friendSubmits(anna.code, 'f1@contoso.io', browser);
    await friendSubmits(omar.code, 'f2@contoso.io', browser);
    expect(await flagsOf('f1@contoso.io')).toEqual([]);
    expect(await reasonsOf('f2@contoso.io')).toEqual({ high_velocity: 'Within 1 hour: 2 referrals from one browser (more than 1)' });
  });

  it('flags a disposable domain (the maintained list), a shared company domain and an alias, each with its reason', async () => {
    await program();
    const enrolment = await enrolledReferrer('anna.berg@northwind.io');
    await friendSubmits(enrolment.code, 'ben@mailinator.com');
    await friendSubmits(enrolment.code, 'cleo@northwind.io');
    await friendSubmits(enrolment.code, 'annaberg+friend@northwind.io');
    expect(await reasonsOf('ben@mailinator.com')).toEqual({
      disposable_email: "The friend's email domain mailinator.com is a known disposable (throwaway) email provider",
    });
    expect(await reasonsOf('cleo@northwind.io')).toEqual({
      same_email_domain_as_referrer: 'The friend and the referrer share the company email domain northwind.io',
    });
    expect(await reasonsOf('annaberg+friend@northwind.io')).toEqual({
      email_alias_of_referrer: "The friend's email differs from the referrer's only by a +tag and dots",
    });
  });

  it('a shared free-mail provider is not a company domain', async () => {
    await program();
    const enrolment = await enrolledReferrer('anna@gmail.com');
    await friendSubmits(enrolment.code, 'ben@gmail.com');
    expect(await flagsOf('ben@gmail.com')).toEqual([]);
  });

  it('writes the flags to HubSpot, shows the reasons in the story and sends the reward to review when the program says so', async () => {
    await program({ review: { flags: ['disposable_email'] } });
    h.sandbox.engine.register({
      name: 'Qualify referrals on customer',
      trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
      action: { uid: 'qualify_referral_action' },
      inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
    });
    const enrolment = await enrolledReferrer('anna@northwind.io');
    const { referred_contact_id: friendId } = await friendSubmits(enrolment.code, 'ben@mailinator.com');
    await h.service.worker.drain();
    const friend = await h.hubspot.crm.contacts.basicApi.getById(friendId, [P.flags]);
    expect(friend.properties[P.flags]).toBe('disposable_email');

    const story = await request(h.url).get(`/api/contacts/${friendId}/story`).set('authorization', `Bearer ${TEST_ADMIN_KEY}`);
    expect(story.body.referredBy).toMatchObject({
      flags: ['disposable_email'],
      flagReasons: { disposable_email: "The friend's email domain mailinator.com is a known disposable (throwaway) email provider" },
    });

    await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { lifecyclestage: 'customer' } });
    await h.sandbox.engine.idle();
    await h.service.worker.drain();
    const [reward] = await h.database.db.selectFrom('rewards').selectAll().execute();
    expect(reward?.status).toBe('pending_review');
    expect(JSON.parse(reward!.review_reasons)).toEqual([expect.objectContaining({ code: 'risk_flag', flag: 'disposable_email' })]);
  });

  it('the same flag does not send a reward to review when the program does not list it', async () => {
    await program();
    h.sandbox.engine.register({
      name: 'Qualify referrals on customer',
      trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
      action: { uid: 'qualify_referral_action' },
      inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
    });
    const enrolment = await enrolledReferrer('anna@northwind.io');
    const { referred_contact_id: friendId } = await friendSubmits(enrolment.code, 'ben@mailinator.com');
    await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { lifecyclestage: 'customer' } });
    await h.sandbox.engine.idle();
    await h.service.worker.drain();
    const [reward] = await h.database.db.selectFrom('rewards').selectAll().execute();
    expect(reward?.status).toBe('approved');
  });

  it("erasing a person erases where they browsed from: the friend's submission, the referrer's sign-up and clicks", async () => {
    await program();
    const { enrolment } = await signUpInBrowser('rita@northwind.io');
    await friendSubmits(enrolment.code, 'ben@contoso.io');
    const other = await enrolledReferrer('omar@fabrikam.io');
    await friendSubmits(other.code, 'cleo@contoso.io');
    const visits = () => h.database.db.selectFrom('visits').select(['kind', 'enrolment_id']).orderBy('kind').execute();
    expect(await visits()).toHaveLength(5);

    const erase = (email: string) => request(h.url).post('/api/privacy/erasures').set('authorization', `Bearer ${TEST_ADMIN_KEY}`).send({ email });
    expect((await erase('ben@contoso.io')).status).toBe(200);
    // Ben's submission is gone; Rita's sign-up and the click on her link remain until she is erased.
    const left = await visits();
    expect(left).toHaveLength(4);
    expect(left).toEqual(expect.arrayContaining([
      { kind: 'capture', enrolment_id: other.id }, { kind: 'click', enrolment_id: enrolment.id },
      { kind: 'click', enrolment_id: other.id }, { kind: 'signup', enrolment_id: enrolment.id },
    ]));
    expect((await erase('rita@northwind.io')).status).toBe(200);
    expect(await visits()).toEqual([{ kind: 'capture', enrolment_id: other.id }, { kind: 'click', enrolment_id: other.id }]);
    const [cleo] = await h.database.db.selectFrom('referrals').select('id').where('email', '=', 'cleo@contoso.io').execute();
    expect(cleo).toBeDefined();
  });
});
