import type { Request, Response } from 'express';
import { PAGE_LOCALES, type PageLocale } from '../../src/app/packages/domain/program';
import { negotiateLocale, translator, type Translator } from '../i18n';
import type { LanguageLinks } from './layout';

export interface PageLanguage {
  t: Translator;
  /** The request's `lang` was no language code: answer with `badLanguagePage` (400). */
  badLang: boolean;
}

/**
 * The language of a public page: `lang` (the address's `?lang=`, or a form's hidden field, so a
 * page shown again after a mistake keeps its language), else Accept-Language, among `available`
 * (the program's languages; every language for pages that belong to no program).
 */
export function pageLanguage(req: Request, available: readonly PageLocale[] = PAGE_LOCALES, lang: unknown = req.query.lang): PageLanguage {
  const choice = negotiateLocale(available, req.get('accept-language'), lang);
  if (choice.ok) return { t: translator(choice.locale), badLang: false };
  const fallback = negotiateLocale(available, req.get('accept-language'));
  return { t: translator(fallback.ok ? fallback.locale : available[0] ?? 'en'), badLang: true };
}

/**
 * The language a `?lang=` asks for, when it is one of `available` (`de-CH` asks for `de`); else
 * undefined. For an address that passes the choice on to another page (a redirect), which has
 * nothing to say about a malformed or unoffered one: the next page negotiates from the browser.
 */
export function requestedLocale(lang: unknown, available: readonly PageLocale[] = PAGE_LOCALES): PageLocale | undefined {
  if (typeof lang !== 'string') return undefined;
  const choice = negotiateLocale(available, undefined, lang);
  return choice.ok && lang.split('-')[0]!.toLowerCase() === choice.locale ? choice.locale : undefined;
}

/** A text field of a submitted form; anything else (absent, repeated, an object) is none. */
export function formField(body: unknown, name: string): string | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** A page answering a form speaks the language the form was shown in (its hidden `lang`). */
export function formLanguage(req: Request, available: readonly PageLocale[]): PageLanguage {
  return pageLanguage(req, available, formField(req.body, 'lang'));
}

/** The page's address in each of the program's languages (`?lang=`, other parameters kept). */
export function languageLinks(req: Request, available: readonly PageLocale[]): LanguageLinks {
  return {
    available,
    href: (locale) => {
      const url = new URL(req.originalUrl, 'http://page.invalid');
      url.searchParams.set('lang', locale);
      return `${url.pathname}${url.search}`;
    },
  };
}

/** Caches and the browser learn that the page's language follows the request. */
export function languageHeaders(res: Response, t: Translator): void {
  res.vary('Accept-Language').setHeader('Content-Language', t.locale);
}
