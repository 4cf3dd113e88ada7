import type { ContactLink } from '../../src/app/packages/contracts/explain';
import { AppError } from '../errors';
import { HubSpotCallFailed, type HubSpotGateway } from '../hubspot/gateway';
import type { PortalSettings } from '../hubspot/live-data';
import { contactLink } from './contact-link';

/** How many contacts a lookup lists: enough to pick from, few enough to read at a glance. */
export const LOOKUP_LIMIT = 10;
export const QUERY_LENGTH = { min: 2, max: 100 } as const;

const NAME_PROPERTIES = ['firstname', 'lastname', 'email'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The `q` of a lookup, trimmed; too short or too long is a 400 naming `q`. */
export function parseLookupQuery(raw: unknown): string {
  const q = typeof raw === 'string' ? raw.trim() : '';
  if (q.length < QUERY_LENGTH.min || q.length > QUERY_LENGTH.max) {
    const message = `Enter ${QUERY_LENGTH.min} to ${QUERY_LENGTH.max} characters of a name or an email`;
    throw new AppError('VALIDATION_FAILED', `Invalid contact lookup: q: ${message}`, { issues: [{ path: 'q', message }] });
  }
  return q;
}

/**
 * Contacts by name or email, for the "why?" panel. A whole email address is read by email (a read,
 * immediate), so a contact created a moment ago is found; anything else goes to HubSpot's search
 * (`query`: names, emails, phone and company), which lags writes by up to a minute.
 */
export async function lookUpContacts(hubspot: { gateway: HubSpotGateway; portalSettings: PortalSettings }, q: string): Promise<ContactLink[]> {
  const { gateway } = hubspot;
  const portalId = await hubspot.portalSettings.portalId();
  if (EMAIL.test(q)) {
    try {
      const contact = await gateway.call('read', 'read a contact by email', (c) => c.crm.contacts.basicApi.getById(q, NAME_PROPERTIES, undefined, undefined, false, 'email'), { maxAttempts: 2 });
      return [contactLink(portalId, contact.id, contact.properties)];
    } catch (err) {
      if (err instanceof HubSpotCallFailed && err.status === 404) return [];
      throw err;
    }
  }
  const found = await gateway.call('search', 'search contacts by name or email', (c) => c.crm.contacts.searchApi.doSearch({
    query: q, properties: NAME_PROPERTIES, limit: LOOKUP_LIMIT,
  }), { maxAttempts: 2 });
  return found.results.slice(0, LOOKUP_LIMIT).map((c) => contactLink(portalId, c.id, c.properties));
}
