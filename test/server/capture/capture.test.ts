import request from 'supertest';
import { P, REFERRED_BY_LABEL } from '../../../server/hubspot/properties';
import type { Program } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { createProgram, type Harness } from '../../support/harness';
import { referralOf, referrerWithCode, startCapture } from './fixtures';


describe.each(dialects)('capture on %s', (dialect) => {
  let h: Harness;
  let program: Program;
  let now = Date.parse('2026-05-01T10:00:00Z');
  beforeEach(async () => {
    now = Date.parse('2026-05-01T10:00:00Z');
    h = await startCapture(dialect, () => now, { submissions: 50 });
    program = await createProgram(h);
  });
  afterEach(() => h.close());

  it('a referral link counts the click, sets the attribution cookie and lands on the program page', async () => {
    const enrolment = await referrerWithCode(h, program);
    const res = await request(h.url).get(`/r/${enrolment.code.toLowerCase()}`);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/refer/spring');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toContain(`ro_ref=${enrolment.code}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toContain(`Max-Age=${90 * 86400}`);
    expect(cookie).not.toMatch(/Secure/);
    const clicks = await h.database.db.selectFrom('clicks').selectAll().execute();
    expect(clicks).toEqual([expect.objectContaining({ program_id: 'spring', enrolment_id: enrolment.id, code: enrolment.code })]);

    const page = await request(h.url).get('/refer/spring').set('Cookie', `ro_ref=${enrolment.code}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<meta name="viewport"');
    expect(page.text).toContain(`name="code" value="${enrolment.code}"`);
    expect(page.text).toContain('<label for="email">');
    expect(page.text).toContain(program.enrolment.consentText);
  });

  it('an unknown code lands on a generic page without attribution', async () => {
    const res = await request(h.url).get('/r/NOPE2345');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/refer');
    expect(res.headers['set-cookie']).toBeUndefined();
    const page = await request(h.url).get('/refer');
    expect(page.text).toContain('This referral link is not active');
  });

  it('creates the referred contact with attribution, lifecycle stage, owner and the "Referred by" association', async () => {
    const enrolment = await referrerWithCode(h, program);
    const res = await request(h.url).post('/api/referrals').set('Cookie', `ro_ref=${enrolment.code}`)
      .send({ email: 'Ben.Friend@Example.com', firstname: 'Ben', lastname: 'Friend', consent: true });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ accepted: true });
    const contactId = (await referralOf(h, 'ben.friend@example.com')).referred_contact_id;
    const contact = h.sandbox.portal.get('contacts', contactId)!;
    expect(contact.properties).toMatchObject({
      email: 'Ben.Friend@Example.com', firstname: 'Ben', [P.referredByCode]: enrolment.code, [P.referredByContact]: enrolment.contact_id,
      [P.status]: 'captured', lifecyclestage: 'lead', hubspot_owner_id: '1002',
    });
    const labels = await h.hubspot.crm.associations.v4.basicApi.getPage('contacts', contactId, 'contacts');
    expect(labels.results).toEqual([expect.objectContaining({
      toObjectId: Number(enrolment.contact_id), associationTypes: expect.arrayContaining([expect.objectContaining({ label: REFERRED_BY_LABEL.label })]),
    })]);
    const row = await h.database.db.selectFrom('referrals').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ referred_contact_id: contactId, email_normalised: 'ben.friend@example.com', status: 'captured', flags: '[]' });
    const job = await h.database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: 'hubspot.sync-contact', payload: JSON.stringify({ contactId: enrolment.contact_id }) });
    const audit = await h.database.db.selectFrom('audit_events').selectAll().where('entity', '=', 'referral').execute();
    expect(audit).toEqual([expect.objectContaining({ entity_id: row.id, to_status: 'captured', actor_type: 'public' })]);
  });

  it('never overwrites an existing contact: it is matched and flagged', async () => {
    const enrolment = await referrerWithCode(h, program);
    const [existingId] = addContacts(h, 1, () => ({ email: 'carla@example.com', firstname: 'Carla', lifecyclestage: 'customer' }));
    now += 60 * 60_000;
    const res = await request(h.url).post('/api/referrals').send({ email: 'CARLA@example.com', firstname: 'Someone else', code: enrolment.code, consent: true });
    expect(res.status).toBe(202);
    expect(await referralOf(h, 'carla@example.com')).toMatchObject({ referred_contact_id: existingId, flags: '["existing_contact"]' });
    expect(h.sandbox.portal.get('contacts', existingId!)!.properties).toMatchObject({ firstname: 'Carla', lifecyclestage: 'customer' });
    expect(h.sandbox.portal.get('contacts', existingId!)!.properties[P.referredByCode]).toBeUndefined();
  });

  it('refuses a self-referral by an alias of the referrer email', async () => {
    const enrolment = await referrerWithCode(h, program, { email: 'anna.smith@gmail.com' });
    const alias = await request(h.url).post('/api/referrals').send({ email: 'annasmith+promo@gmail.com', code: enrolment.code, consent: true });
    expect(alias.status).toBe(400);
    expect(alias.body.error.message).toMatch(/referrer's own email/);
    expect(await h.database.db.selectFrom('referrals').selectAll().execute()).toEqual([]);
  });

  it('routes owners round robin from the ledger, in capture order', async () => {
    program = await createProgram(h, { capture: { routing: { kind: 'round_robin', ownerIds: ['1001', '1002', '1003'] } } });
    const enrolment = await referrerWithCode(h, program);
    const owners: string[] = [];
    for (let i = 0; i < 4; i++) {
      now += 1000;
      await request(h.url).post('/api/referrals').send({ email: `friend${i}@example.com`, code: enrolment.code, consent: true });
      const { referred_contact_id: id } = await referralOf(h, `friend${i}@example.com`);
      owners.push(h.sandbox.portal.get('contacts', id)!.properties.hubspot_owner_id!);
    }
    expect(owners).toEqual(['1001', '1002', '1003', '1001']);
  });

  it('concurrent duplicate submissions create one contact and one referral', async () => {
    const enrolment = await referrerWithCode(h, program);
    const variants = ['dana.fox@gmail.com', 'danafox@gmail.com', 'Dana.Fox+ref@gmail.com', 'dana.fox@googlemail.com'];
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      request(h.url).post('/api/referrals').send({ email: variants[i % variants.length], code: enrolment.code, consent: true })));
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`))).toEqual(new Set(['202 {"accepted":true}']));
    const rows = await h.database.db.selectFrom('referrals').selectAll().execute();
    expect(rows).toHaveLength(1);
    const created = [...h.sandbox.portal.records('contacts')].filter((r) => /dana/i.test(r.properties.email ?? ''));
    expect(created).toHaveLength(1);
    expect(rows[0]!.referred_contact_id).toBe(created[0]!.id);
    expect(await h.database.db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);
    // A later duplicate changes nothing.
    const again = await request(h.url).post('/api/referrals').send({ email: 'DANAFOX@gmail.com', code: enrolment.code, consent: true });
    expect(again.status).toBe(202);
    expect(await h.database.db.selectFrom('referrals').selectAll().execute()).toEqual(rows);
  });

  it('accepts HubSpot form-submission payloads', async () => {
    const enrolment = await referrerWithCode(h, program);
    const res = await request(h.url).post('/api/referrals').send({
      fields: [{ name: 'email', value: 'eve@example.com' }, { name: 'firstname', value: 'Eve' }],
      context: { pageUri: `https://www.example.com/refer?ref=${enrolment.code}` },
    });
    expect(res.status).toBe(202);
    const { referred_contact_id: id } = await referralOf(h, 'eve@example.com');
    expect(h.sandbox.portal.get('contacts', id)!.properties[P.referredByCode]).toBe(enrolment.code);
  });

  it('the page form: missing consent shows the form again with the message; the bot trap stores nothing', async () => {
    const enrolment = await referrerWithCode(h, program);
    const noConsent = await request(h.url).post('/api/referrals').type('form')
      .send({ programId: 'spring', code: enrolment.code, email: 'fay@example.com', firstname: 'Fay' });
    expect(noConsent.status).toBe(400);
    expect(noConsent.text).toContain('Please tick the consent box');
    expect(noConsent.text).toContain('value="fay@example.com"');

    const bot = await request(h.url).post('/api/referrals').type('form')
      .send({ programId: 'spring', code: enrolment.code, email: 'bot@example.com', consent: 'on', website: 'http://spam.example' });
    const person = await request(h.url).post('/api/referrals').type('form')
      .send({ programId: 'spring', code: enrolment.code, email: 'fay@example.com', consent: 'on' });
    expect(bot.status).toBe(202);
    expect(bot.text).toContain('Thank you');
    expect([bot.status, bot.text]).toEqual([person.status, person.text]);
    const stored = await h.database.db.selectFrom('referrals').select('email').execute();
    expect(stored).toEqual([{ email: 'fay@example.com' }]);
    expect(h.sandbox.portal.findBy('contacts', 'email', 'bot@example.com')).toBeUndefined();
  });

  it('rate limits submissions per client address with Retry-After', async () => {
    const limited = await startCapture(dialect, () => now, { submissions: 2 });
    try {
      const send = () => request(limited.url).post('/api/referrals').set('X-Forwarded-For', '203.0.113.9').send({ email: 'x@example.com', consent: true });
      await send();
      await send();
      const third = await send();
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBe('60');
      now += 60_000;
      expect((await send()).status).not.toBe(429);
    } finally {
      await limited.close();
    }
  });
});
