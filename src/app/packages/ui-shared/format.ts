import { formatMoney } from '@referral-ops/domain/money';

export { contactUrl } from '@referral-ops/domain/hubspot-links';

/** HubSpot passes the user's locale (e.g. "de-de"); a missing or unknown one falls back to US English. */
export function userLocale(locale: string | undefined): string {
  try {
    return Intl.getCanonicalLocales(locale ?? 'en-US')[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

export function formatAmount(amount: number, currency: string, locale: string): string {
  return formatMoney(amount, currency, userLocale(locale));
}

export function formatDate(iso: string, locale: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(userLocale(locale), { dateStyle: 'medium' }).format(date);
}

