/**
 * Money as integer minor units (cents, yen, fils). The exponent per currency follows ISO 4217 rather
 * than the locale data, so an amount stored by the service means the same thing to every reader.
 */

const ZERO_DECIMAL = new Set([
  'BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF',
]);
const THREE_DECIMAL = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);
const FOUR_DECIMAL = new Set(['CLF', 'UYW']);

const CURRENCY_PATTERN = /^[A-Z]{3}$/;

/** Known to the runtime's Intl data; falls back to the shape check where Intl cannot list currencies. */
export function isKnownCurrency(code: string): boolean {
  if (!CURRENCY_PATTERN.test(code)) return false;
  const list = (Intl as { supportedValuesOf?: (key: 'currency') => string[] }).supportedValuesOf?.('currency');
  return list ? list.includes(code) : true;
}

/** Number of decimals in the currency's minor unit (JPY 0, USD 2, KWD 3). */
export function currencyDecimals(currency: string): number {
  const code = currency.toUpperCase();
  if (ZERO_DECIMAL.has(code)) return 0;
  if (THREE_DECIMAL.has(code)) return 3;
  if (FOUR_DECIMAL.has(code)) return 4;
  return 2;
}

function assertMinorUnits(amount: number): void {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`Money amount must be a whole number of minor units, got ${amount}`);
  }
}

/** For people: "$1,234.50", "¥1,200", "1.234,50 €" depending on locale. */
export function formatMoney(amount: number, currency: string, locale = 'en-US'): string {
  assertMinorUnits(amount);
  const decimals = currencyDecimals(currency);
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  }).format(amount / 10 ** decimals);
}

/** For CSV and APIs: "1234.50", "1200", "-0.05" — exact, no grouping, no symbol. */
export function toDecimalString(amount: number, currency: string): string {
  assertMinorUnits(amount);
  const decimals = currencyDecimals(currency);
  const sign = amount < 0 ? '-' : '';
  const digits = Math.abs(amount).toString().padStart(decimals + 1, '0');
  if (decimals === 0) return sign + digits;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

export type ParseMoneyResult = { ok: true; amount: number } | { ok: false; message: string };

/**
 * Parses "1234.5", "1,234.50", "-3" into minor units. A comma is accepted only as a thousands
 * separator (groups of three digits), so "12,50" is rejected instead of silently becoming 1250.
 */
export function parseMoney(text: string, currency: string): ParseMoneyResult {
  const decimals = currencyDecimals(currency);
  const trimmed = text.trim().replace(/\s+/g, '');
  const match = /^(-)?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/.exec(trimmed);
  if (!match) {
    return { ok: false, message: `"${text}" is not an amount; write it like 1234.50 (dot for decimals)` };
  }
  const [, minus, whole = '0', fraction = ''] = match;
  if (fraction.length > decimals) {
    return {
      ok: false,
      message: decimals === 0
        ? `${currency.toUpperCase()} has no decimal places; "${text}" must be a whole number`
        : `${currency.toUpperCase()} allows at most ${decimals} decimal places, "${text}" has ${fraction.length}`,
    };
  }
  const amount = Number(whole.replace(/,/g, '') + fraction.padEnd(decimals, '0'));
  if (!Number.isSafeInteger(amount)) return { ok: false, message: `"${text}" is too large` };
  return { ok: true, amount: minus && amount !== 0 ? -amount : amount };
}
