import { currencyDecimals, formatMoney, isKnownCurrency, parseMoney, toDecimalString } from '../../src/app/packages/domain/money';

describe('money', () => {
  it.each([['USD', 2], ['jpy', 0], ['KRW', 0], ['KWD', 3], ['EUR', 2], ['CLF', 4]])('%s has %i decimals', (currency, decimals) => {
    expect(currencyDecimals(currency)).toBe(decimals);
  });

  it.each([
    [123450, 'USD', 'en-US', '$1,234.50'],
    [1200, 'JPY', 'en-US', '¥1,200'],
    [123450, 'EUR', 'de-DE', '1.234,50 €'],
    [1005, 'KWD', 'en-US', 'KWD 1.005'],
  ])('formats %i %s for %s as %j', (amount, currency, locale, expected) => {
    expect(formatMoney(amount, currency, locale).replace(/\u00a0/g, ' ')).toBe(expected);
  });

  it.each([
    [123450, 'USD', '1234.50'], [5, 'USD', '0.05'], [-5, 'USD', '-0.05'], [1200, 'JPY', '1200'], [1005, 'KWD', '1.005'], [0, 'EUR', '0.00'],
  ])('writes %i %s as %j for CSV', (amount, currency, expected) => {
    expect(toDecimalString(amount, currency)).toBe(expected);
  });

  it.each([
    ['1234.5', 'USD', 123450], ['1,234.56', 'USD', 123456], [' 12 ', 'USD', 1200], ['-3', 'EUR', -300], ['1200', 'JPY', 1200], ['1.005', 'KWD', 1005],
  ])('parses %j %s as %i', (text, currency, amount) => {
    expect(parseMoney(text, currency)).toEqual({ ok: true, amount });
  });

  it.each([
    ['12,50', 'EUR', /dot for decimals/],
    ['1.5', 'JPY', /JPY has no decimal places/],
    ['1.234', 'USD', /at most 2 decimal places/],
    ['abc', 'USD', /not an amount/],
    ['', 'USD', /not an amount/],
  ])('rejects %j %s', (text, currency, message) => {
    const result = parseMoney(text, currency);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it('round-trips CSV amounts exactly', () => {
    for (const [amount, currency] of [[1, 'USD'], [987654321, 'USD'], [7, 'JPY'], [123456, 'KWD']] as const) {
      expect(parseMoney(toDecimalString(amount, currency), currency)).toEqual({ ok: true, amount });
    }
  });

  it('refuses fractional minor units', () => {
    expect(() => formatMoney(10.5, 'USD')).toThrow(/whole number of minor units, got 10.5/);
  });

  it('knows real currency codes only', () => {
    expect(isKnownCurrency('USD')).toBe(true);
    expect(isKnownCurrency('XYZ')).toBe(false);
    expect(isKnownCurrency('usd')).toBe(false);
  });
});
