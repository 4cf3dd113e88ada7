import { createHash } from 'node:crypto';
import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/tasks';
import { hubspotStatus } from '../hubspot/client';
import type { HubSpotGateway } from '../hubspot/gateway';

/** HubSpot-defined association type "task to contact". */
export const TASK_TO_CONTACT = 204;

export interface TaskContent {
  subject: string;
  body: string;
  ownerId: string;
  contactId: string;
  priority: 'MEDIUM' | 'HIGH';
  dueAt: number;
}

/**
 * A word in the task body that names the item, hashed so the body does not expose internal ids twice.
 */
export function taskMarker(itemKey: string): string {
  return `rops${createHash('sha256').update(itemKey).digest('hex').slice(0, 24)}`;
}

/**
 * A task an earlier run created before it could record the id (crash between HubSpot and the
 * ledger). Search lags seconds behind a create in HubSpot, so a re-run moments later would not find
 * it there; the task was created with its association to the contact, and associations and batch
 * reads are not search-indexed, so the contact's tasks are read instead.
 */
export async function findTaskByMarker(gateway: HubSpotGateway, contactId: string, marker: string): Promise<string | undefined> {
  let after: string | undefined;
  do {
    const cursor = after;
    const page = await gateway.call('read', "read a contact's tasks", (client) => client.crm.associations.v4.basicApi.getPage('contacts', contactId, 'tasks', cursor, 500));
    const ids = page.results.map((r) => String(r.toObjectId));
    for (let i = 0; i < ids.length; i += 100) {
      const batch = await gateway.call('read', 'read tasks', (client) => client.crm.objects.tasks.batchApi.read({
        inputs: ids.slice(i, i + 100).map((id) => ({ id })), properties: ['hs_task_body'], propertiesWithHistory: [],
      }));
      const found = batch.results.find((task) => task.properties.hs_task_body?.includes(marker));
      if (found) return found.id;
    }
    after = page.paging?.next?.after;
  } while (after);
  return undefined;
}

/** Not repeated after a 5xx (a `create` call): the raise looks for the task by its marker instead. */
export async function createTask(gateway: HubSpotGateway, task: TaskContent): Promise<string> {
  const created = await gateway.call('create', 'create an owner task', (client) => client.crm.objects.tasks.basicApi.create({
    properties: {
      hs_task_subject: task.subject,
      hs_task_body: task.body,
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: task.priority,
      hs_task_type: 'TODO',
      hs_timestamp: new Date(task.dueAt).toISOString(),
      hubspot_owner_id: task.ownerId,
    },
    associations: [{
      to: { id: task.contactId },
      types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: TASK_TO_CONTACT }],
    }],
  }));
  return created.id;
}

/** A task someone deleted in HubSpot has nothing left to complete. */
export async function completeTask(gateway: HubSpotGateway, taskId: string): Promise<'completed' | 'gone'> {
  try {
    await gateway.call('write', 'complete an owner task', (client) => client.crm.objects.tasks.basicApi.update(taskId, { properties: { hs_task_status: 'COMPLETED' } }));
    return 'completed';
  } catch (err) {
    if (hubspotStatus(err) === 404) return 'gone';
    throw err;
  }
}

/** "First Last", else the email, else the record id: a subject always names someone. */
export async function contactName(gateway: HubSpotGateway, contactId: string): Promise<string> {
  try {
    const contact = await gateway.call('read', "read a contact's name", (client) => client.crm.contacts.basicApi.getById(contactId, ['firstname', 'lastname', 'email']));
    const p = contact.properties;
    const name = [p.firstname, p.lastname].filter((s) => s && s.trim()).join(' ');
    return name || p.email || `contact ${contactId}`;
  } catch (err) {
    if (hubspotStatus(err) === 404) return `contact ${contactId}`;
    throw err;
  }
}
