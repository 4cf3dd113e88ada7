import { sql } from 'kysely';
import request from 'supertest';
import { createApp } from '../../../server/app';
import { dashboardFeature } from '../../../server/dashboard/routes';
import { createLogger } from '../../../server/logger';
import { dashboardLinksFor } from '../../../server/dashboard/dashboard-token';
import { P } from '../../../server/hubspot/properties';
import { SHARE_PAGE_SECURITY_POLICY } from '../../../server/public-pages/share-script';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, buildProgram, createProgram, startHarness, type Harness } from '../../support/harness';

/** When a contact becomes a customer, "Qualify referral" runs, as a portal's workflow would. */
function qualifyOnCustomer(h: Harness) {
  h.sandbox.engine.register({
    name: 'Qualify referrals on customer',
    trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
    action: { uid: 'qualify_referral_action' },
    inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
  });
}

const program = () => buildProgram({
  locales: ['en', 'de', 'fr'],
  enrolment: { paths: ['hubspot', 'signup'], brand: { headline: 'Invite a friend to Acme' } },
  rewards: {
    referrer: { kind: 'credit', amount: 5000, currency: 'USD' },
    // Double-sided: the friend's reward is the friend's, never counted on the referrer's page.
    friend: { kind: 'discount', amount: 2000, currency: 'USD' },
    tiers: [{ atQualified: 3, bonus: { amount: 2500 } }],
    caps: { perReferrer: 4 },
  },
});

async function signUp(h: Harness, email: string) {
  const res = await request(h.url).post('/api/signups').send({ programId: 'spring', email, firstname: 'Rita', lastname: 'Referrer', consent: true });
  expect(res.status).toBe(200);
  const contact = await h.hubspot.crm.contacts.basicApi.getById(email, [P.code, P.dashboardLink], undefined, undefined, false, 'email');
  return { code: res.body.signup.code as string, link: res.body.signup.link as string, contactId: contact.id, dashboard: contact.properties[P.dashboardLink]! };
}

const path = (url: string) => new URL(url).pathname;
const rotate = (h: Harness, contactId: string, programId = 'spring') =>
  request(h.url).post(`/api/programs/${programId}/enrolments/${contactId}/dashboard-link`).set(ADMIN_HEADERS);

