import type { Client } from '@hubspot/api-client';
import type { Milestone } from '../../src/domain/program';
import type { MilestoneEvidenceInput } from '../../src/domain/qualification';
import type { PropertyChange } from '../../src/domain/guards';
import {
  associatedIds,
  closedWonDates,
  readContact,
  readDeals,
  readLifecycleStages,
  readPipelines,
} from '../hubspot/live-data';

export interface LiveEvidence {
  milestoneInput: MilestoneEvidenceInput;
  history: { lifecycleStage: PropertyChange[]; closedWonDealsAt: Date[] };
}

/**
 * Everything the decision needs from HubSpot, read before the ledger transaction opens (no network
 * inside a transaction). The contact's deals are always read: the existing-customer guard needs them.
 */
export async function gatherEvidence(client: Client, contactId: string, milestone: Milestone): Promise<LiveEvidence> {
  const extra = milestone.kind === 'property' ? [milestone.propertyName] : [];
  const [contact, lifecycleStages, pipelines, dealIds] = await Promise.all([
    readContact(client, contactId, extra),
    readLifecycleStages(client),
    readPipelines(client),
    associatedIds(client, 'contacts', contactId, 'deals'),
  ]);
  const deals = await readDeals(client, dealIds);
  return {
    milestoneInput: {
      contact: { id: contact.id, properties: contact.properties },
      lifecycleStages,
      deals: deals.map(({ id, pipelineId, stageId }) => ({ id, pipelineId, stageId })),
      pipelines,
    },
    history: { lifecycleStage: contact.lifecycleHistory, closedWonDealsAt: closedWonDates(deals, pipelines) },
  };
}
