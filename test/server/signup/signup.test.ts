import { createHash } from 'node:crypto';
import request from 'supertest';
import { P } from '../../../server/hubspot/properties';
import { dialects } from '../../support/databases';
import { addContacts } from '../../support/contacts';
import type { Harness } from '../../support/harness';
import { buildSignup, createSignupProgram, startSignupHarness } from './fixtures';

const contactsWithEmail = (h: Harness, pattern: RegExp) =>
  [...h.sandbox.portal.records('contacts')].filter((r) => pattern.test(r.properties.email ?? ''));

describe.each(dialects)('referrer sign-up on %s', (dialect) => {
  let h: Harness;
  let now = Date.parse('2026-05-01T10:00:00Z');
  beforeEach(async () => {
    now = Date.parse('2026-05-01T10:00:00Z');
    h = await startSignupHarness({ dialect, clock: () => now, signup: { limits: { submissions: 50 } } });
    await createSignupProgram(h, { enrolment: { paths: ['signup'], brand: { headline: 'Refer a friend to Acme' } } });
  });
  afterEach(() => h.close());

  it('serves an accessible, branded join page with the consent text, a bot trap and no scripts', async () => {
    const res = await request(h.url).get('/join/spring');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).not.toContain('script-src');
    expect(res.text).toContain('<meta name="viewport"');
    expect(res.text).toContain('<h1>Refer a friend to Acme</h1>');
    expect(res.text).toContain('<form method="post" action="/api/signups"');
    expect(res.text).toContain('name="programId" value="spring"');
    for (const id of ['firstname', 'lastname', 'email', 'consent']) expect(res.text).toMatch(new RegExp(`<label[^>]* for="${id}"`));
    expect(res.text).toContain('I agree to be contacted about this offer');
    expect(res.text).toMatch(/class="trap" aria-hidden="true">[\s\S]*name="website" tabindex="-1"/);
  });

  it('a new person becomes a contact with their details and is enrolled with a code and link on the record', async () => {
    const res = await request(h.url).post('/api/signups').send(buildSignup({ email: '  Rita.Ref@Example.com ', firstname: 'Rita', lastname: 'Ref' }));
    expect(res.status).toBe(200);
    expect(res.body.signup).toEqual({
      programId: 'spring', code: expect.stringMatching(/^[A-Z0-9]{8}$/),
      link: `${h.url}/r/${res.body.signup.code}`,
    });
    const [contact] = contactsWithEmail(h, /rita/i);
    expect(contact!.properties).toMatchObject({
      email: 'Rita.Ref@Example.com', firstname: 'Rita', lastname: 'Ref',
      [P.code]: res.body.signup.code, [P.link]: res.body.signup.link, [P.program]: 'spring',
    });
    const enrolment = await h.database.db.selectFrom('enrolments').selectAll().executeTakeFirstOrThrow();
    expect(enrolment).toMatchObject({ contact_id: contact!.id, source: 'signup', code: res.body.signup.code });
    const audit = await h.database.db.selectFrom('audit_events').selectAll().where('entity', '=', 'enrolment').execute();
    expect(audit).toEqual([expect.objectContaining({ entity_id: enrolment.id, actor_type: 'public', reason: 'enrolled (signup)' })]);
  });

  it('signing up twice returns the same link, the same answer byte for byte, and creates nothing new', async () => {
    const first = await request(h.url).post('/api/signups').send(buildSignup({ email: 'sam@example.com' }));
    const second = await request(h.url).post('/api/signups').send(buildSignup({ email: 'SAM@example.com', firstname: 'Other' }));
    // Whoever types an address must not learn whether its owner had signed up: the link alone, public by nature.
    expect([second.status, second.text]).toEqual([first.status, first.text]);
    expect(Object.keys(first.body.signup).sort()).toEqual(['code', 'link', 'programId']);
    expect(contactsWithEmail(h, /sam@/i)).toHaveLength(1);
    expect(contactsWithEmail(h, /sam@/i)[0]!.properties.firstname).not.toBe('Other');
    expect(await h.database.db.selectFrom('enrolments').selectAll().execute()).toHaveLength(1);
  });

  it('an existing contact is matched and only gets the referral properties; its own values stay', async () => {
    const [id] = addContacts(h, 1, () => ({ email: 'carla@example.com', firstname: 'Carla', lastname: 'Client', lifecyclestage: 'customer' }));
    const res = await request(h.url).post('/api/signups').send(buildSignup({ email: 'Carla@Example.com', firstname: 'Someone', lastname: 'Else' }));
    expect(res.status).toBe(200);
    expect(h.sandbox.portal.get('contacts', id!)!.properties).toMatchObject({
      email: 'carla@example.com', firstname: 'Carla', lastname: 'Client', lifecyclestage: 'customer', [P.code]: res.body.signup.code,
    });
    expect(contactsWithEmail(h, /carla/i)).toHaveLength(1);
  });

  it('concurrent double submits give one contact, one enrolment and one link', async () => {
    const variants = ['dana@example.com', 'Dana@Example.com', 'DANA@example.com'];
    const answers = await Promise.all(Array.from({ length: 9 }, (_, i) =>
      request(h.url).post('/api/signups').send(buildSignup({ email: variants[i % variants.length] }))));
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`)).size).toBe(1);
    expect(new Set(answers.map((a) => a.body.signup.link)).size).toBe(1);
    expect(contactsWithEmail(h, /dana@/i)).toHaveLength(1);
    expect(await h.database.db.selectFrom('enrolments').selectAll().execute()).toHaveLength(1);
  });

  it('finds a contact created a moment before without search (search lags behind writes in HubSpot)', async () => {
    const made = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'jo@example.com', firstname: 'Jo' }, associations: [] });
    const res = await request(h.url).post('/api/signups').send(buildSignup({ email: 'JO@example.com' }));
    expect(res.status).toBe(200);
    expect(contactsWithEmail(h, /jo@/i)).toHaveLength(1);
    expect(h.sandbox.portal.get('contacts', made.id)!.properties[P.code]).toBe(res.body.signup.code);
    expect(h.sandbox.stats.snapshot().byEndpoint['POST /crm/v3/objects/contacts/search']).toBeUndefined();
  });

  it('rejects bad input naming the field, and writes nothing', async () => {
    const noConsent = await request(h.url).post('/api/signups').send(buildSignup({ email: 'ed@example.com', consent: false }));
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid sign-up: consent: Tick the box to agree before signing up' });
    const badEmail = await request(h.url).post('/api/signups').send(buildSignup({ email: 'ed@example' }));
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.message).toMatch(/^Invalid sign-up: email: "example" after the @ is not an email domain/);
    const noEmail = await request(h.url).post('/api/signups').send(buildSignup({ email: undefined, consent: undefined }));
    expect(noEmail.body.error.details.issues).toEqual([
      { path: 'email', message: 'Enter your email address' },
      { path: 'consent', message: 'Tick the box to agree before signing up' },
    ]);
    expect(contactsWithEmail(h, /ed@/)).toEqual([]);
    expect(await h.database.db.selectFrom('enrolments').selectAll().execute()).toEqual([]);
  });

  it('the form shows each problem beside its field, keeps what was typed and focuses the first to fix', async () => {
    const res = await request(h.url).post('/api/signups').type('form').send({ programId: 'spring', firstname: 'Fay', email: 'fay@' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('role="alert"');
    expect(res.text).toContain('<a href="#email">');
    expect(res.text).toMatch(/<p class="field-error" id="email-error">[^<]+<\/p>\s*<input type="email" id="email"[^>]*value="fay@" aria-invalid="true" aria-describedby="email-error" autofocus>/);
    expect(res.text).toMatch(/id="consent"[^>]*aria-invalid="true" aria-describedby="consent-error">/);
    expect(res.text).toContain('value="Fay"');
  });

  it('the form answers with the link page: copy and share, its one script allowed by hash', async () => {
    const res = await request(h.url).post('/api/signups').type('form')
      .send({ programId: 'spring', firstname: 'Gil', email: 'gil@example.com', consent: 'on', website: '' });
    expect(res.status).toBe(200);
    const again = await request(h.url).post('/api/signups').type('form')
      .send({ programId: 'spring', firstname: 'Gil', email: 'gil@example.com', consent: 'on', website: '' });
    expect([again.status, again.text]).toEqual([res.status, res.text]);
    const code = (await h.database.db.selectFrom('enrolments').select('code').executeTakeFirstOrThrow()).code;
    expect(res.text).toContain(`<input type="text" id="referral-link" value="${h.url}/r/${code}" readonly>`);
    expect(res.text).toContain('<button type="button" id="copy-link" hidden>Copy link</button>');
    const message = `Have a look, here is my referral link: ${h.url}/r/${code}`;
    expect(res.text).toContain(`href="mailto:?subject=Refer%20a%20friend%20to%20Acme&amp;body=${encodeURIComponent(message)}"`);
    const script = /<script>([\s\S]*)<\/script>/.exec(res.text)![1]!;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(res.headers['content-security-policy']).toContain(`script-src 'sha256-${hash}'`);
  });

  it('the bot trap answers like a success and stores nothing', async () => {
    const page = await request(h.url).post('/api/signups').type('form')
      .send({ programId: 'spring', email: 'bot@example.com', consent: 'on', website: 'http://spam.example' });
    expect(page.status).toBe(201);
    expect(page.text).toContain('Thank you');
    const json = await request(h.url).post('/api/signups').send(buildSignup({ email: 'bot@example.com', website: 'x' }));
    expect(json.status).toBe(202);
    expect(contactsWithEmail(h, /bot@/)).toEqual([]);
    expect(await h.database.db.selectFrom('enrolments').selectAll().execute()).toEqual([]);
  });

  it('programs without the sign-up path, paused or unknown ones take no sign-ups', async () => {
    await createSignupProgram(h, { id: 'crm-only', enrolment: { paths: ['hubspot'] } });
    await createSignupProgram(h, { id: 'paused', status: 'paused' });
    const closedPage = await request(h.url).get('/join/crm-only');
    expect(closedPage.status).toBe(403);
    expect(closedPage.text).toContain('Sign-up is not open for the program');
    const closedApi = await request(h.url).post('/api/signups').send(buildSignup({ programId: 'crm-only', email: 'hal@example.com' }));
    expect(closedApi.status).toBe(403);
    expect(closedApi.body.error).toMatchObject({ code: 'FORBIDDEN', message: 'Sign-up is not open for the program "Spring referrals"' });
    expect((await request(h.url).get('/join/paused')).text).toContain('is not taking sign-ups right now');
    expect((await request(h.url).post('/api/signups').send(buildSignup({ programId: 'paused' }))).status).toBe(409);
    const unknown = await request(h.url).get('/join/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('This sign-up page does not exist');
    expect((await request(h.url).post('/api/signups').send(buildSignup({ programId: 'nope' }))).body.error.code).toBe('NOT_FOUND');
    expect(contactsWithEmail(h, /hal@/)).toEqual([]);
  });

  it('rate limits sign-ups per client address with Retry-After', async () => {
    const limited = await startSignupHarness({ dialect, clock: () => now, signup: { limits: { submissions: 2 } } });
    try {
      const send = () => request(limited.url).post('/api/signups').set('X-Forwarded-For', '203.0.113.7').send({});
      await send();
      await send();
      const third = await send();
      expect(third.status).toBe(429);
      expect(third.headers['retry-after']).toBe('60');
      now += 60_000;
      expect((await send()).status).toBe(400);
    } finally {
      await limited.close();
    }
  });
});
