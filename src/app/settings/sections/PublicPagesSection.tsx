import { useState } from 'react';
import { Flex, Heading, MultiSelect, Select, Text } from '@hubspot/ui-extensions';
import { PAGE_LOCALES } from '@referral-ops/domain/program';
import { getAt, TextAreaField, TextField, ToggleField, type Draft, type Issues } from '../fields';
import type { SectionProps } from './section';

const TRANSLATED = [
  { key: 'headline', label: 'Headline', long: false },
  { key: 'description', label: 'Description', long: true },
  { key: 'consentText', label: 'Consent text', long: true },
  { key: 'shareMessage', label: 'Share message', long: true },
] as const;

const english = new Intl.DisplayNames(['en'], { type: 'language' });

/** "German (Deutsch)": the admin reads the English name, a translator recognises their own. */
export function languageName(locale: string): string {
  const own = new Intl.DisplayNames([locale], { type: 'language' }).of(locale) ?? locale;
  const inEnglish = english.of(locale) ?? locale;
  const capitalised = own.charAt(0).toLocaleUpperCase(locale) + own.slice(1);
  return capitalised === inEnglish ? inEnglish : `${inEnglish} (${capitalised})`;
}

const LANGUAGES = PAGE_LOCALES.map((locale) => ({ label: languageName(locale), value: locale }));
const SHARE_RULE = 'Write {link} exactly once, where the referral link goes; no other braces.';

/** The schema reports a bad language at its position in the list; the list is one field. */
function localesIssue(issues: Issues): string | undefined {
  return issues.locales ?? Object.entries(issues).find(([path]) => path.startsWith('locales.'))?.[1];
}

/**
 * What referrers and friends see on the program's public pages: their languages, the brand, the
 * program's own words and their translations, and whether a friend's page names the referrer.
 */
export function PublicPagesSection({ draft, issues, onChange }: SectionProps) {
  const f = { draft, issues, onChange };
  const stored = getAt(draft, 'locales');
  // A program saved before languages existed is shown as the schema reads it.
  const locales = (Array.isArray(stored) ? stored : ['en']) as string[];
  const translations = (getAt(draft, 'pages.translations') as Record<string, Draft> | undefined) ?? {};
  // Translations of a language taken off the list, restored if it is chosen again while the page is open.
  const [setAside, setSetAside] = useState<Record<string, Draft>>({});

  const chooseLanguages = (picked: string[]) => {
    const next = [...locales.filter((l) => picked.includes(l)), ...picked.filter((l) => !locales.includes(l))];
    onChange('locales', next);
    // The schema refuses translations for a language the program does not offer.
    const removed = locales.filter((l) => !next.includes(l) && translations[l] !== undefined);
    if (removed.length) {
      setSetAside((aside) => ({ ...aside, ...Object.fromEntries(removed.map((l) => [l, translations[l]!])) }));
      for (const l of removed) onChange(`pages.translations.${l}`, undefined);
    }
    for (const l of next.filter((x) => !locales.includes(x) && setAside[x] !== undefined)) onChange(`pages.translations.${l}`, setAside[l]);
  };

  const changeTranslation = (locale: string) => (path: string, value: unknown) => {
    onChange(path, value);
    const key = path.slice(path.lastIndexOf('.') + 1);
    const { [key]: _changed, ...others } = translations[locale] ?? {};
    // A language with no words of its own left is no translation at all.
    if (value === undefined && Object.values(others).every((v) => v === undefined)) onChange(`pages.translations.${locale}`, undefined);
  };

  const [first] = locales;
  const translated = locales.filter((l, i) => i > 0 || translations[l] !== undefined);
  const firstName = first ? languageName(first) : 'the first language';

  return (
    <Flex direction="column" gap="sm">
      <Heading>Public pages</Heading>
      <Text variant="microcopy">The friend&apos;s landing page, the sign-up page and the share page a referrer gets after signing up.</Text>

      <MultiSelect label="Page languages" name="locales" value={locales} options={LANGUAGES}
        description="Each visitor reads the pages in the first of their browser's languages that you offer."
        error={Boolean(localesIssue(issues))} validationMessage={localesIssue(issues)}
        onChange={(picked) => chooseLanguages(picked.map(String))} />
      {locales.length > 1 && (
        <Select label="Language for everyone else" name="locales.0" value={first} options={locales.map((l) => ({ label: languageName(l), value: l }))}
          description="Shown when a visitor's browser asks for none of the page languages."
          onChange={(l) => onChange('locales', [String(l), ...locales.filter((x) => x !== String(l))])} />
      )}

      <ToggleField label="Show the referrer's first name on their friend's page" path="pages.showReferrerName" {...f} />
      <Text variant="microcopy">
        The friend&apos;s page then reads &quot;Rita sent you $20 off&quot;, with the first name from the referrer&apos;s HubSpot contact.
        Anyone holding a referrer&apos;s link sees it, so turn this on only if your referrers expect it, and say so in your terms.
      </Text>
      <TextField label="Terms and conditions link" path="pages.termsUrl" description="A full https:// address, linked at the foot of every program page." {...f} />

      <Text format={{ fontWeight: 'bold' }}>Branding</Text>
      <TextField label="Brand colour" path="enrolment.brand.primaryColor"
        description="A hex colour like #ff7a59, for the page's top edge, buttons and focus outlines. Button text is black or white, whichever reads better on it." {...f} />
      <TextField label="Logo link" path="enrolment.brand.logoUrl" description="A full https:// address of the logo image." {...f} />

      <Text format={{ fontWeight: 'bold' }}>Your words</Text>
      <Text variant="microcopy">
        {`Shown in ${firstName} and in every language without words of its own below. The headline and consent text a program starts with, and an empty share message, are our sentences: visitors read them in their own language.`}
      </Text>
      <TextField label="Headline" path="enrolment.brand.headline" {...f} />
      <TextAreaField label="Description" path="enrolment.brand.description" description="A few sentences under the headline about the offer." {...f} />
      <TextAreaField label="Consent text" path="enrolment.consentText" description="What a friend agrees to by ticking the box on the form." {...f} />
      <TextAreaField label="Share message" path="pages.shareMessage"
        description={`Prefilled in the email, SMS, WhatsApp and X share links. ${SHARE_RULE}`} {...f} />

      {translated.map((locale) => (
        <Flex direction="column" gap="xs" key={locale} testId={`translation-${locale}`}>
          <Text format={{ fontWeight: 'bold' }}>{`In ${languageName(locale)}`}</Text>
          {TRANSLATED.map(({ key, label, long }) => {
            const Field = long ? TextAreaField : TextField;
            return (
              <Field key={key} label={`${label} in ${english.of(locale) ?? locale}`} path={`pages.translations.${locale}.${key}`}
                description={key === 'shareMessage' ? SHARE_RULE : undefined} draft={draft} issues={issues} onChange={changeTranslation(locale)} />
            );
          })}
        </Flex>
      ))}
    </Flex>
  );
}
