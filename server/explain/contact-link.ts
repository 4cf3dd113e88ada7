import type { ContactLink } from '../../src/app/packages/contracts/explain';

/** The contact's record in HubSpot; app.hubspot.com forwards to the portal's data centre. */
export function contactRecordUrl(portalId: number, contactId: string): string {
  return `https://app.hubspot.com/contacts/${portalId}/record/0-1/${contactId}`;
}

/** A contact as the settings page and the card show one: a name (or the email) linked to the record. */
export function contactLink(portalId: number, contactId: string, properties: Record<string, string | null | undefined>): ContactLink {
  const name = [properties.firstname, properties.lastname].filter(Boolean).join(' ').trim();
  return { contactId, name: name || properties.email || `Contact ${contactId}`, email: properties.email || null, url: contactRecordUrl(portalId, contactId) };
}
