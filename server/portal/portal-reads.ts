import type { HubSpotGateway } from '../hubspot/gateway';
import { companyCurrencyOf, currencyCode, fetchAccountDetails } from '../hubspot/live-data';
import type {
  PortalChoice, PortalOwner, PortalPipeline, PortalPropertyGroup,
} from '../../src/app/packages/contracts/portal-options';

/**
 * Reads of the portal's definitions for the settings page, each through the account's gateway.
 * Only what an admin can choose is kept: archived owners, hidden properties and hidden options
 * are left out, as HubSpot's own pickers leave them out.
 */

/** HubSpot's largest owners page (`GET /crm/v3/owners`, `limit` ≤ 500). */
const OWNERS_PAGE_LIMIT = 500;
/** A bound on the walk: a portal with more owners than this is searched by email on HubSpot's side. */
const MAX_OWNER_PAGES = 20;

const byOrderThenLabel = <T extends { displayOrder?: number; label: string }>(a: T, b: T) =>
  (a.displayOrder ?? 0) - (b.displayOrder ?? 0) || a.label.localeCompare(b.label);

function ownerName(o: { firstName?: string; lastName?: string; email?: string }): string {
  const name = [o.firstName, o.lastName].filter((part) => part?.trim()).join(' ').trim();
  return name || o.email || '';
}

/** Every active owner, sorted by name. */
export async function readOwners(gateway: HubSpotGateway): Promise<PortalOwner[]> {
  const owners: PortalOwner[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_OWNER_PAGES; page++) {
    const answer = await gateway.call('read', 'read the owners', (client) => client.crm.owners.ownersApi.getPage(undefined, after, OWNERS_PAGE_LIMIT, false));
    for (const o of answer.results) {
      if (o.archived) continue;
      owners.push({ id: String(o.id), name: ownerName(o), email: o.email ?? '' });
    }
    after = answer.paging?.next?.after;
    if (!after) break;
  }
  return owners.sort((a, b) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email));
}

/** Contact properties in HubSpot's groups; groups without a visible property are left out. */
export async function readContactPropertyGroups(gateway: HubSpotGateway): Promise<PortalPropertyGroup[]> {
  const groups = await gateway.call('read', 'read the contact property groups', (client) => client.crm.properties.groupsApi.getAll('contacts'));
  const properties = await gateway.call('read', 'read the contact properties', (client) => client.crm.properties.coreApi.getAll('contacts', false));
  const visible = properties.results.filter((p) => !p.hidden && !p.archived);
  return groups.results
    .filter((g) => !g.archived)
    .map((g) => ({ displayOrder: g.displayOrder, label: g.label, name: g.name }))
    .sort(byOrderThenLabel)
    .map((g) => ({
      name: g.name,
      label: g.label,
      properties: visible
        .filter((p) => p.groupName === g.name)
        .map((p) => ({ ...p, label: p.label || p.name }))
        .sort(byOrderThenLabel)
        .map((p) => ({
          name: p.name,
          label: p.label,
          type: p.type,
          fieldType: p.fieldType,
          options: p.type === 'enumeration'
            ? p.options.filter((o) => !o.hidden).map((o) => ({ ...o, label: o.label || o.value })).sort(byOrderThenLabel)
              .map((o): PortalChoice => ({ value: o.value, label: o.label }))
            : [],
        })),
    }))
    .filter((g) => g.properties.length > 0);
}

/** The company currency, then the additional ones, from the account information API. */
export async function readCurrencies(gateway: HubSpotGateway): Promise<string[]> {
  const details = await fetchAccountDetails(gateway, 'read the account currencies');
  const additional = Array.isArray(details.additionalCurrencies) ? details.additionalCurrencies.map(currencyCode).filter((c): c is string => Boolean(c)) : [];
  return [...new Set([companyCurrencyOf(details), ...additional])];
}

/** Pipelines with their stages in the portal's order, labels falling back to ids. */
export function toPortalPipelines(pipelines: ReadonlyArray<{ id: string; label?: string; stages: ReadonlyArray<{ id: string; label?: string; displayOrder: number }> }>): PortalPipeline[] {
  return pipelines.map((p) => ({
    id: p.id,
    label: p.label ?? p.id,
    stages: [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).map((s) => ({ id: s.id, label: s.label ?? s.id })),
  }));
}
