import { acceptedLanguages, negotiateLocale } from '../../../server/i18n';

describe('negotiateLocale', () => {
  const all = ['en', 'de', 'fr', 'es', 'nl', 'pt'] as const;

  it('takes the most preferred language the program offers, by primary subtag', () => {
    expect(negotiateLocale(all, 'de-CH,de;q=0.9,en;q=0.8')).toEqual({ ok: true, locale: 'de' });
    expect(negotiateLocale(all, 'ja,fr-CA;q=0.7,en;q=0.5')).toEqual({ ok: true, locale: 'fr' });
    expect(negotiateLocale(all, 'en;q=0.2, pt-BR')).toEqual({ ok: true, locale: 'pt' });
    expect(negotiateLocale(['en', 'nl'], 'de,fr')).toEqual({ ok: true, locale: 'en' });
  });

  it("falls back to the program's first language when nothing matches, and never offers a language it does not have", () => {
    expect(negotiateLocale(['de', 'en'], 'ja')).toEqual({ ok: true, locale: 'de' });
    expect(negotiateLocale(['de', 'en'], undefined)).toEqual({ ok: true, locale: 'de' });
    expect(negotiateLocale(['de', 'en'], '*')).toEqual({ ok: true, locale: 'de' });
    expect(negotiateLocale(['en'], 'fr')).toEqual({ ok: true, locale: 'en' });
  });

  it('ignores refused (q=0) and malformed ranges', () => {
    expect(negotiateLocale(all, 'de;q=0, fr;q=0.1')).toEqual({ ok: true, locale: 'fr' });
    expect(negotiateLocale(['en', 'de'], '<script>, de;q=2, de;q=abc, de')).toEqual({ ok: true, locale: 'de' });
    expect(acceptedLanguages('x'.repeat(5000))).toEqual([]);
    expect(acceptedLanguages(Array.from({ length: 50 }, (_, i) => `de;q=0.${i % 10}`).join(','))).toHaveLength(18);
  });

  it('lets ?lang= choose among the offered languages, and refuses one that is no language code', () => {
    expect(negotiateLocale(all, 'de', 'fr')).toEqual({ ok: true, locale: 'fr' });
    expect(negotiateLocale(all, 'de', 'pt-BR')).toEqual({ ok: true, locale: 'pt' });
    expect(negotiateLocale(['en', 'de'], 'de', 'ja')).toEqual({ ok: true, locale: 'de' });
    for (const bad of ['<b>', 'de_DE', 'x'.repeat(36), ['de', 'fr'], '']) {
      expect(negotiateLocale(all, 'de', bad)).toEqual({ ok: false, problem: 'lang must be a language code such as de or fr' });
    }
  });
});
