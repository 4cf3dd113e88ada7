import type { Program } from '../../src/app/packages/domain/program';
import type { FieldIssue } from '../errors';
import type { Translator } from '../i18n';
import { issueMessage } from '../public-pages/form-errors';
import { escapeHtml, layout, type LanguageLinks } from '../public-pages/layout';
import { offerSentences } from '../public-pages/offer';
import { programWords } from '../public-pages/program-words';
import { SHARE_STYLES, shareBlock, shareMessage } from '../public-pages/share';
import type { SignupFormValues } from './signup-input';
import type { SignupResult } from './sign-up';

/**
 * The sign-up pages, server-rendered in the friend's page layout. Errors follow the usual accessible
 * pattern: a summary announced on load that links to each field, the message beside its field
 * (`aria-describedby`, `aria-invalid`) and focus on the first field to fix.
 */
const STYLES = `<style>
  .field-error { color: #b03a2e; font-weight: 600; margin: .25rem 0; }
  input[aria-invalid=true] { border: 2px solid #b03a2e; }
  .error ul { margin: .5rem 0 0; padding-left: 1.25rem; }
  .error a { color: #33475b; }
  .offer-list { padding-left: 1.25rem; }
</style>`;

export interface JoinPageInput {
  program: Program;
  t: Translator;
  values?: SignupFormValues;
  /** Field problems from a rejected submission. */
  issues?: FieldIssue[];
  /** A problem that belongs to no field (e.g. HubSpot could not be reached), in the page's language. */
  error?: string | undefined;
  languages?: LanguageLinks | undefined;
}

interface FieldSpec {
  id: 'firstname' | 'lastname' | 'email';
  label: string;
  type: 'text' | 'email';
  autocomplete: string;
  maxlength: number;
  value: string | undefined;
}

/** Both sides of the offer, tiers included: what a referrer signs up for. */
function offerList(t: Translator, program: Program): string {
  const items = offerSentences(t, program).map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return `<h2>${escapeHtml(t.t('offer.heading'))}</h2><ul class="offer-list">${items}</ul>`;
}

export function joinPage({ program, t, values = {}, issues = [], error, languages }: JoinPageInput): string {
  const words = programWords(program, t);
  const messageFor = (path: string) => {
    const issue = issues.find((i) => i.path === path);
    return issue ? issueMessage(t, 'join', issue, values.email) : undefined;
  };
  const firstInvalid = issues.find((i) => FIELD_IDS.has(i.path))?.path;
  const field = (spec: FieldSpec) => {
    const message = messageFor(spec.id);
    return `
  <label for="${spec.id}">${escapeHtml(spec.label)}</label>
  ${message ? `<p class="field-error" id="${spec.id}-error">${escapeHtml(message)}</p>` : ''}
  <input type="${spec.type}" id="${spec.id}" name="${spec.id}" autocomplete="${spec.autocomplete}" maxlength="${spec.maxlength}"${spec.id === 'email' ? ' required' : ''} value="${escapeHtml(spec.value ?? '')}"${invalid(spec.id, message, firstInvalid)}>`;
  };
  const consentError = messageFor('consent');
  const summary = issues.filter((i) => FIELD_IDS.has(i.path)).map((i) => ({ path: i.path, message: messageFor(i.path)! }));
  const body = `
<h1>${escapeHtml(words.headline)}</h1>
${words.description ? `<p>${escapeHtml(words.description)}</p>` : ''}
<p>${escapeHtml(t.t('join.intro'))}</p>
${offerList(t, program)}
${errorSummary(t, summary, error ?? (issues.some((i) => !FIELD_IDS.has(i.path)) ? t.t('form.invalid') : undefined))}
<form method="post" action="/api/signups" novalidate>
  <input type="hidden" name="programId" value="${escapeHtml(program.id)}">
  <input type="hidden" name="lang" value="${t.locale}">
  ${field({ id: 'firstname', label: t.t('form.firstName'), type: 'text', autocomplete: 'given-name', maxlength: 100, value: values.firstName })}
  ${field({ id: 'lastname', label: t.t('form.lastName'), type: 'text', autocomplete: 'family-name', maxlength: 100, value: values.lastName })}
  ${field({ id: 'email', label: t.t('form.email'), type: 'email', autocomplete: 'email', maxlength: 254, value: values.email })}
  <div class="trap" aria-hidden="true">
    <label for="website">${escapeHtml(t.t('form.trap'))}</label>
    <input type="text" id="website" name="website" tabindex="-1" autocomplete="off">
  </div>
  ${consentError ? `<p class="field-error" id="consent-error">${escapeHtml(consentError)}</p>` : ''}
  <label class="consent" for="consent"><input type="checkbox" id="consent" name="consent" value="on" required${invalid('consent', consentError, firstInvalid)}> <span>${escapeHtml(words.consentText)}</span></label>
  <button type="submit">${escapeHtml(t.t('join.submit'))}</button>
</form>`;
  return layout({ t, title: words.headline, brand: program.enrolment.brand, body, head: STYLES, termsUrl: program.pages.termsUrl, languages });
}

