import type { Program } from '../../src/app/packages/domain/program';
import { DEFAULT_BRAND, escapeHtml, layout } from '../capture/landing-page';
import type { FieldIssue } from '../errors';
import { SHARE_SCRIPT } from './share-script';
import type { SignupFormValues } from './signup-input';
import type { SignupResult } from './sign-up';

/**
 * The sign-up pages, server-rendered in the friend's page layout. Errors follow the usual accessible
 * pattern: a summary announced on load that links to each field, the message beside its field
 * (`aria-describedby`, `aria-invalid`) and focus on the first field to fix.
 */
const STYLES = `<style>
  .field-error { color: #c0392b; font-weight: 600; margin: .25rem 0; }
  input[aria-invalid=true] { border: 2px solid #c0392b; }
  .error ul { margin: .5rem 0 0; padding-left: 1.25rem; }
  .error a { color: #33475b; }
  .code { font-size: 1.25rem; letter-spacing: .05em; }
  .actions button, .actions a.button { display: block; box-sizing: border-box; text-align: center; }
  .actions a.button { margin-top: 1.25rem; padding: .8rem; border: 2px solid currentColor; border-radius: 4px; color: #33475b; font-weight: 600; text-decoration: none; }
  button[hidden] { display: none; }
</style>`;

export interface JoinPageInput {
  program: Program;
  values?: SignupFormValues;
  /** Field problems from a rejected submission. */
  issues?: FieldIssue[];
  /** A problem that belongs to no field (e.g. HubSpot could not be reached). */
  error?: string | undefined;
}

interface FieldSpec {
  id: 'firstname' | 'lastname' | 'email';
  label: string;
  type: 'text' | 'email';
  autocomplete: string;
  maxlength: number;
  value: string | undefined;
}

export function joinPage({ program, values = {}, issues = [], error }: JoinPageInput): string {
  const { brand, consentText } = program.enrolment;
  const messageFor = (path: string) => issues.find((i) => i.path === path)?.message;
  const firstInvalid = issues.find((i) => ['firstname', 'lastname', 'email', 'consent'].includes(i.path))?.path;
  const field = (spec: FieldSpec) => {
    const message = messageFor(spec.id);
    return `
  <label for="${spec.id}">${spec.label}</label>
  ${message ? `<p class="field-error" id="${spec.id}-error">${escapeHtml(message)}</p>` : ''}
  <input type="${spec.type}" id="${spec.id}" name="${spec.id}" autocomplete="${spec.autocomplete}" maxlength="${spec.maxlength}"${spec.id === 'email' ? ' required' : ''} value="${escapeHtml(spec.value ?? '')}"${invalid(spec.id, message, firstInvalid)}>`;
  };
  const consentError = messageFor('consent');
  const body = `
<h1>${escapeHtml(brand.headline)}</h1>
${brand.description ? `<p>${escapeHtml(brand.description)}</p>` : ''}
<p>Sign up to get your personal referral link to share with friends.</p>
${errorSummary(issues, error)}
<form method="post" action="/api/signups" novalidate>
  <input type="hidden" name="programId" value="${escapeHtml(program.id)}">
  ${field({ id: 'firstname', label: 'First name', type: 'text', autocomplete: 'given-name', maxlength: 100, value: values.firstName })}
  ${field({ id: 'lastname', label: 'Last name', type: 'text', autocomplete: 'family-name', maxlength: 100, value: values.lastName })}
  ${field({ id: 'email', label: 'Email address (required)', type: 'email', autocomplete: 'email', maxlength: 254, value: values.email })}
  <div class="trap" aria-hidden="true">
    <label for="website">Leave this field empty</label>
    <input type="text" id="website" name="website" tabindex="-1" autocomplete="off">
  </div>
  ${consentError ? `<p class="field-error" id="consent-error">${escapeHtml(consentError)}</p>` : ''}
  <label class="consent" for="consent"><input type="checkbox" id="consent" name="consent" value="on" required${invalid('consent', consentError, firstInvalid)}> <span>${escapeHtml(consentText)}</span></label>
  <button type="submit">Get my referral link</button>
</form>`;
  return layout(brand.headline, brand, body, STYLES);
}

function invalid(id: string, message: string | undefined, firstInvalid: string | undefined): string {
  if (!message) return '';
  return ` aria-invalid="true" aria-describedby="${id}-error"${id === firstInvalid ? ' autofocus' : ''}`;
}

// eslint-disable-next-line no-restricted-syntax -- a constant: never changed after load
const FIELD_IDS = new Set(['firstname', 'lastname', 'email', 'consent']);

function errorSummary(issues: FieldIssue[], error: string | undefined): string {
  if (issues.length === 0 && !error) return '';
  const items = issues.map((i) => (FIELD_IDS.has(i.path)
    ? `<li><a href="#${i.path}">${escapeHtml(i.message)}</a></li>`
    : `<li>${escapeHtml(i.message)}</li>`));
  if (error) items.push(`<li>${escapeHtml(error)}</li>`);
  return `<div class="error" role="alert"><strong>Please check the form</strong><ul>${items.join('')}</ul></div>`;
}

/**
 * The referrer's link, with copy and share (the script: `share-script.ts`). The same page for a first
 * and a repeated sign-up: it must not tell whoever typed an address that its owner had signed up.
 */
export function signedUpPage({ program, enrolment, dashboardUrl }: SignupResult & { dashboardUrl?: string | undefined }): string {
  const { brand } = program.enrolment;
  const shareText = `${brand.headline}: ${enrolment.link}`;
  const mailto = `mailto:?subject=${encodeURIComponent(brand.headline)}&body=${encodeURIComponent(shareText)}`;
  const body = `
<h1>Your referral link is ready</h1>
<p>Share it with friends: when they use it, we know they came from you.</p>
<label for="referral-link">Your referral link</label>
<input type="text" id="referral-link" value="${escapeHtml(enrolment.link)}" readonly>
<p>Your code: <strong class="code">${escapeHtml(enrolment.code)}</strong></p>
<div class="actions">
  <button type="button" id="copy-link" hidden>Copy link</button>
  <button type="button" id="share-link" hidden data-title="${escapeHtml(brand.headline)}" data-text="${escapeHtml(brand.headline)}">Share…</button>
  <a class="button" href="${escapeHtml(mailto)}">Share by email</a>
</div>
<p id="share-status" role="status" aria-live="polite"></p>
${dashboardUrl ? `<p><a href="${escapeHtml(dashboardUrl)}">See your referrals and rewards</a> on your personal dashboard.</p>` : ''}
<script>${SHARE_SCRIPT}</script>`;
  return layout('Your referral link', brand, body, STYLES);
}

/** What a bot that filled the trap sees: no link, nothing stored, nothing to learn. */
export function signupReceivedPage(program: Program): string {
  return layout('Thank you', program.enrolment.brand, `
<h1>Thank you!</h1>
<p role="status">We have your sign-up.</p>`);
}

/** A program that exists but takes no sign-ups (not a sign-up program, or not active). */
export function signupClosedPage(program: Program, message: string): string {
  const { brand } = program.enrolment;
  return layout(brand.headline, brand, `
<h1>${escapeHtml(brand.headline)}</h1>
<p>${escapeHtml(message)}.</p>`);
}

export function unknownProgramPage(): string {
  return layout('Page not found', DEFAULT_BRAND, `
<h1>This sign-up page does not exist</h1>
<p>The address may be mistyped, or the program may have ended. Check the link you were given.</p>`);
}
