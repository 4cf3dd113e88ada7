import type { Program } from '../../src/app/packages/domain/program';

/**
 * The referral landing page and its answers: server-rendered HTML with no scripts, so it works
 * everywhere, loads fast on phones and leaves nothing to inject into. Every value is escaped.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/** Inline styles only, hence the CSP allows nothing else; images only over https (the brand logo). */
export const PAGE_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface Brand {
  headline: string;
  primaryColor: string;
  logoUrl?: string | undefined;
}

/** For pages that belong to no program (an unknown program or code). */
export const DEFAULT_BRAND: Brand = { headline: 'Referral', primaryColor: '#ff7a59' };

/** The public pages' shell (the friend's form, sign-up): `head` adds page-specific styles or scripts. */
export function layout(title: string, brand: Brand, body: string, head = ''): string {
  const color = escapeHtml(brand.primaryColor);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f5f8fa; color: #33475b; }
  main { max-width: 28rem; margin: 0 auto; padding: 2rem 1.25rem; }
  .card { background: #fff; border-radius: 8px; padding: 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
  img.logo { max-height: 48px; margin-bottom: 1rem; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input[type=text], input[type=email] { width: 100%; box-sizing: border-box; padding: .65rem; font-size: 1rem; border: 1px solid #cbd6e2; border-radius: 4px; }
  input:focus { outline: 3px solid ${color}; outline-offset: 1px; }
  .consent { display: flex; gap: .5rem; align-items: flex-start; font-weight: normal; }
  .consent input { margin-top: .25rem; }
  button { margin-top: 1.25rem; width: 100%; padding: .8rem; font-size: 1rem; font-weight: 600; color: #fff; background: ${color}; border: 0; border-radius: 4px; cursor: pointer; }
  .error { background: #fde8e9; border: 1px solid #f2545b; padding: .75rem; border-radius: 4px; margin-bottom: 1rem; }
  .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
</style>
${head}
</head>
<body>
<main>
<div class="card">
${brand.logoUrl ? `<img class="logo" src="${escapeHtml(brand.logoUrl)}" alt="">` : ''}
${body}
</div>
</main>
</body>
</html>`;
}

export interface FormValues {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

export interface LandingPageInput {
  program: Program;
  /** The referral code from the cookie or the link, when it belongs to this program. */
  code: string | undefined;
  error?: string | undefined;
  values?: FormValues;
}

export function landingPage({ program, code, error, values = {} }: LandingPageInput): string {
  const { brand, consentText } = program.enrolment;
  const v = (s: string | undefined) => escapeHtml(s ?? '');
  const body = `
<h1>${escapeHtml(brand.headline)}</h1>
${brand.description ? `<p>${escapeHtml(brand.description)}</p>` : ''}
${code ? '<p>A friend invited you. Leave your details and we will be in touch.</p>' : ''}
${error ? `<div class="error" role="alert" id="form-error">${escapeHtml(error)}</div>` : ''}
<form method="post" action="/api/referrals" novalidate${error ? ' aria-describedby="form-error"' : ''}>
  <input type="hidden" name="programId" value="${escapeHtml(program.id)}">
  <input type="hidden" name="code" value="${v(code)}">
  <label for="firstname">First name</label>
  <input type="text" id="firstname" name="firstname" autocomplete="given-name" maxlength="100" value="${v(values.firstName)}">
  <label for="lastname">Last name</label>
  <input type="text" id="lastname" name="lastname" autocomplete="family-name" maxlength="100" value="${v(values.lastName)}">
  <label for="email">Email address (required)</label>
  <input type="email" id="email" name="email" autocomplete="email" required maxlength="254" value="${v(values.email)}">
  <div class="trap" aria-hidden="true">
    <label for="website">Leave this field empty</label>
    <input type="text" id="website" name="website" tabindex="-1" autocomplete="off">
  </div>
  <label class="consent" for="consent"><input type="checkbox" id="consent" name="consent" value="on" required> <span>${escapeHtml(consentText)}</span></label>
  <button type="submit">Send</button>
</form>`;
  return layout(brand.headline, brand, body);
}

export function thankYouPage(program: Program): string {
  return layout('Thank you', program.enrolment.brand, `
<h1>Thank you!</h1>
<p role="status">We have your details and will be in touch soon.</p>`);
}

/** Where unknown or closed codes land: a page, not an error, and no attribution. */
export function genericPage(): string {
  return layout('Referral link', DEFAULT_BRAND, `
<h1>This referral link is not active</h1>
<p>The link may be mistyped or no longer in use. Ask the person who sent it for a new one.</p>`);
}

export function closedProgramPage(program: Program): string {
  return layout(program.enrolment.brand.headline, program.enrolment.brand, `
<h1>${escapeHtml(program.enrolment.brand.headline)}</h1>
<p>This referral program is not accepting referrals right now.</p>`);
}