function invalid(id: string, message: string | undefined, firstInvalid: string | undefined): string {
  if (!message) return '';
  return ` aria-invalid="true" aria-describedby="${id}-error"${id === firstInvalid ? ' autofocus' : ''}`;
}

// eslint-disable-next-line no-restricted-syntax -- a constant: never changed after load
const FIELD_IDS = new Set(['firstname', 'lastname', 'email', 'consent']);

function errorSummary(t: Translator, issues: FieldIssue[], error: string | undefined): string {
  if (issues.length === 0 && !error) return '';
  const items = issues.map((i) => `<li><a href="#${i.path}">${escapeHtml(i.message)}</a></li>`);
  if (error) items.push(`<li>${escapeHtml(error)}</li>`);
  return `<div class="error" role="alert"><strong>${escapeHtml(t.t('join.errorSummary'))}</strong><ul>${items.join('')}</ul></div>`;
}

export interface SignedUpPageInput extends SignupResult {
  t: Translator;
  /**
   * The referrer's personal dashboard, when there is one: shown as a link under the share block.
   * Whoever builds that address decides who may see it; this page only renders it.
   */
  dashboardUrl?: string | undefined;
}

/**
 * The share page: the referrer's link with copy, share links and QR code (`public-pages/share.ts`;
 * serve it with `SHARE_PAGE_SECURITY_POLICY`), and both sides of the offer. The same page for a
 * first and a repeated sign-up: it must not tell whoever typed an address that its owner had signed up.
 */
export function signedUpPage({ program, enrolment, t, dashboardUrl }: SignedUpPageInput): string {
  const words = programWords(program, t);
  const body = `
<h1>${escapeHtml(t.t('share.heading'))}</h1>
<p>${escapeHtml(t.t('share.intro'))}</p>
${shareBlock({ t, link: enrolment.link, code: enrolment.code, message: shareMessage(t, program, enrolment.link), subject: words.headline })}
${offerList(t, program)}
${dashboardUrl ? `<p><a href="${escapeHtml(dashboardUrl)}">${escapeHtml(t.t('share.dashboard'))}</a></p>` : ''}`;
  return layout({ t, title: t.t('share.title'), brand: program.enrolment.brand, body, head: STYLES + SHARE_STYLES, termsUrl: program.pages.termsUrl });
}

/** What a bot that filled the trap sees: no link, nothing stored, nothing to learn. */
export function signupReceivedPage(program: Program, t: Translator): string {
  return layout({
    t, title: t.t('thanks.title'), brand: program.enrolment.brand, body: `
<h1>${escapeHtml(t.t('thanks.heading'))}</h1>
<p role="status">${escapeHtml(t.t('join.received'))}</p>`,
  });
}

/** A program that exists but takes no sign-ups: not a sign-up program (`not_open`), or not active. */
export function signupClosedPage(program: Program, t: Translator, reason: 'not_open' | 'paused'): string {
  const { headline } = programWords(program, t);
  return layout({
    t, title: headline, brand: program.enrolment.brand, body: `
<h1>${escapeHtml(headline)}</h1>
<p>${escapeHtml(t.t(reason === 'not_open' ? 'join.notOpen' : 'join.paused', { program: program.name }))}</p>`,
  });
}

export function unknownProgramPage(t: Translator): string {
  return layout({
    t, title: t.t('unknownProgram.title'), body: `
<h1>${escapeHtml(t.t('unknownProgram.heading'))}</h1>
<p>${escapeHtml(t.t('unknownProgram.body'))}</p>`,
  });
}
