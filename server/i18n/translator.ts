import { IntlMessageFormat } from 'intl-messageformat';
import { currencyDecimals } from '../../src/app/packages/domain/money';
import type { PageLocale } from '../../src/app/packages/domain/program';
import { CATALOGUES, FALLBACK_LOCALE, type Catalogue, type MessageKey } from './catalogues';

export type MessageValues = Record<string, string | number>;

/**
 * Words, amounts and dates in one language. Messages are ICU MessageFormat (plurals and selects
 * are the translator's to write, not the code's); everything returned is plain text, for the page
 * to escape.
 */
export interface Translator {
  locale: PageLocale;
  t(key: MessageKey, values?: MessageValues): string;
  /** Minor units as people read them: "$20", "20 €", "$12.50". */
  money(amount: number, currency: string): string;
  /** A percentage given as a number of percent (7.5 → "7.5%", "7,5 %"). */
  percent(value: number): string;
  /** A day, written out in the language: "29 November 2026", "29. November 2026". */
  date(epochMs: number): string;
}

/** Parsed formats per locale and key: parsing is the costly part, and catalogues never change. */
// eslint-disable-next-line no-restricted-syntax -- a memo of the shipped catalogues: bounded by their keys, no request data
const formats = new Map<string, IntlMessageFormat>();

function parse(catalogues: Readonly<Record<PageLocale, Catalogue>>, locale: PageLocale, key: MessageKey): IntlMessageFormat {
  const own = catalogues[locale][key];
  const source = own ?? catalogues[FALLBACK_LOCALE][key];
  if (source === undefined) throw new Error(`No message "${key}" in any catalogue`);
  // A fallback message is formatted by English rules, so its plurals match its words.
  return new IntlMessageFormat(source, own === undefined ? FALLBACK_LOCALE : locale);
}

function format(locale: PageLocale, key: MessageKey): IntlMessageFormat {
  const cacheKey = `${locale}\u0000${key}`;
  let parsed = formats.get(cacheKey);
  if (!parsed) {
    parsed = parse(CATALOGUES, locale, key);
    formats.set(cacheKey, parsed);
  }
  return parsed;
}

/** `catalogues`: other catalogues than the shipped ones (uncached), e.g. to see what a gap looks like. */
export function translator(locale: PageLocale, catalogues?: Readonly<Record<PageLocale, Catalogue>>): Translator {
  const message = catalogues ? (key: MessageKey) => parse(catalogues, locale, key) : (key: MessageKey) => format(locale, key);
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 });
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' });
  return {
    locale,
    t: (key, values) => String(message(key).format(values)),
    money: (amount, currency) => {
      const decimals = currencyDecimals(currency);
      // An offer reads "$20 off", not "$20.00 off"; cents stay when there are any.
      const whole = amount % 10 ** decimals === 0;
      return new Intl.NumberFormat(locale, {
        style: 'currency', currency, minimumFractionDigits: whole ? 0 : decimals, maximumFractionDigits: whole ? 0 : decimals,
      }).format(amount / 10 ** decimals);
    },
    percent: (value) => percent.format(value / 100),
    date: (epochMs) => day.format(epochMs),
  };
}
