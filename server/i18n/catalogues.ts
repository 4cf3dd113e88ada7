import { PAGE_LOCALES, type PageLocale } from '../../src/app/packages/domain/program';
import de from './messages/de.json';
import en from './messages/en.json';
import es from './messages/es.json';
import fr from './messages/fr.json';
import nl from './messages/nl.json';
import pt from './messages/pt.json';

/** English is the reference catalogue: every key exists there, and a key missing elsewhere falls back to it. */
export type MessageKey = keyof typeof en;
export type Catalogue = Partial<Record<MessageKey, string>>;

export const FALLBACK_LOCALE: PageLocale = 'en';

export const CATALOGUES: Readonly<Record<PageLocale, Catalogue>> = { en, de, fr, es, nl, pt };

/** Keys of the English catalogue that `locale` does not translate (shown in English there). */
export function missingKeys(locale: PageLocale): MessageKey[] {
  const catalogue = CATALOGUES[locale];
  return (Object.keys(en) as MessageKey[]).filter((key) => typeof catalogue[key] !== 'string');
}

/** Keys a catalogue has that English lacks: never shown, so most likely a misspelt key. */
export function unknownKeys(locale: PageLocale): string[] {
  return Object.keys(CATALOGUES[locale]).filter((key) => !(key in en));
}

export { PAGE_LOCALES };
