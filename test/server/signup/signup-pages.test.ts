import request from 'supertest';
import { translator } from '../../../server/i18n';
import { signedUpPage } from '../../../server/signup/signup-pages';
import type { EnrolmentRow } from '../../../server/enrolment/repository';
import type { ProgramInput } from '../../../src/app/packages/domain/program';
import { buildProgram } from '../../domain/factories';
import { dialects } from '../../support/databases';
import type { Harness } from '../../support/harness';
import { createSignupProgram, startSignupHarness } from './fixtures';

const OFFER: Partial<ProgramInput> = {
  locales: ['en', 'fr', 'es'],
  rewards: {
    referrer: {
      kind: 'credit', amount: 5000, currency: 'EUR',
      revenueShare: { percent: 10, max: 100000 },
    },
    friend: { kind: 'discount', amount: 2000, currency: 'EUR' },
    tiers: [{ atQualified: 5, bonus: { amount: 2500 } }],
  },
};

describe.each(dialects)('sign-up and share pages on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startSignupHarness({ dialect, signup: { limits: { submissions: 50 } } });
    await createSignupProgram(h, OFFER);
  });
  afterEach(() => h.close());

  it('the join page states both sides of the offer, the revenue share and the tier, in the visitor\'s language', async () => {
    const en = await request(h.url).get('/join/spring');
    expect(en.text).toContain('<li>You get 10% of the deal value in credit (at most €1,000) for every successful referral.</li>');
    expect(en.text).toContain('<li>Your friend gets €20 off.</li>');
    expect(en.text).toContain('<li>€25 extra once you have 5 successful referrals.</li>');
    const fr = await request(h.url).get('/join/spring').set('Accept-Language', 'fr-BE,fr;q=0.9');
    expect(fr.text).toContain('<html lang="fr">');
    expect(fr.text).toContain('<li>Vous recevez 10\u00a0% du montant de la vente en crédit (au plus 1\u202f000\u00a0€) pour chaque parrainage réussi.</li>');
    expect(fr.text).toContain('<button type="submit">Recevoir mon lien de parrainage</button>');
    expect(Buffer.byteLength(fr.text)).toBeLessThan(30 * 1024);
  });

  it('a sign-up in Spanish gets its errors and then its share page in Spanish', async () => {
    const form = { programId: 'spring', firstname: 'Rosa', email: 'rosa@example.com', lang: 'es' };
    const refused = await request(h.url).post('/api/signups').type('form').send({ ...form, firstname: 'R'.repeat(101) });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('<strong>Revisa el formulario</strong>');
    expect(refused.text).toContain('<a href="#firstname">El nombre no puede tener más de 100 caracteres</a>');
    expect(refused.text).toContain('<a href="#consent">Marca la casilla para dar tu consentimiento antes de registrarte</a>');
    expect(await h.database.db.selectFrom('enrolments').selectAll().execute()).toEqual([]);

    const page = await request(h.url).post('/api/signups').type('form').send({ ...form, consent: 'on' });
    expect(page.status).toBe(200);
    const { link } = await h.database.db.selectFrom('enrolments').select('link').executeTakeFirstOrThrow();
    expect(page.text).toContain('<html lang="es">');
    expect(page.text).toContain('<h1>Tu enlace de recomendación está listo</h1>');
    const message = encodeURIComponent(`Consigue 20\u00a0€ de descuento con mi enlace de recomendación: ${link}`);
    expect(page.text).toContain(`href="https://wa.me/?text=${message}"`);
    expect(page.text).toContain(`href="sms:?&amp;body=${message}"`);
    expect(page.text).toContain('<title id="share-qr-title">Código QR de tu enlace de recomendación</title>');
    expect(page.text).toContain('data-copied="Enlace copiado."');
    expect(page.headers['content-language']).toBe('es');
    expect(Buffer.byteLength(page.text)).toBeLessThan(30 * 1024);
  });
});

describe('the share page', () => {
  const enrolment = { code: 'K7M3QX9D', link: 'https://refer.acme.example/r/K7M3QX9D' } as EnrolmentRow;
  const program = buildProgram();

  it('links to the referrer\'s dashboard when it is given one, and not otherwise', () => {
    const t = translator('de');
    const withDashboard = signedUpPage({ program, enrolment, status: 'enrolled', t, dashboardUrl: 'https://refer.acme.example/me/abc' });
    expect(withDashboard).toContain('<a href="https://refer.acme.example/me/abc">Sieh dir an, was aus deinen Empfehlungen geworden ist</a>');
    expect(signedUpPage({ program, enrolment, status: 'enrolled', t })).not.toContain('/me/');
  });
});
