import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { PAGE_LOCALES } from '../../../src/app/packages/domain/program';
import { CATALOGUES, missingKeys, unknownKeys, type MessageKey } from '../../../server/i18n';

/** Every argument a message uses, nested ones included: a translation must use the same ones as English. */
function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.argument || el.type === TYPE.number || el.type === TYPE.date) into.add(el.value);
    if (el.type === TYPE.select || el.type === TYPE.plural) {
      into.add(el.value);
      for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    }
  }
  return into;
}

describe('message catalogues', () => {
  it('lists the keys each shipped locale lacks: none', () => {
    const missing = Object.fromEntries(PAGE_LOCALES.map((locale) => [locale, missingKeys(locale)]));
    expect(missing).toEqual({ en: [], de: [], fr: [], es: [], nl: [], pt: [] });
  });

  it('names a key a catalogue lacks', () => {
    const de = CATALOGUES.de as Record<string, string>;
    const saved = de['share.copy']!;
    delete de['share.copy'];
    try {
      expect(missingKeys('de')).toEqual(['share.copy']);
    } finally {
      de['share.copy'] = saved;
    }
  });

  it('has no key English lacks (a misspelt key would never be shown)', () => {
    expect(PAGE_LOCALES.flatMap((locale) => unknownKeys(locale).map((key) => `${locale}: ${key}`))).toEqual([]);
  });

  it('every translation is valid ICU and uses exactly the arguments of the English message', () => {
    const problems: string[] = [];
    for (const [key, english] of Object.entries(CATALOGUES.en) as [MessageKey, string][]) {
      const expected = [...argumentsOf(parse(english))].sort();
      for (const locale of PAGE_LOCALES) {
        const message = CATALOGUES[locale][key];
        if (message === undefined) continue;
        try {
          const used = [...argumentsOf(parse(message))].sort();
          if (used.join() !== expected.join()) problems.push(`${locale} ${key}: uses {${used.join('}, {')}}, English {${expected.join('}, {')}}`);
        } catch (err) {
          problems.push(`${locale} ${key}: ${(err as Error).message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