describe.each(dialects)('referrer dashboard on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
    // The program's owner, whom captured friends are routed to.
    h.sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
    await createProgram(h, program());
  });
  afterEach(() => h.close());

  it('sign-up writes the dashboard link onto the contact; it shows the link, then the friend captured, then qualified with the reward', async () => {
    qualifyOnCustomer(h);
    const rita = await signUp(h, 'rita@example.org');
    expect(rita.dashboard).toMatch(new RegExp(`^${h.url}/me/enr_[0-9a-f]{32}\\.1\\.[A-Za-z0-9_-]{43}$`));

    const empty = await request(h.url).get(path(rita.dashboard));
    expect(empty.status).toBe(200);
    expect(empty.headers['cache-control']).toBe('private, no-store');
    expect(empty.text).toContain(`value="${rita.link}"`);
    expect(empty.text).toContain(`Your code: <strong class="code">${rita.code}</strong>`);
    expect(empty.text).toContain('No friends have signed up with your link yet.');
    expect(empty.text).toContain('No rewards yet.');

    await request(h.url).get(`/r/${rita.code}`).expect(302);
    const capture = await request(h.url).post('/api/referrals')
      .send({ programId: 'spring', code: rita.code, email: 'finn.friend@example.com', firstname: 'Finn', lastname: 'friend', consent: true });
    expect(capture.status).toBe(202);
    await h.service.worker.drain();

    const captured = await request(h.url).get(path(rita.dashboard));
    expect(captured.text).toMatch(/<dt>Clicks on your link<\/dt><dd>1<\/dd>/);
    expect(captured.text).toMatch(/<dt>Friends referred<\/dt><dd>1<\/dd>/);
    expect(captured.text).toMatch(/<th scope="row">Finn F\.<\/th>[\s\S]*?Captured<span class="reason">Awaiting the milestone/);

    const friend = await h.hubspot.crm.contacts.basicApi.getById('finn.friend@example.com', ['lifecyclestage'], undefined, undefined, false, 'email');
    await h.hubspot.crm.contacts.basicApi.update(friend.id, { properties: { lifecyclestage: 'customer' } });
    await h.sandbox.engine.idle();
    await h.service.worker.drain();

    const qualified = await request(h.url).get(path(rita.dashboard));
    expect(qualified.text).toMatch(/<th scope="row">Finn F\.<\/th>[\s\S]*?Qualified<span class="reason">They reached the program’s milestone\.<\/span><\/td>\s*<td>\$50, approved<\/td>/);
    expect(qualified.text).toMatch(/<dt>Approved<\/dt><dd>\$50<\/dd>/);
    expect(qualified.text).toMatch(/<dt>Friends qualified<\/dt><dd>1<\/dd>/);
    expect(qualified.text).toContain('2 more qualified friends to your next bonus of $25.');
    expect(qualified.text).toMatch(/<progress id="tier-progress" max="3" value="1">/);
    expect(qualified.text).toContain('Rewards earned: 1 of at most 4.');

    // Nobody's email, HubSpot id or ledger id: the friend's, the referrer's, the referral's, the reward's.
    const [referral] = await h.database.db.selectFrom('referrals').select(['id']).execute();
    const rewards = await h.database.db.selectFrom('rewards').select(['id', 'recipient']).execute();
    expect(rewards.map((r) => r.recipient).sort()).toEqual(['friend', 'referrer']);
    // The friend's $20 is named only by the offer in the share message (the share sheet's text), never as a reward.
    expect(qualified.text).toContain('data-text="Get $20 off with my referral link:"');
    expect(qualified.text.replace('data-text="Get $20 off with my referral link:"', '')).not.toContain('$20');
    for (const secret of ['finn.friend@example.com', 'rita@example.org', referral!.id, ...rewards.map((r) => r.id)]) expect(qualified.text).not.toContain(secret);
    for (const id of [friend.id, rita.contactId]) expect(qualified.text).not.toMatch(new RegExp(`\\b${id}\\b`));
    expect(Buffer.byteLength(qualified.text)).toBeLessThan(30 * 1024);

    // The same page in the program's other languages, as the browser asks for them.
    const german = await request(h.url).get(path(rita.dashboard)).set('Accept-Language', 'de-DE,de;q=0.9,en;q=0.5');
    expect(german.text).toContain('<html lang="de">');
    expect(german.text).toMatch(/<th scope="row">Finn F\.<\/th>[\s\S]*?Qualifiziert<span class="reason">Das Ziel des Programms ist erreicht\.<\/span><\/td>\s*<td>50\u00a0\$, bestätigt<\/td>/);
    expect(german.text).toContain('Noch 2 qualifizierte Empfehlungen bis zu deinem nächsten Bonus von 25\u00a0$.');
    expect(german.text).toMatch(/<dt>Klicks auf deinen Link<\/dt><dd>1<\/dd>/);
    const french = await request(h.url).get(path(rita.dashboard)).set('Accept-Language', 'fr-CA,fr;q=0.8');
    expect(french.text).toContain('<html lang="fr">');
    expect(french.text).toMatch(/<th scope="row">Finn F\.<\/th>[\s\S]*?Validé<span class="reason">L’objectif du programme est atteint\.<\/span><\/td>\s*<td>50\u00a0\$US, approuvée<\/td>/);
    expect(french.text).toContain('Récompenses gagnées : 1 sur 4 au maximum.');
    for (const page of [german, french]) expect(Buffer.byteLength(page.text)).toBeLessThan(30 * 1024);
  });

  it('speaks the program\'s language the browser asks for, ?lang= overriding it; the pages of no program choose among every language', async () => {
    const rita = await signUp(h, 'rita@example.org');
    const url = path(rita.dashboard);
    const german = await request(h.url).get(url).set('Accept-Language', 'de-CH,de;q=0.9,en;q=0.5');
    expect(german.status).toBe(200);
    expect(german.text).toContain('<h1>Deine Empfehlungen</h1>');
    expect(german.text).toContain('Über deinen Link hat sich noch niemand angemeldet.');
    expect(german.text).toContain('>Auf WhatsApp teilen<');
    expect(german.headers['content-language']).toBe('de');
    expect(german.headers.vary).toMatch(/Accept-Language/);
    // The share block's copy button runs the share page's one script, and the address (a credential) is never a Referer.
    expect(german.headers['content-security-policy']).toBe(SHARE_PAGE_SECURITY_POLICY);
    expect(german.headers['referrer-policy']).toBe('no-referrer');
    expect(german.text).toContain(`<a href="${url}?lang=fr" hreflang="fr" lang="fr">français</a>`);
    expect(german.text).not.toContain('lang=es');

    const override = await request(h.url).get(`${url}?lang=fr`).set('Accept-Language', 'de');
    expect(override.text).toContain('<h1>Vos parrainages</h1>');
    // Spanish ships, but this program does not speak it: its first language.
    const spanish = await request(h.url).get(url).set('Accept-Language', 'es-ES');
    expect(spanish.text).toContain('<html lang="en">');
    const broken = await request(h.url).get(`${url}?lang=%3Cx%3E`).set('Accept-Language', 'de');
    expect([broken.status, broken.text]).toEqual([400, expect.stringContaining('Der Teil lang= dieser Adresse ist kein Sprachcode')]);

    const handover = await request(h.url).get('/me').set('Accept-Language', 'es-ES');
    expect([handover.status, handover.headers['content-language']]).toEqual([200, 'es']);
    expect(handover.text).toContain('<h1>Abre tu panel desde tu correo</h1>');
    const notFound = await request(h.url).get('/me/nonsense').set('Accept-Language', 'pt-BR');
    expect([notFound.status, notFound.headers['content-language']]).toEqual([404, 'pt']);
    expect(notFound.text).toContain('<h1>Esta página não existe</h1>');
  });

  it('the share page links to the dashboard alike for every address; only the sign-up that made the enrolment can open it', async () => {
    const form = (email: string) => request(h.url).post('/api/signups').type('form')
      .send({ programId: 'spring', email, firstname: 'Rita', consent: 'on' });
    const first = await form('rita@example.org');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`<a href="${h.url}/me?lang=en">See what became of your referrals</a>`);
    const handedOver = first.headers['set-cookie'] as unknown as string[];
    const cookie = handedOver.find((c) => c.startsWith('ro_dash='))!;
    expect(cookie).toMatch(/^ro_dash=[^;]+; Path=\/me; Max-Age=2592000; HttpOnly; SameSite=Lax$/);

    const contact = await h.hubspot.crm.contacts.basicApi.getById('rita@example.org', [P.dashboardLink], undefined, undefined, false, 'email');
    const opened = await request(h.url).get('/me').set('cookie', cookie.split(';')[0]!);
    expect([opened.status, opened.headers.location]).toEqual([303, path(contact.properties[P.dashboardLink]!)]);
    // A language chosen on the way (one the service ships) goes along; anything else is left behind.
    const inFrench = await request(h.url).get('/me?lang=fr').set('cookie', cookie.split(';')[0]!);
    expect(inFrench.headers.location).toBe(`${path(contact.properties[P.dashboardLink]!)}?lang=fr`);
    const odd = await request(h.url).get('/me?lang=%22%3E').set('cookie', cookie.split(';')[0]!);
    expect(odd.headers.location).toBe(path(contact.properties[P.dashboardLink]!));

    // Someone else typing Rita's address gets the same page (her referral link is public by nature), but no way into her dashboard.
    const again = await form('rita@example.org');
    expect([again.status, again.text]).toEqual([first.status, first.text]);
    expect(((again.headers['set-cookie'] ?? []) as unknown as string[]).some((c) => c.startsWith('ro_dash='))).toBe(false);
    const stranger = await request(h.url).get('/me');
    expect(stranger.status).toBe(200);
    expect(stranger.text).toContain('Open your dashboard from your email');
    expect(stranger.text).not.toMatch(/Rita|Acme|\/me\/|\/r\//);
    const forged = await request(h.url).get('/me').set('cookie', 'ro_dash=enr_1.1.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
    expect([forged.status, forged.text]).toEqual([200, stranger.text]);
  });

  it('a tampered, unknown, revoked or malformed token gets one 404 page that names nothing', async () => {
    const rita = await signUp(h, 'rita@example.org');
    const token = path(rita.dashboard).slice('/me/'.length);
    const [id, version, mac] = token.split('.') as [string, string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const otherKey = dashboardLinksFor({ publicBaseUrl: h.url, hubspot: { clientSecret: 'another-secret' } });
    const sameKey = dashboardLinksFor(h.service.ctx.config);
    const forged = [
      `${id}.${version}.${flip(mac)}`,
      `${id}.2.${mac}`,
      `${flip(id)}.${version}.${mac}`,
      path(otherKey.urlFor({ id, dashboard_token_version: 1 })!).slice(4),
      // Signed with the service's key, for an enrolment that does not exist.
      path(sameKey.urlFor({ id: 'enr_00000000000000000000000000000000', dashboard_token_version: 1 })!).slice(4),
      'nonsense',
      `${token}.x`,
    ];
    expect((await rotate(h, rita.contactId).send({})).status).toBe(200);
    forged.push(token);
    // Per language, one page: the same bytes and headers whichever part of the token was wrong.
    const pages: Record<string, string> = {};
    for (const language of ['en', 'de-DE,de;q=0.9', 'fr', 'es-ES']) {
      const answers = await Promise.all(forged.map((t) => request(h.url).get(`/me/${t}`).set('Accept-Language', language)));
      const [first] = answers;
      pages[language] = first!.text;
      for (const res of answers) {
        expect([res.status, res.text]).toEqual([404, first!.text]);
        expect(res.headers).toEqual({ ...first!.headers, date: res.headers.date });
      }
    }
    for (const page of Object.values(pages)) {
      for (const word of [rita.code, 'Acme', 'Rita', 'spring', 'referral link', 'Empfehlungslink', 'parrainage']) expect(page).not.toContain(word);
    }
    expect(pages.en).toContain('This page does not exist');
    expect(pages['de-DE,de;q=0.9']).toContain('<h1>Diese Seite gibt es nicht</h1>');
    expect(pages.fr).toContain('<h1>Cette page n’existe pas</h1>');
    // Spanish is not the program's language, but this page belongs to no program.
    expect(pages['es-ES']).toContain('<h1>Esta página no existe</h1>');
  });

  it('an erased referrer’s dashboard is gone, and cannot be brought back by rotating', async () => {
    const rita = await signUp(h, 'rita@example.org');
    const erased = await request(h.url).post('/api/privacy/erasures').set(ADMIN_HEADERS).send({ email: 'rita@example.org' });
    expect(erased.status).toBe(200);
    expect((await request(h.url).get(path(rita.dashboard))).status).toBe(404);
    expect((await rotate(h, rita.contactId).send({})).status).toBe(404);
  });

  it('a failure on our side is a plain 500 page, logged without the link', async () => {
    const rita = await signUp(h, 'rita@example.org');
    const lines: string[] = [];
    const app = createApp({ ...h.service.ctx, logger: createLogger('info', { write: (line: string) => void lines.push(line) }) }, [dashboardFeature]);
    await sql`drop table clicks`.execute(h.database.db);
    const res = await request(app).get(path(rita.dashboard));
    expect([res.status, res.text]).toEqual([500, expect.stringContaining('Your dashboard could not be shown just now')]);
    const dutch = await request(app).get(path(rita.dashboard)).set('Accept-Language', 'nl-BE');
    expect([dutch.status, dutch.text]).toEqual([500, expect.stringContaining('<h1>Je overzicht kan nu niet worden getoond</h1>')]);
    expect(lines.join('\n')).toContain('referrer dashboard failed');
    const signature = rita.dashboard.slice(rita.dashboard.lastIndexOf('.') + 1);
    expect(lines.join('\n')).not.toContain(signature);
  });

  it('rotating through the admin API revokes the old link at once and writes the new one onto the contact', async () => {
    const rita = await signUp(h, 'rita@example.org');
    const res = await rotate(h, rita.contactId).set('x-referral-ops-actor', 'hubspot-user:42:rev@example.org').send({});
    expect(res.status).toBe(200);
    const fresh = res.body.dashboardLink as string;
    expect(fresh).toMatch(/\.2\.[A-Za-z0-9_-]{43}$/);
    expect((await request(h.url).get(path(rita.dashboard))).status).toBe(404);
    expect((await request(h.url).get(path(fresh))).status).toBe(200);

    await h.service.worker.drain();
    const contact = await h.hubspot.crm.contacts.basicApi.getById(rita.contactId, [P.dashboardLink]);
    expect(contact.properties[P.dashboardLink]).toBe(fresh);
    const audit = await h.database.db.selectFrom('audit_events').selectAll().where('reason', 'like', 'dashboard link rotated%').execute();
    expect(audit).toEqual([expect.objectContaining({ entity: 'enrolment', actor_type: 'hubspot_user', actor_id: '42:rev@example.org' })]);
  });

  it('refuses a bad rotation with a 4xx that names the problem, and changes nothing', async () => {
    const rita = await signUp(h, 'rita@example.org');
    const before = await h.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const cases: Array<[request.Test, number, RegExp]> = [
      [rotate(h, 'rita').send({}), 400, /contactId: must be a HubSpot record id/],
      [rotate(h, rita.contactId, 'autumn').send({}), 404, /autumn/],
      [rotate(h, '999999').send({}), 404, /Contact 999999 is not a referrer in program "spring"/],
      [rotate(h, rita.contactId).send({ version: 7 }), 400, /version/],
      [request(h.url).post(`/api/programs/spring/enrolments/${rita.contactId}/dashboard-link`).send({}), 401, /./],
    ];
    for (const [call, status, message] of cases) {
      const res = await call;
      expect([res.status, res.body.error?.message]).toEqual([status, expect.stringMatching(message)]);
    }
    const enrolment = await h.database.db.selectFrom('enrolments').selectAll().executeTakeFirstOrThrow();
    expect(enrolment.dashboard_token_version).toBe(1);
    expect((await h.database.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n).toEqual(before.n);
    expect((await request(h.url).get(path(rita.dashboard))).status).toBe(200);
  });

  it('lists the latest 50 friends by first name and initial and stays under 30 KB for a prolific referrer', async () => {
    const rita = await signUp(h, 'rita@example.org');
    const enrolment = await h.database.db.selectFrom('enrolments').selectAll().executeTakeFirstOrThrow();
    const friends = addContacts(h, 60, (i) => ({ firstname: `Friend${String(i).padStart(2, '0')}`, lastname: 'zed', email: `f${i}@example.com` }));
    const base = Date.parse('2026-03-01T00:00:00Z');
    await h.database.db.insertInto('referrals').values(friends.map((id, i) => ({
      id: `ref_${i}`, program_id: 'spring', enrolment_id: enrolment.id, referrer_contact_id: rita.contactId, referred_contact_id: id,
      email: `f${i}@example.com`, email_normalised: `f${i}@example.com`, source: 'api', flags: '[]',
      status: i % 3 === 0 ? 'rejected' as const : 'captured' as const,
      reason: i % 3 === 0 ? 'The referrer referred themselves' : null, evidence: null, deal_id: null,
      captured_at: base + i * 60_000, qualified_at: null, decided_at: null,
    }))).execute();

    const res = await request(h.url).get(path(rita.dashboard));
    expect(res.status).toBe(200);
    expect(Buffer.byteLength(res.text)).toBeLessThan(30 * 1024);
    const listed = [...res.text.matchAll(/<th scope="row">([^<]*)<\/th>/g)].map((m) => m[1]);
    expect(listed).toHaveLength(50);
    expect(listed[0]).toBe('Friend59 Z.');
    expect(listed.at(-1)).toBe('Friend10 Z.');
    expect(res.text).toContain('The 10 earlier friends are not listed here.');
    expect(res.text).toContain('Rejected<span class="reason">Rejected because the referrer referred themselves.</span>');
    expect(res.text).not.toMatch(/@example\.com/);
    // Longer words, the same limit.
    for (const language of ['de', 'fr']) {
      const translated = await request(h.url).get(path(rita.dashboard)).set('Accept-Language', language);
      expect([language, translated.text.match(/<th scope="row">/g)?.length]).toEqual([language, 50]);
      expect(Buffer.byteLength(translated.text)).toBeLessThan(30 * 1024);
    }
  });
});
