import { formatMoney } from '@referral-ops/domain/money';

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

/** Contact record page in HubSpot; app.hubspot.com forwards to the portal's data centre. */
export function contactUrl(portalId: number, contactId: string): string {
  return `https://app.hubspot.com/contacts/${portalId}/record/0-1/${contactId}`;
}
