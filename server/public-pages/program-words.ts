import { DEFAULT_CONSENT_TEXT, DEFAULT_HEADLINE, type Program } from '../../src/app/packages/domain/program';
import type { Translator } from '../i18n';

/** What the program says on its pages, in the page's language. */
export interface ProgramWords {
  headline: string;
  description: string;
  consentText: string;
  /** The team's share message with `{link}`; undefined: the catalogue's. */
  shareMessage: string | undefined;
}

/**
 * The team's own words come first (a translation for this language, else what they wrote, shown
 * as written); an untouched default is the service's sentence, so it is shown in the page's language.
 */
export function programWords(program: Program, t: Translator): ProgramWords {
  const { brand, consentText } = program.enrolment;
  const own = program.pages.translations[t.locale] ?? {};
  return {
    headline: own.headline ?? (brand.headline === DEFAULT_HEADLINE ? t.t('page.defaultHeadline') : brand.headline),
    description: own.description ?? brand.description,
    consentText: own.consentText ?? (consentText === DEFAULT_CONSENT_TEXT ? t.t('page.defaultConsent') : consentText),
    shareMessage: own.shareMessage ?? program.pages.shareMessage,
  };
}
