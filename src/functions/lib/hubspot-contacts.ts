import { Client } from '@hubspot/api-client';
import type { ContactSummary } from '../../app/packages/contracts/app-functions';
import type { FunctionDeps } from './define-function';

const NAME_PROPERTIES = ['firstname', 'lastname', 'email'];

/**
 * Reads display names of contacts from HubSpot with the app's access token (HubSpot injects
 * PRIVATE_APP_ACCESS_TOKEN into app functions). HUBSPOT_API_BASE points it at a local sandbox portal.
 */
export async function readContactSummaries(ids: string[], deps: FunctionDeps): Promise<Record<string, ContactSummary>> {
  const accessToken = deps.env.PRIVATE_APP_ACCESS_TOKEN;
  const unique = [...new Set(ids)].slice(0, 100); // one batch read; the story lists at most ~12 people
  if (!accessToken || unique.length === 0) return {};
  const client = new Client({ accessToken, basePath: deps.env.HUBSPOT_API_BASE || undefined, numberOfApiCallRetries: 1 });
  const answer = await client.crm.contacts.batchApi.read({
    inputs: unique.map((id) => ({ id })),
    properties: NAME_PROPERTIES,
    propertiesWithHistory: [],
  });
  return Object.fromEntries(
    answer.results.map((contact) => {
      const p = contact.properties;
      const name = [p.firstname, p.lastname].filter(Boolean).join(' ').trim();
      return [contact.id, { name: name || p.email || `Contact ${contact.id}`, email: p.email ?? null }];
    }),
  );
}
