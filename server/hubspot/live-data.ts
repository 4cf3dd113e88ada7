import {
  dealStageFromHubSpot,
  isClosedWon,
  type Deal,
  type LifecycleStageOption,
  type Pipeline,
} from '../../src/app/packages/domain/qualification';
import type { PropertyChange } from '../../src/app/packages/domain/guards';
import { BriefCache } from './brief-cache';
import type { HubSpotGateway } from './gateway';

/**
 * Reads the live HubSpot facts a qualification decision rests on. Record data (the contact, its
 * history, its deals) is read fresh for every decision. The portal's stage definitions change
 * rarely but would cost two of every five calls against the portal's rate limit (19 requests/s
 * on Professional), so `PortalSettings` keeps them for `PORTAL_SETTINGS_TTL_MS`: an admin who
 * reorders stages sees the new order within that time.
 */
export interface ContactSnapshot {
  id: string;
  properties: Record<string, string | null | undefined>;
  lifecycleHistory: PropertyChange[];
}

export interface DealSnapshot extends Deal {
  /** When the deal entered each stage, oldest first. */
  stageHistory: PropertyChange[];
  /** HubSpot's `amount` as sent (a decimal string), null when unset. */
  amount: string | null;
  /** `deal_currency_code`: set on deals of portals with several currencies. */
  currencyCode: string | null;
}

const toChanges = (history: Array<{ value: string; timestamp: Date }> | undefined): PropertyChange[] =>
  (history ?? [])
    .map((h) => ({ value: h.value, timestamp: new Date(h.timestamp) }))
    .sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime());

/** HubSpot's limit for batch reads that ask for property history. */
const HISTORY_BATCH = 50;
/** HubSpot's limit for batch association reads. */
const ASSOCIATION_BATCH = 1000;

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** Contacts with their lifecycle-stage history, by id; ids HubSpot does not know are left out. */
export async function readContacts(gateway: HubSpotGateway, contactIds: string[], extraProperties: string[] = []): Promise<Map<string, ContactSnapshot>> {
  const properties = [...new Set(['email', 'firstname', 'lastname', 'lifecyclestage', 'hubspot_owner_id', ...extraProperties])];
  const contacts = new Map<string, ContactSnapshot>();
  for (const ids of chunks([...new Set(contactIds)], HISTORY_BATCH)) {
    const batch = await gateway.call('read', 'read contacts with lifecycle history', (client) => client.crm.contacts.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties,
      propertiesWithHistory: ['lifecyclestage'],
    }));
    for (const c of batch.results) {
      contacts.set(c.id, { id: c.id, properties: c.properties, lifecycleHistory: toChanges(c.propertiesWithHistory?.lifecyclestage) });
    }
  }
  return contacts;
}

/** For each record, the ids of its associated records of `toType` (every page); none: an empty list. */
export async function associatedIds(gateway: HubSpotGateway, fromType: string, fromIds: string[], toType: string): Promise<Map<string, string[]>> {
  const associated = new Map<string, string[]>(fromIds.map((id) => [id, []]));
  let inputs = [...associated.keys()].map((id) => ({ id, after: undefined as string | undefined }));
  while (inputs.length > 0) {
    const next: typeof inputs = [];
    for (const chunk of chunks(inputs, ASSOCIATION_BATCH)) {
      const batch = await gateway.call('read', `read ${fromType} to ${toType} associations`, (client) => client.crm.associations.v4.batchApi.getPage(fromType, toType, {
        inputs: chunk.map(({ id, after }) => (after ? { id, after } : { id })),
      }));
      for (const result of batch.results) {
        associated.get(result._from.id)?.push(...result.to.map((t) => String(t.toObjectId)));
        const after = result.paging?.next?.after;
        if (after) next.push({ id: result._from.id, after });
      }
    }
    inputs = next;
  }
  return associated;
}

/** Deals with their stage history, by the same batch limit as contacts with history. */
export async function readDeals(gateway: HubSpotGateway, dealIds: string[]): Promise<DealSnapshot[]> {
  const deals: DealSnapshot[] = [];
  for (const ids of chunks(dealIds, HISTORY_BATCH)) {
    const batch = await gateway.call('read', 'read deals with stage history', (client) => client.crm.deals.batchApi.read({
      inputs: ids.map((id) => ({ id })),
      properties: ['dealstage', 'pipeline', 'amount', 'deal_currency_code'],
      propertiesWithHistory: ['dealstage'],
    }));
    for (const d of batch.results) {
      deals.push({
        id: d.id,
        pipelineId: d.properties.pipeline ?? 'default',
        stageId: d.properties.dealstage ?? '',
        stageHistory: toChanges(d.propertiesWithHistory?.dealstage),
        amount: d.properties.amount?.trim() || null,
        currencyCode: d.properties.deal_currency_code?.trim().toUpperCase() || null,
      });
    }
  }
  return deals;
}

