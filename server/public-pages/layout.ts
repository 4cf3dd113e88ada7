import type { PageLocale } from '../../src/app/packages/domain/program';
import type { Translator } from '../i18n';
import { contrastText } from './colour';

/**
 * The public pages' shell: server-rendered HTML that works without scripts, loads fast on phones
 * and leaves nothing to inject into. Every value is escaped.
 */
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);

/** Inline styles only, hence the CSP allows nothing else; images only over https (the brand logo). */
export const PAGE_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src https:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export interface Brand {
  primaryColor: string;
  logoUrl?: string | undefined;
}

/** For pages that belong to no program (an unknown program or code). */
export const DEFAULT_BRAND: Brand = { primaryColor: '#ff7a59' };

/** Links to the page in the program's other languages; only on pages a link can reach again (GET). */
export interface LanguageLinks {
  available: readonly PageLocale[];
  href: (locale: PageLocale) => string;
}

export interface PageShell {
  t: Translator;
  title: string;
  body: string;
  brand?: Brand;
  /** Page-specific styles or scripts. */
  head?: string;
  termsUrl?: string | undefined;
  languages?: LanguageLinks | undefined;
}

/** Each language named in itself ("Deutsch", "français"), so a visitor finds theirs whatever the page's language. */
function languageName(locale: PageLocale): string {
  return new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
}

function languageNav({ t, languages }: PageShell): string {
  if (!languages || languages.available.length < 2) return '';
  const items = languages.available.map((locale) => (locale === t.locale
    ? `<li><span aria-current="true" lang="${locale}">${escapeHtml(languageName(locale))}</span></li>`
    : `<li><a href="${escapeHtml(languages.href(locale))}" hreflang="${locale}" lang="${locale}">${escapeHtml(languageName(locale))}</a></li>`));
  return `<nav aria-label="${escapeHtml(t.t('page.language'))}"><ul class="langs">${items.join('')}</ul></nav>`;
}

export function layout(shell: PageShell): string {
  const { t, title, body, brand = DEFAULT_BRAND, head = '', termsUrl } = shell;
  const color = escapeHtml(brand.primaryColor);
  const onColor = contrastText(brand.primaryColor);
  return `<!doctype html>
<html lang="${t.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; background: #f5f8fa; color: #33475b; line-height: 1.45; }
  main { max-width: 30rem; margin: 0 auto; padding: 1.5rem 1.25rem; }
  .card { background: #fff; border-radius: 8px; border-top: 6px solid ${color}; padding: 1.5rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
  h1 { font-size: 1.5rem; margin: 0 0 .75rem; }
  h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
  a { color: #1f5b99; }
  img.logo { max-height: 48px; max-width: 100%; margin-bottom: 1rem; }
  .offer { font-size: 1.15rem; font-weight: 600; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input[type=text], input[type=email] { width: 100%; box-sizing: border-box; padding: .65rem; font-size: 1rem; border: 1px solid #7c98b6; border-radius: 4px; }
  input:focus, a:focus, button:focus { outline: 3px solid ${color}; outline-offset: 2px; }
  .consent { display: flex; gap: .5rem; align-items: flex-start; font-weight: normal; }
  .consent input { margin-top: .25rem; }
  button { margin-top: 1.25rem; width: 100%; padding: .8rem; font-size: 1rem; font-weight: 600; color: ${onColor}; background: ${color}; border: 0; border-radius: 4px; cursor: pointer; }
  .error { background: #fde8e9; border: 1px solid #c0392b; padding: .75rem; border-radius: 4px; margin-bottom: 1rem; }
  .trap { position: absolute; left: -10000px; width: 1px; height: 1px; overflow: hidden; }
  footer, nav { max-width: 30rem; margin: 0 auto; padding: 0 1.25rem 1.5rem; font-size: .9rem; }
  nav { padding: 1rem 1.25rem 0; }
  .langs { list-style: none; display: flex; flex-wrap: wrap; gap: .75rem; margin: 0; padding: 0; }
</style>
${head}
</head>
<body>
${languageNav(shell)}
<main>
<div class="card">
${brand.logoUrl ? `<img class="logo" src="${escapeHtml(brand.logoUrl)}" alt="">` : ''}
${body}
</div>
</main>
${termsUrl ? `<footer><a href="${escapeHtml(termsUrl)}">${escapeHtml(t.t('page.terms'))}</a></footer>` : ''}
</body>
</html>`;
}
