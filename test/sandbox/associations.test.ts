import { AssociationSpecAssociationCategoryEnum as Category } from '@hubspot/api-client/lib/codegen/crm/associations/v4';
import { apiError, buildContact, buildDeal, startCrmSandbox, type CrmSandbox } from './support/crm-sandbox';

let sandbox: CrmSandbox;
beforeEach(async () => { sandbox = await startCrmSandbox(); });
afterEach(async () => { await sandbox.close(); });

const v4 = () => sandbox.client.crm.associations.v4;
const contact = (p: Record<string, string> = {}) => sandbox.portal.create('contacts', buildContact(p)).id;

async function referredByLabel() {
  const created = await v4().schema.definitionsApi.create('contacts', 'contacts', { name: 'referred_by', label: 'Referred by', inverseLabel: 'Referred' });
  const forward = created.results.find((r) => r.label === 'Referred by')!;
  const inverse = created.results.find((r) => r.label === 'Referred')!;
  return { forward: forward.typeId, inverse: inverse.typeId };
}

test('a custom label with an inverse gets two type ids, listed among the pair\'s labels', async () => {
  const { forward, inverse } = await referredByLabel();
  expect(forward).not.toBe(inverse);
  const labels = await v4().schema.definitionsApi.getAll('contacts', 'contacts');
  expect(labels.results).toEqual(expect.arrayContaining([
    expect.objectContaining({ category: 'USER_DEFINED', typeId: forward, label: 'Referred by' }),
    expect.objectContaining({ category: 'USER_DEFINED', typeId: inverse, label: 'Referred' }),
  ]));
  const again = await apiError(v4().schema.definitionsApi.create('contacts', 'contacts', { name: 'referred_by', label: 'x' }));
  expect(again.code).toBe(409);
});

test('associating with a custom label is visible from both sides with the right label', async () => {
  const { forward, inverse } = await referredByLabel();
  const friend = contact();
  const referrer = contact();
  const created = await v4().basicApi.create('contacts', friend, 'contacts', referrer, [
    { associationCategory: Category.UserDefined, associationTypeId: forward },
  ]);
  expect(created.labels).toEqual(['Referred by']);

  const fromFriend = await v4().basicApi.getPage('contacts', friend, 'contacts');
  expect(fromFriend.results).toHaveLength(1);
  expect(String(fromFriend.results[0]!.toObjectId)).toBe(referrer);
  expect(fromFriend.results[0]!.associationTypes).toEqual(expect.arrayContaining([
    expect.objectContaining({ category: 'USER_DEFINED', typeId: forward, label: 'Referred by' }),
  ]));
  const fromReferrer = await v4().basicApi.getPage('contacts', referrer, 'contacts');
  expect(fromReferrer.results[0]!.associationTypes.map((t) => t.label)).toContain('Referred');
  expect(sandbox.portal.associatedIds('contacts', referrer, 'contacts')).toEqual([friend]);
  expect(inverse).toBeGreaterThan(0);
});

test('an unknown type id or a missing record is refused', async () => {
  const a = contact();
  const bad = await apiError(v4().basicApi.create('contacts', a, 'contacts', contact(), [
    { associationCategory: Category.UserDefined, associationTypeId: 987654 },
  ]));
  expect(bad.code).toBe(400);
  const missing = await apiError(v4().basicApi.create('contacts', a, 'companies', '999999', [
    { associationCategory: Category.HubspotDefined, associationTypeId: 279 },
  ]));
  expect(missing.code).toBe(404);
});

test('default association, batch create/read and removal', async () => {
  const deal = sandbox.portal.create('deals', buildDeal()).id;
  const [c1, c2] = [contact(), contact()];
  const byDefault = await v4().basicApi.createDefault('deals', deal, 'contacts', c1!);
  expect(byDefault.results[0]!.associationSpec.associationTypeId).toBe(3);

  const batch = await v4().batchApi.create('deals', 'contacts', { inputs: [
    { _from: { id: deal }, to: { id: c2! }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 3 }] },
  ] });
  expect(batch.status).toBe('COMPLETE');
  const read = await v4().batchApi.getPage('deals', 'contacts', { inputs: [{ id: deal }] });
  expect(read.results[0]!.to.map((t) => String(t.toObjectId)).sort()).toEqual([c1, c2].sort());
  expect(sandbox.portal.associatedIds('contacts', c1!, 'deals')).toEqual([deal]);

  await v4().basicApi.archive('deals', deal, 'contacts', c1!);
  expect(sandbox.portal.associatedIds('deals', deal, 'contacts')).toEqual([c2]);
});

test('records created with v3-style associations, including tasks on contacts', async () => {
  const c = contact();
  const task = await sandbox.client.crm.objects.tasks.basicApi.create({
    properties: { hs_timestamp: '2026-03-03T10:00:00Z', hs_task_subject: 'Call the referrer', hs_task_status: 'NOT_STARTED' },
    associations: [{ to: { id: c }, types: [{ associationCategory: Category.HubspotDefined, associationTypeId: 204 }] }],
  });
  expect(sandbox.portal.associatedIds('contacts', c, 'tasks')).toEqual([task.id]);
  const withAssociations = await sandbox.client.crm.contacts.basicApi.getById(c, undefined, undefined, ['tasks']);
  expect(withAssociations.associations?.tasks?.results.map((r) => r.id)).toEqual([task.id]);
  const noDueDate = await apiError(sandbox.client.crm.objects.tasks.basicApi.create({ properties: { hs_task_subject: 'x' }, associations: [] }));
  expect(noDueDate.code).toBe(400);
});
