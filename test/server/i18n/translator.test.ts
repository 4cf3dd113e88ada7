import { CATALOGUES, translator } from '../../../server/i18n';

describe('translator', () => {
  it('writes amounts, percentages and dates as the language does', () => {
    const en = translator('en');
    const de = translator('de');
    const fr = translator('fr');
    expect([en.money(2000, 'USD'), en.money(1250, 'USD'), en.money(500, 'JPY')]).toEqual(['$20', '$12.50', '¥500']);
    expect([de.money(2000, 'EUR'), de.money(1250, 'EUR')]).toEqual(['20\u00a0€', '12,50\u00a0€']);
    expect(fr.money(123456, 'EUR')).toBe('1\u202f234,56\u00a0€');
    expect([en.percent(7.5), de.percent(10)]).toEqual(['7.5%', '10\u00a0%']);
    expect([en.date(Date.UTC(2026, 10, 29)), de.date(Date.UTC(2026, 10, 29))]).toEqual(['November 29, 2026', '29. November 2026']);
  });

  it('chooses plural forms by the language', () => {
    const tier = (locale: 'en' | 'fr', count: number) => translator(locale).t('offer.tier', { bonus: '$5', count });
    expect(tier('en', 1)).toBe('$5 extra once you have 1 successful referral.');
    expect(tier('en', 5)).toBe('$5 extra once you have 5 successful referrals.');
    expect(tier('fr', 5)).toBe('$5 de plus dès 5 parrainages réussis.');
  });

  it('falls back to English for a message a language lacks', () => {
    const withoutCopy = Object.fromEntries(Object.entries(CATALOGUES.de).filter(([key]) => key !== 'share.copy'));
    const de = translator('de', { ...CATALOGUES, de: withoutCopy });
    expect(de.t('share.copy')).toBe('Copy link');
    expect(de.t('share.title')).toBe('Dein Empfehlungslink');
  });
});
