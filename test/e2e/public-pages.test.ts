import fs from 'node:fs';
import jsQR from 'jsqr';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PAGE_LOCALES, type PageLocale, type ProgramInput } from '../../src/app/packages/domain/program';
import { createCaptureFeature } from '../../server/capture/routes';
import { createSignupFeature } from '../../server/signup/routes';
import { describeInBrowser, launchChromium } from '../support/browser';
import { createProgram, startHarness, type Harness } from '../support/harness';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const MAX_PAGE_BYTES = 30 * 1024;

/** The program these walks use: every language, both rewards, a tier, names shown, the team's brand. */
const PROGRAM: Partial<ProgramInput> = {
  locales: [...PAGE_LOCALES],
  enrolment: {
    paths: ['hubspot', 'signup'],
    brand: { headline: 'Acme friends', primaryColor: '#0a7cff', logoUrl: 'https://cdn.acme.example/logo.svg' },
  },
  rewards: {
    referrer: { kind: 'credit', amount: 5000, currency: 'EUR' },
    friend: { kind: 'discount', amount: 2000, currency: 'EUR' },
    tiers: [{ atQualified: 5, bonus: { amount: 2500 } }],
  },
  pages: { showReferrerName: true, termsUrl: 'https://acme.example/terms' },
};

let people = 0;

/**
 * A browser context in the visitor's language. The brand logo lives on the team's https host, which
 * this machine does not reach: its request is refused at once instead of holding up each page's load.
 */
async function visitor(h: Harness, browser: Browser, locale: string, opts: { bypassCSP?: boolean; javaScriptEnabled?: boolean } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ locale, ...opts });
  await context.route((url) => url.protocol === 'https:', (route) => route.abort());
  return context;
}

/** Signs up on the join page as the page's labels (in its language) ask, and returns the share page's link. */
async function signUp(page: Page, h: Harness, labels: { first: string; email: string; submit: string }, firstName = 'Rosa'): Promise<string> {
  people++;
  await page.goto(`${h.url}/join/spring`);
  await page.getByLabel(labels.first, { exact: true }).fill(firstName);
  await page.getByLabel(labels.email, { exact: true }).fill(`referrer${people}@example.com`);
  await page.getByRole('checkbox').check();
  await page.getByRole('button', { name: labels.submit }).click();
  await page.locator('#referral-link').waitFor();
  return page.locator('#referral-link').inputValue();
}

/** The QR code as the browser draws it, read back by an independent decoder. */
async function scanQrCode(page: Page, context: BrowserContext): Promise<string | undefined> {
  const size = 200;
  const svg = await page.locator('figure.qr svg').evaluate((el) => el.outerHTML);
  const canvasPage = await context.newPage();
  await canvasPage.setContent(`<canvas width="${size}" height="${size}"></canvas>`);
  // One channel, base64: a black-and-white code loses nothing, and the page hands back 40 KB, not a 160,000-number array.
  const red = await canvasPage.evaluate(async ({ markup, size }) => {
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
    await image.decode();
    const ctx = document.querySelector('canvas')!.getContext('2d')!;
    ctx.drawImage(image, 0, 0, size, size);
    const rgba = ctx.getImageData(0, 0, size, size).data;
    let bytes = '';
    for (let i = 0; i < rgba.length; i += 4) bytes += String.fromCharCode(rgba[i]!);
    return btoa(bytes);
  }, { markup: svg, size });
  await canvasPage.close();
  const grey = Buffer.from(red, 'base64');
  const pixels = new Uint8ClampedArray(size * size * 4);
  grey.forEach((value, i) => pixels.set([value, value, value, 255], i * 4));
  return jsQR(pixels, size, size)?.data;
}

/** The programs, with the owner they name (the portal's first): friends of referrers without one are routed to them. */
async function createPrograms(h: Harness, ...programs: Partial<ProgramInput>[]) {
  if (h.sandbox.portal.owners.list().length === 0) h.sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
  for (const program of programs) await createProgram(h, program);
}

/** Every page in every language from one browser is more than a person's per-minute allowance: the suite lifts it. */
const LIMITS = { pageViews: 1000, submissions: 1000 };

