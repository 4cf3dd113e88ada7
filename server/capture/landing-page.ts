import type { Program } from '../../src/app/packages/domain/program';
import type { Translator } from '../i18n';
import { escapeHtml, layout, type LanguageLinks } from '../public-pages/layout';
import { friendReward } from '../public-pages/offer';
import { programWords } from '../public-pages/program-words';

export { escapeHtml, PAGE_SECURITY_POLICY } from '../public-pages/layout';

/** The friend's pages: the landing page with its form, the thank-you page and the pages for dead links. */

export interface FormValues {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

export interface LandingPageInput {
  program: Program;
  t: Translator;
  /** The referral code from the cookie or the link, when it belongs to this program. */
  code: string | undefined;
  /** The referrer's first name, only for a program that shows it (referrer-name.ts). */
  referrerName?: string | undefined;
  /** A problem with a submission, already in the page's language. */
  error?: string | undefined;
  values?: FormValues;
  languages?: LanguageLinks | undefined;
}

/**
 * What the friend reads first: who sent them and what they get ("Rita sent you $20 off"). The name
 * appears only when the program shows it and the code is a live one of this program.
 */
function invitation(t: Translator, program: Program, code: string | undefined, name: string | undefined): string {
  const reward = friendReward(t, program);
  if (!code) return reward ? t.t('landing.offerInvited', { reward }) : '';
  const shown = program.pages.showReferrerName ? name : undefined;
  if (reward) return shown ? t.t('landing.offerFrom', { name: shown, reward }) : t.t('landing.offerFromFriend', { reward });
  return shown ? t.t('landing.invitedBy', { name: shown }) : t.t('landing.invited');
}

export function landingPage({ program, t, code, referrerName, error, values = {}, languages }: LandingPageInput): string {
  const words = programWords(program, t);
  const v = (s: string | undefined) => escapeHtml(s ?? '');
  const offer = invitation(t, program, code, referrerName);
  const body = `
<h1>${escapeHtml(words.headline)}</h1>
${offer ? `<p class="offer">${escapeHtml(offer)}</p>` : ''}
${words.description ? `<p>${escapeHtml(words.description)}</p>` : ''}
${code ? `<p>${escapeHtml(t.t('landing.leaveDetails'))}</p>` : ''}
${error ? `<div class="error" role="alert" id="form-error">${escapeHtml(error)}</div>` : ''}
<form method="post" action="/api/referrals" novalidate${error ? ' aria-describedby="form-error"' : ''}>
  <input type="hidden" name="programId" value="${escapeHtml(program.id)}">
  <input type="hidden" name="code" value="${v(code)}">
  <input type="hidden" name="lang" value="${t.locale}">
  <label for="firstname">${escapeHtml(t.t('form.firstName'))}</label>
  <input type="text" id="firstname" name="firstname" autocomplete="given-name" maxlength="100" value="${v(values.firstName)}">
  <label for="lastname">${escapeHtml(t.t('form.lastName'))}</label>
  <input type="text" id="lastname" name="lastname" autocomplete="family-name" maxlength="100" value="${v(values.lastName)}">
  <label for="email">${escapeHtml(t.t('form.email'))}</label>
  <input type="email" id="email" name="email" autocomplete="email" required maxlength="254" value="${v(values.email)}">
  <div class="trap" aria-hidden="true">
    <label for="website">${escapeHtml(t.t('form.trap'))}</label>
    <input type="text" id="website" name="website" tabindex="-1" autocomplete="off">
  </div>
  <label class="consent" for="consent"><input type="checkbox" id="consent" name="consent" value="on" required> <span>${escapeHtml(words.consentText)}</span></label>
  <button type="submit">${escapeHtml(t.t('landing.submit'))}</button>
</form>`;
  return layout({ t, title: words.headline, brand: program.enrolment.brand, body, termsUrl: program.pages.termsUrl, languages });
}

export function thankYouPage(program: Program, t: Translator): string {
  return layout({
    t, title: t.t('thanks.title'), brand: program.enrolment.brand, termsUrl: program.pages.termsUrl, body: `
<h1>${escapeHtml(t.t('thanks.heading'))}</h1>
<p role="status">${escapeHtml(t.t('thanks.body'))}</p>`,
  });
}

/** Where unknown or closed codes land: a page, not an error, and no attribution. */
export function genericPage(t: Translator): string {
  return layout({
    t, title: t.t('inactive.title'), body: `
<h1>${escapeHtml(t.t('inactive.heading'))}</h1>
<p>${escapeHtml(t.t('inactive.body'))}</p>`,
  });
}

export function closedProgramPage(program: Program, t: Translator): string {
  const { headline } = programWords(program, t);
  return layout({
    t, title: headline, brand: program.enrolment.brand, termsUrl: program.pages.termsUrl, body: `
<h1>${escapeHtml(headline)}</h1>
<p>${escapeHtml(t.t('closed.body'))}</p>`,
  });
}

/** A `?lang=` that is no language code: the link is broken, and the page says how to mend it. */
export function badLanguagePage(t: Translator): string {
  return layout({
    t, title: t.t('badLang.title'), body: `
<h1>${escapeHtml(t.t('badLang.title'))}</h1>
<p>${escapeHtml(t.t('badLang.body'))}</p>`,
  });
}
