import type { ContactLink } from '../../src/app/packages/contracts/explain';
import { contactUrl } from '../../src/app/packages/domain/hubspot-links';

/** A contact as the settings page and the card show one: a name (or the email) linked to the record. */
export function contactLink(portalId: number, contactId: string, properties: Record<string, string | null | undefined>): ContactLink {
  const name = [properties.firstname, properties.lastname].filter(Boolean).join(' ').trim();
  return { contactId, name: name || properties.email || `Contact ${contactId}`, email: properties.email || null, url: contactUrl(portalId, contactId) };
}
