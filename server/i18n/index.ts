/** The public pages' languages: negotiation (`negotiate.ts`), catalogues and a translator per locale. */
export { CATALOGUES, FALLBACK_LOCALE, missingKeys, unknownKeys, type MessageKey } from './catalogues';
export { acceptedLanguages, negotiateLocale, type LanguageChoice } from './negotiate';
export { translator, type MessageValues, type Translator } from './translator';
