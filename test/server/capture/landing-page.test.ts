import request from 'supertest';
import type { Program, ProgramInput } from '../../../src/app/packages/domain/program';
import { dialects } from '../../support/databases';
import { createProgram, type Harness } from '../../support/harness';
import { referrerWithCode, startCapture } from './fixtures';

const OFFER: Partial<ProgramInput> = {
  locales: ['en', 'de', 'fr'],
  rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, friend: { kind: 'discount', amount: 2000, currency: 'USD' } },
};

describe.each(dialects)('the friend landing page on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startCapture(dialect, () => Date.parse('2026-05-01T10:00:00Z'));
  });
  afterEach(() => h.close());

  const landing = (program: Program, code: string, headers: Record<string, string> = {}, query = '') =>
    request(h.url).get(`/refer/${program.id}${query}`).set({ Cookie: `ro_ref=${code}`, ...headers });

  it("states the friend's reward and names nobody, without reading HubSpot, when the program does not show names", async () => {
    const program = await createProgram(h, OFFER);
    const enrolment = await referrerWithCode(h, program, { firstname: 'Anna Smith', lastname: 'Smith' });
    const before = h.gateway.stats.requests;
    const page = await landing(program, enrolment.code);
    expect(page.text).toContain('<p class="offer">A friend sent you $20 off</p>');
    expect(page.text).not.toContain('Anna');
    expect(h.gateway.stats.requests).toBe(before);
  });

  it("names the referrer by first name only, for a program that shows it, and only with a live code", async () => {
    const program = await createProgram(h, { ...OFFER, pages: { showReferrerName: true } });
    const enrolment = await referrerWithCode(h, program, { firstname: 'Anna Smith', lastname: 'Smith' });
    const page = await landing(program, enrolment.code);
    expect(page.text).toContain('<p class="offer">Anna sent you $20 off</p>');
    expect(page.text).not.toMatch(/Smith|referrer\.example|hubspot/i);
    expect(page.text).not.toContain(enrolment.contact_id);
    const german = await landing(program, enrolment.code, { 'Accept-Language': 'de-DE,de;q=0.9' });
    expect(german.text).toContain('<p class="offer">Anna schenkt dir 20\u00a0$ Rabatt</p>');

    const noCode = await request(h.url).get('/refer/spring').set('Cookie', 'ro_ref=NOPE2345');
    expect(noCode.text).toContain('<p class="offer">Invited friends get $20 off.</p>');
    expect(noCode.text).not.toContain('Anna');
  });

  it('speaks the language Accept-Language asks for among the program\'s, ?lang= overriding it', async () => {
    const program = await createProgram(h, OFFER);
    const enrolment = await referrerWithCode(h, program);
    const german = await landing(program, enrolment.code, { 'Accept-Language': 'de-CH,de;q=0.9,en;q=0.5' });
    expect(german.text).toContain('<html lang="de">');
    expect(german.text).toContain('Jemand aus deinem Freundeskreis schenkt dir 20\u00a0$ Rabatt');
    expect(german.text).toContain('<label for="email">E-Mail-Adresse (Pflichtfeld)</label>');
    expect(german.text).toContain('<button type="submit">Senden</button>');
    expect(german.headers['content-language']).toBe('de');
    expect(german.headers.vary).toMatch(/Accept-Language/);
    // Links to the page in the program's other languages, each named in its own.
    expect(german.text).toContain(`<a href="/refer/spring?lang=fr" hreflang="fr" lang="fr">français</a>`);

    const spanish = await landing(program, enrolment.code, { 'Accept-Language': 'es' });
    expect(spanish.text).toContain('<html lang="en">');
    const override = await landing(program, enrolment.code, { 'Accept-Language': 'de' }, '?lang=fr');
    expect(override.text).toContain('<html lang="fr">');
    expect(override.text).toContain('Un de vos proches vous offre 20\u00a0$US de réduction');

    const broken = await landing(program, enrolment.code, { 'Accept-Language': 'de' }, '?lang=%3Cscript%3E');
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('Der Teil lang= dieser Adresse ist kein Sprachcode');
  });

  it('a referral link carries a ?lang= the program speaks on to its landing page, and leaves any other behind', async () => {
    const program = await createProgram(h, OFFER);
    const enrolment = await referrerWithCode(h, program);
    const redirect = async (query: string) => (await request(h.url).get(`/r/${enrolment.code}${query}`).expect(302)).headers.location;
    expect(await redirect('?lang=de')).toBe('/refer/spring?lang=de');
    expect(await redirect('?lang=fr-CA')).toBe('/refer/spring?lang=fr');
    // Not the program's, not a language at all, or not one value: the landing page negotiates from the browser instead.
    for (const query of ['', '?lang=es', '?lang=%22%3E%3Cscript%3E', '?lang=de&lang=fr']) expect(await redirect(query)).toBe('/refer/spring');

    // Followed as a browser does, cookie and all: the friend reads the offer in German.
    const browser = request.agent(h.url);
    const landed = await browser.get(`/r/${enrolment.code}?lang=de`).set('Accept-Language', 'fr').redirects(1);
    expect(landed.text).toContain('<html lang="de">');
    expect(landed.text).toContain('Jemand aus deinem Freundeskreis schenkt dir 20\u00a0$ Rabatt');

    // A dead link's page belongs to no program: any shipped language goes along.
    expect((await request(h.url).get('/r/NOPE2345?lang=es').expect(302)).headers.location).toBe('/refer?lang=es');
    expect((await request(h.url).get('/r/NOPE2345?lang=xx').expect(302)).headers.location).toBe('/refer');
  });

  it('a referral link to a landing page the team hosts passes the code, not our ?lang=', async () => {
    const program = await createProgram(h, { ...OFFER, enrolment: { landingUrl: 'https://acme.example/friends?utm_source=referral' } });
    const enrolment = await referrerWithCode(h, program);
    const res = await request(h.url).get(`/r/${enrolment.code}?lang=de`).expect(302);
    expect(res.headers.location).toBe(`https://acme.example/friends?utm_source=referral&ref=${enrolment.code}`);
  });

  it('shows form problems in the language of the form, keeping what was typed, and stores nothing', async () => {
    const program = await createProgram(h, OFFER);
    const enrolment = await referrerWithCode(h, program);
    const form = { programId: 'spring', code: enrolment.code, firstname: 'Ben', email: 'ben@example.com', lang: 'fr' };
    const noConsent = await request(h.url).post('/api/referrals').type('form').send(form);
    expect(noConsent.status).toBe(400);
    expect(noConsent.text).toContain('<html lang="fr">');
    expect(noConsent.text).toContain('Veuillez cocher la case de consentement pour continuer');
    expect(noConsent.text).toContain('value="ben@example.com"');
    const badEmail = await request(h.url).post('/api/referrals').type('form').send({ ...form, email: 'ben example.com', consent: 'on', lang: 'de' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.text).toContain('„ben example.com“ enthält ein Leerzeichen; E-Mail-Adressen enthalten keine');
    const noEmail = await request(h.url).post('/api/referrals').type('form').send({ ...form, email: '', consent: 'on', lang: 'de' });
    expect(noEmail.text).toContain('Gib deine E-Mail-Adresse ein');
    expect(await h.database.db.selectFrom('referrals').selectAll().execute()).toEqual([]);
    expect(await h.database.db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);

    const thanks = await request(h.url).post('/api/referrals').type('form').send({ ...form, consent: 'on', lang: 'de' });
    expect(thanks.status).toBe(202);
    expect(thanks.text).toContain('<h1>Vielen Dank!</h1>');
  });

  it("carries the program's brand: logo, terms link, readable button text, and stays under 30 KB", async () => {
    const program = await createProgram(h, {
      ...OFFER,
      enrolment: { brand: { headline: 'Acme friends', primaryColor: '#ffd400', logoUrl: 'https://cdn.acme.example/logo.svg' } },
      pages: { termsUrl: 'https://acme.example/referral-terms' },
    });
    const enrolment = await referrerWithCode(h, program);
    const page = await landing(program, enrolment.code);
    expect(page.text).toContain('<img class="logo" src="https://cdn.acme.example/logo.svg" alt="">');
    expect(page.text).toContain('<footer><a href="https://acme.example/referral-terms">Terms and conditions</a></footer>');
    expect(page.text).toContain('color: #000000; background: #ffd400;');
    expect(Buffer.byteLength(page.text)).toBeLessThan(30 * 1024);
  });
});
