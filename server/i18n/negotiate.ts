import { PAGE_LOCALES, type PageLocale } from '../../src/app/packages/domain/program';

/** A BCP 47 language tag as browsers send them (`de`, `de-CH`, `pt-BR`, `zh-Hant-TW`), or `*`. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
/** Longer than any real tag; a bound on what is parsed at all. */
const MAX_TAG_LENGTH = 35;
/** Browsers send a handful of ranges; a header beyond these limits is cut, not parsed whole. */
const MAX_HEADER_LENGTH = 1000;
const MAX_RANGES = 20;

export type LanguageChoice = { ok: true; locale: PageLocale } | { ok: false; problem: string };

const isPageLocale = (value: string): value is PageLocale => (PAGE_LOCALES as readonly string[]).includes(value);

/** The page language of a tag, by its primary subtag: `de-CH` reads German pages. */
function baseLocale(tag: string): PageLocale | undefined {
  const base = tag.split('-')[0]!.toLowerCase();
  return isPageLocale(base) ? base : undefined;
}

/** The visitor's ranges, most preferred first; malformed ones and `q=0` (refused) are dropped. */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  const ranges = header.slice(0, MAX_HEADER_LENGTH).split(',').slice(0, MAX_RANGES).flatMap((part, index) => {
    const [tag = '', ...params] = part.trim().split(';');
    if (tag !== '*' && (tag.length > MAX_TAG_LENGTH || !LANGUAGE_TAG.test(tag))) return [];
    let q = 1;
    for (const param of params) {
      const match = /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/.exec(param);
      if (!match) return [];
      q = Number(match[1]);
    }
    return q > 0 ? [{ tag, q, index }] : [];
  });
  return ranges.sort((a, b) => b.q - a.q || a.index - b.index).map((r) => r.tag);
}

/**
 * The page language: `?lang=` when it names one of the program's languages, else the first of the
 * visitor's `Accept-Language` ranges the program offers, else the program's first language.
 * A `lang` that is not a language tag at all is refused (a broken link should say so); a real
 * language the program does not offer is not an error, the visitor just gets the next best.
 */
export function negotiateLocale(available: readonly PageLocale[], acceptLanguage: string | undefined, lang?: unknown): LanguageChoice {
  const fallback = available[0] ?? 'en';
  if (lang !== undefined) {
    if (typeof lang !== 'string' || lang.length > MAX_TAG_LENGTH || !LANGUAGE_TAG.test(lang)) {
      return { ok: false, problem: 'lang must be a language code such as de or fr' };
    }
    const chosen = baseLocale(lang);
    if (chosen && available.includes(chosen)) return { ok: true, locale: chosen };
  }
  for (const tag of acceptedLanguages(acceptLanguage)) {
    if (tag === '*') return { ok: true, locale: fallback };
    const locale = baseLocale(tag);
    if (locale && available.includes(locale)) return { ok: true, locale };
  }
  return { ok: true, locale: fallback };
}