export const PORTAL_SETTINGS_TTL_MS = 30_000;

/**
 * The portal's stage definitions, one in-flight or recent read per key; a failed read is forgotten
 * at once. One per account, held on the context beside its gateway.
 */
export class PortalSettings {
  private readonly cache: BriefCache;

  constructor(private readonly gateway: HubSpotGateway, clock: () => number = Date.now) {
    this.cache = new BriefCache(PORTAL_SETTINGS_TTL_MS, clock);
  }

  lifecycleStages(): Promise<LifecycleStageOption[]> {
    return this.cache.get('lifecycle-stages', () => fetchLifecycleStages(this.gateway));
  }

  pipelines(): Promise<Pipeline[]> {
    return this.cache.get('deal-pipelines', () => fetchPipelines(this.gateway));
  }

  /** The currency of deals that carry no `deal_currency_code`. */
  companyCurrency(): Promise<string> {
    return this.cache.get('company-currency', () => fetchCompanyCurrency(this.gateway));
  }

  /** The portal's id (HubSpot's account details), for links to its records. */
  portalId(): Promise<number> {
    return this.cache.get('portal-id', () => fetchPortalId(this.gateway));
  }
}

/** The portal's visible lifecycle stages, read now. */
export async function fetchLifecycleStages(gateway: HubSpotGateway): Promise<LifecycleStageOption[]> {
  const property = await gateway.call('read', 'read the lifecycle stages', (client) => client.crm.properties.coreApi.getByName('contacts', 'lifecyclestage'));
  return property.options
    .filter((o) => !o.hidden)
    .map((o) => ({ value: o.value, label: o.label, displayOrder: o.displayOrder ?? 0 }));
}

/** The portal's deal pipelines with their stages, read now. */
export async function fetchPipelines(gateway: HubSpotGateway): Promise<Pipeline[]> {
  const { results } = await gateway.call('read', 'read the deal pipelines', (client) => client.crm.pipelines.pipelinesApi.getAll('deals'));
  return results.map((p) => ({
    id: p.id,
    label: p.label,
    stages: p.stages.map((s) => dealStageFromHubSpot({ id: s.id, label: s.label, displayOrder: s.displayOrder, metadata: s.metadata })),
  }));
}

/**
 * The portal's company currency from HubSpot's account information API
 * (`GET /account-info/v3/details`, `companyCurrency`). The official client has no model for it, so
 * the documented path is called through the client's generic request.
 */
export async function fetchCompanyCurrency(gateway: HubSpotGateway): Promise<string> {
  return companyCurrencyOf(await fetchAccountDetails(gateway, 'read the company currency'));
}

/** A currency code as the account details give it, upper-cased; undefined when it is not one. */
export const currencyCode = (value: unknown) => (typeof value === 'string' && /^[A-Za-z]{3}$/.test(value) ? value.toUpperCase() : undefined);

/** The company currency of the account details (`companyCurrency`). */
export function companyCurrencyOf(details: Record<string, unknown>): string {
  const code = currencyCode(details.companyCurrency);
  if (!code) throw new Error(`HubSpot's account details carry no company currency (got ${JSON.stringify(details.companyCurrency)})`);
  return code;
}

/** HubSpot's account information (`GET /account-info/v3/details`), read now. */
export async function fetchAccountDetails(gateway: HubSpotGateway, what: string): Promise<Record<string, unknown>> {
  return gateway.call('read', what, async (client) => {
    const response = await client.apiRequest({ method: 'GET', path: '/account-info/v3/details' });
    if (!response.ok) {
      throw Object.assign(new Error(`HubSpot answered ${response.status} reading the account details: ${(await response.text()).slice(0, 200)}`), { code: response.status });
    }
    return await response.json() as Record<string, unknown>;
  });
}

/** The portal's id from the account details (`portalId`), read now. */
export async function fetchPortalId(gateway: HubSpotGateway): Promise<number> {
  const details = await fetchAccountDetails(gateway, 'read the portal id');
  if (typeof details.portalId !== 'number' || !Number.isInteger(details.portalId)) {
    throw new Error(`HubSpot's account details carry no portal id (got ${JSON.stringify(details.portalId)})`);
  }
  return details.portalId;
}

/** When the deal first reached a closed-won stage of its pipeline; null if it never did. */
export function closedWonAt(deal: DealSnapshot, pipelines: Pipeline[]): Date | null {
  const stages = pipelines.find((p) => p.id === deal.pipelineId)?.stages ?? [];
  const won = new Set(stages.filter(isClosedWon).map((s) => s.id));
  return deal.stageHistory.find((h) => won.has(h.value))?.timestamp ?? null;
}

/** When each deal first reached a closed-won stage of its pipeline (for the existing-customer guard). */
export function closedWonDates(deals: DealSnapshot[], pipelines: Pipeline[]): Date[] {
  return deals.flatMap((deal) => closedWonAt(deal, pipelines) ?? []);
}
