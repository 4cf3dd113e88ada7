import type { LiveEvidence } from '../../src/app/packages/domain/qualification-decision';
import type { HubSpotGateway } from '../hubspot/gateway';
import { associatedIds, closedWonDates, readContacts, readDeals, type PortalSettings } from '../hubspot/live-data';

export type { LiveEvidence };

/**
 * Everything the decisions about these contacts need from HubSpot, read before any ledger
 * transaction opens (no network inside a transaction) and for all of them at once: the contacts
 * with their lifecycle history, their deals with stage history (the existing-customer guard needs
 * them whatever the milestone), and the portal's stage definitions. A contact HubSpot no longer
 * has gets no evidence.
 */
export async function gatherEvidence(
  hubspot: { gateway: HubSpotGateway; portalSettings: PortalSettings }, contactIds: string[], extraProperties: string[],
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
    });
  }
  return evidence;
}
