import { DASHBOARD_MESSAGES_EN, dashboardTranslator, formatMessage } from '../../../server/dashboard/messages';

describe('the dashboard message catalogue', () => {
  const t = dashboardTranslator('en');

  it('fills arguments and chooses plural forms the ICU way', () => {
    expect(t('dashboard.link.code', { code: 'ANNA2345' })).toBe('Your code: ANNA2345');
    expect(t('dashboard.progress.tier', { remaining: 1, bonus: '$25.00' })).toBe('1 more qualified friend to your next bonus of $25.00.');
    expect(t('dashboard.progress.tier', { remaining: 1200, bonus: '$25.00' })).toBe('1,200 more qualified friends to your next bonus of $25.00.');
    expect(formatMessage('{n, plural, =0 {none} one {# thing} other {# things}}', { n: 0 }, 'en')).toBe('none');
    expect(formatMessage('{n, plural, one {# Sache} other {# Sachen}}', { n: 1500 }, 'de')).toBe('1.500 Sachen');
  });

  it('every key is in the dashboard namespace and every message formats with its arguments', () => {
    const sample = { code: 'C', headline: 'H', link: 'L', remaining: 2, bonus: 'B', count: 3, cap: 5, amount: 'A' };
    for (const [key, pattern] of Object.entries(DASHBOARD_MESSAGES_EN)) {
      expect(key).toMatch(/^dashboard\.[a-zA-Z]+(\.[a-zA-Z]+)?$/);
      expect(() => formatMessage(pattern, sample, 'en')).not.toThrow();
    }
  });

  it('a missing argument is an error, not a blank in a sentence', () => {
    expect(() => t('dashboard.link.code')).toThrow(/"code" has no value/);
  });

  it('a translated catalogue plugs in through the translator', () => {
    const de = dashboardTranslator('de', { ...DASHBOARD_MESSAGES_EN, 'dashboard.link.code': 'Dein Code: {code}' });
    expect(de('dashboard.link.code', { code: 'X' })).toBe('Dein Code: X');
  });
});
