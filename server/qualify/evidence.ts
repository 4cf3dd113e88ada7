import type { LiveEvidence } from '../../src/app/packages/domain/qualification-decision';
import type { HubSpotGateway } from '../hubspot/gateway';
import { associatedIds, closedWonAt, closedWonDates, readContacts, readDeals, type PortalSettings } from '../hubspot/live-data';

export type { LiveEvidence };

/**
 * Everything the decisions about these contacts need from HubSpot, read before any ledger
 * transaction opens (no network inside a transaction) and for all of them at once: the contacts
 * with their lifecycle history, their deals with stage history (the existing-customer guard needs
 * them whatever the milestone), and the portal's stage definitions. A contact HubSpot no longer
 * has gets no evidence. With `revenue` (a program of the batch pays a share of the deal) each
 * contact's deals also carry their amount and currency: `deal_currency_code`, or the portal's
 * company currency (read once, cached with the stages) for a deal without one.
 */
export async function gatherEvidence(
  hubspot: { gateway: HubSpotGateway; portalSettings: PortalSettings; clock: () => number },
  contactIds: string[],
  extraProperties: string[],
  options: { revenue?: boolean } = {},
): Promise<Map<string, LiveEvidence>> {
  const { gateway, portalSettings } = hubspot;
  const evidence = new Map<string, LiveEvidence>();
  if (contactIds.length === 0) return evidence;
  const [contacts, lifecycleStages, pipelines, dealsOf] = await Promise.all([
    readContacts(gateway, contactIds, extraProperties),
    portalSettings.lifecycleStages(),
    portalSettings.pipelines(),
    associatedIds(gateway, 'contacts', contactIds, 'deals'),
  ]);
  const deals = new Map((await readDeals(gateway, [...new Set([...dealsOf.values()].flat())])).map((d) => [d.id, d]));
  const readAt = new Date(hubspot.clock());
  const needsCompanyCurrency = options.revenue && [...deals.values()].some((d) => d.currencyCode === null);
  const companyCurrency = needsCompanyCurrency ? await portalSettings.companyCurrency() : null;
  for (const contact of contacts.values()) {
    const own = (dealsOf.get(contact.id) ?? []).flatMap((id) => deals.get(id) ?? []);
    evidence.set(contact.id, {
      milestoneInput: {
        contact: { id: contact.id, properties: contact.properties },
        lifecycleStages,
        deals: own.map(({ id, pipelineId, stageId }) => ({ id, pipelineId, stageId })),
        pipelines,
      },
      history: { lifecycleStage: contact.lifecycleHistory, closedWonDealsAt: closedWonDates(own, pipelines) },
      ...(options.revenue ? {
        revenue: {
          readAt,
          deals: own.map((d) => ({
            dealId: d.id, amount: d.amount, currency: d.currencyCode ?? companyCurrency ?? '', closedWonAt: closedWonAt(d, pipelines),
          })),
        },
      } : {}),
    });
  }
  return evidence;
}