describeInBrowser('public pages in Chromium: the offer, sharing, languages, accessibility', () => {
  const suite = {} as { h: Harness; browser: Browser };
  beforeAll(async () => {
    suite.h = await startHarness({
      features: (gateway) => [createSignupFeature({ gateway: () => gateway, limits: LIMITS }), createCaptureFeature({ gateway: () => gateway, limits: LIMITS })],
    });
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.h?.close();
  });

  it('sign-up leads to a share page with every share link and a QR code; the link shows the friend who sent it and what they get', async () => {
    const { h, browser } = suite;
    await createPrograms(h, PROGRAM);
    const referrer = await visitor(h, browser, 'en-US');
    const page = await referrer.newPage();
    const link = await signUp(page, h, { first: 'First name', email: 'Email address (required)', submit: 'Get my referral link' });

    expect(await page.locator('h1').textContent()).toBe('Your referral link is ready');
    expect(await page.getByRole('listitem').filter({ hasText: 'You get €50 in credit for every successful referral.' }).count()).toBe(1);
    expect(await page.getByRole('listitem').filter({ hasText: 'Your friend gets €20 off.' }).count()).toBe(1);
    const message = `Get €20 off with my referral link: ${link}`;
    const hrefs = Object.fromEntries(await Promise.all(['Share by email', 'Share by SMS', 'Share on WhatsApp', 'Share on LinkedIn', 'Share on X']
      .map(async (name) => [name, await page.getByRole('link', { name }).getAttribute('href')])));
    expect(hrefs).toEqual({
      'Share by email': `mailto:?subject=Acme%20friends&body=${encodeURIComponent(message)}`,
      'Share by SMS': `sms:?&body=${encodeURIComponent(message)}`,
      'Share on WhatsApp': `https://wa.me/?text=${encodeURIComponent(message)}`,
      'Share on LinkedIn': `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(link)}`,
      'Share on X': `https://x.com/intent/post?text=${encodeURIComponent(message)}`,
    });
    expect(await page.getByRole('img', { name: 'QR code of your referral link' }).count()).toBe(1);
    expect(await scanQrCode(page, referrer)).toBe(link);
    expect(await page.getByRole('link', { name: 'Terms and conditions' }).getAttribute('href')).toBe('https://acme.example/terms');
    await referrer.close();

    const friend = await visitor(h, browser, 'en-GB');
    const landing = await friend.newPage();
    await landing.goto(link);
    expect(await landing.locator('p.offer').textContent()).toBe('Rosa sent you €20 off');
    await landing.getByLabel('Email address').fill('finn.friend@example.com');
    await landing.getByRole('checkbox').check();
    await landing.getByRole('button', { name: 'Send' }).click();
    await landing.getByRole('status').waitFor();
    expect(await landing.locator('h1').textContent()).toBe('Thank you!');
    await friend.close();
  }, 60_000);

  it.each([
    ['de-DE', { first: 'Vorname', email: 'E-Mail-Adresse (Pflichtfeld)', submit: 'Meinen Empfehlungslink erhalten' }, 'Dein Empfehlungslink ist fertig', 'Auf WhatsApp teilen', 'Lotte schenkt dir 20\u00a0€ Rabatt', 'Senden', 'Vielen Dank!'],
    ['fr-FR', { first: 'Prénom', email: 'Adresse e-mail (obligatoire)', submit: 'Recevoir mon lien de parrainage' }, 'Votre lien de parrainage est prêt', 'Partager sur WhatsApp', 'Lotte vous offre 20\u00a0€ de réduction', 'Envoyer', 'Merci\u00a0!'],
  ])('the same walk in %s, chosen by the browser\'s Accept-Language', async (locale, labels, shareHeading, whatsapp, offer, send, thanks) => {
    const { h, browser } = suite;
    await createPrograms(h, PROGRAM);
    const referrer = await visitor(h, browser, locale);
    const page = await referrer.newPage();
    const link = await signUp(page, h, labels, 'Lotte');
    expect(await page.locator('h1').textContent()).toBe(shareHeading);
    expect(await page.getByRole('link', { name: whatsapp }).getAttribute('href')).toContain(encodeURIComponent(link));
    expect(await scanQrCode(page, referrer)).toBe(link);
    await referrer.close();

    const friend = await visitor(h, browser, locale);
    const landing = await friend.newPage();
    await landing.goto(link);
    expect(await landing.locator('html').getAttribute('lang')).toBe(locale.slice(0, 2));
    expect(await landing.locator('p.offer').textContent()).toBe(offer);
    await landing.getByLabel(labels.email).fill(`friend-of-lotte-${locale}@example.com`);
    await landing.getByRole('checkbox').check();
    await landing.getByRole('button', { name: send }).click();
    await landing.getByRole('status').waitFor();
    expect(await landing.locator('h1').textContent()).toBe(thanks);
    await friend.close();
  }, 60_000);

  it('everything but the copy button works with JavaScript off', async () => {
    const { h, browser } = suite;
    await createPrograms(h, PROGRAM);
    const context = await visitor(h, browser, 'nl-NL', { javaScriptEnabled: false });
    const page = await context.newPage();
    const link = await signUp(page, h, { first: 'Voornaam', email: 'E-mailadres (verplicht)', submit: 'Mijn aanbevelingslink ontvangen' }, 'Noor');
    expect(link).toMatch(/\/r\/[A-Z0-9]{8}$/);
    expect(await page.getByRole('button', { name: 'Link kopiëren' }).isHidden()).toBe(true);
    expect(await page.getByRole('link', { name: 'Delen op WhatsApp' }).getAttribute('href')).toContain(encodeURIComponent(link));
    expect(await page.getByRole('img', { name: 'QR-code van je aanbevelingslink' }).isVisible()).toBe(true);

    await page.goto(link);
    expect(await page.locator('p.offer').textContent()).toBe('Noor geeft je €\u00a020 korting');
    await page.getByLabel('E-mailadres (verplicht)').fill('javascriptloos@example.com');
    await page.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Versturen' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.locator('h1').textContent()).toBe('Bedankt!');
    await context.close();
  }, 60_000);

  it('axe-core finds no violations on any public page in any shipped language, and every page is under 30 KB', async () => {
    const { h, browser } = suite;
    await createPrograms(h, PROGRAM, { ...PROGRAM, id: 'crm-only', enrolment: { ...PROGRAM.enrolment, paths: ['hubspot'] } }, { ...PROGRAM, id: 'paused', status: 'paused' });
    const problems: string[] = [];
    const sizes: Record<string, number> = {};

    for (const locale of PAGE_LOCALES) {
      // The audit injects axe into each page, which the pages' own policy (rightly) would refuse.
      const context = await visitor(h, browser, locale, { bypassCSP: true });
      const page = await context.newPage();
      // The bytes of the last page the browser loaded, whichever way it got there (a link or a form).
      let lastPage: Promise<number> = Promise.resolve(0);
      page.on('response', (res) => {
        if (res.request().resourceType() === 'document' && (res.status() < 300 || res.status() >= 400)) lastPage = res.body().then((body) => body.length);
      });
      const audit = async (name: string) => {
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        sizes[`${locale} ${name}`] = await lastPage;
        await page.addScriptTag({ content: AXE_SOURCE });
        const violations = await page.evaluate(async () => {
          const result = await (window as unknown as { axe: { run: (ctx: Document) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document);
          return result.violations.map((v) => `${v.id} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        problems.push(...violations.map((v) => `${locale} ${name}: ${v}`));
      };

      const link = await signUp(page, h, await joinLabels(page, h), 'Ana');
      await audit('share page');
      await page.goto(`${h.url}/join/spring`);
      await page.getByRole('button').click();
      await page.getByRole('alert').waitFor();
      await audit('join page with errors');
      await page.goto(`${h.url}/join/spring`);
      await audit('join page');
      await page.locator('#website').evaluate((el) => { (el as HTMLInputElement).value = 'http://spam.example'; });
      await page.getByRole('checkbox').check();
      await page.locator('#email').fill('bot@example.com');
      await page.getByRole('button').click();
      await page.getByRole('status').waitFor();
      await audit('sign-up received (bot trap)');

      await page.goto(link);
      await audit('landing page');
      await page.locator('#email').fill('not an email');
      await page.getByRole('button').click();
      await page.getByRole('alert').waitFor();
      await audit('landing page with an error');
      await page.locator('#email').fill(`friend-${locale}@example.com`);
      await page.getByRole('checkbox').check();
      await page.getByRole('button').click();
      await page.getByRole('status').waitFor();
      await audit('thank-you page');

      for (const [path, name] of [
        ['/refer', 'inactive link'], ['/refer/paused', 'closed program'], ['/refer/spring?lang=%3Cx%3E', 'bad language'],
        ['/join/crm-only', 'sign-up closed'], ['/join/nope', 'unknown sign-up page'],
      ] as const) {
        await page.goto(`${h.url}${path}`);
        await audit(name);
      }
      await context.close();
    }

    expect(problems).toEqual([]);
    expect(Object.keys(sizes)).toHaveLength(PAGE_LOCALES.length * 12);
    expect(Object.entries(sizes).filter(([, bytes]) => bytes >= MAX_PAGE_BYTES)).toEqual([]);
  }, 240_000);
});

/** The join page's own labels, whatever its language: found by the fields they label. */
async function joinLabels(page: Page, h: Harness): Promise<{ first: string; email: string; submit: string }> {
  await page.goto(`${h.url}/join/spring`);
  const text = async (selector: string) => (await page.locator(selector).textContent())!.trim();
  return { first: await text('label[for=firstname]'), email: await text('label[for=email]'), submit: await text('button[type=submit]') };
}

export type { PageLocale };
