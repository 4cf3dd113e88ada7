import { Portal } from '../../sandbox/portal';
import { seedPortal } from '../../sandbox/seed';
import { apiError, buildContact, startCrmSandbox, type CrmSandbox } from './support/crm-sandbox';

let sandbox: CrmSandbox;
beforeEach(async () => { sandbox = await startCrmSandbox(); });
afterEach(async () => { await sandbox.close(); });

const properties = () => sandbox.client.crm.properties.coreApi;

describe('properties', () => {
  test('lifecyclestage lists HubSpot\'s default stages in displayOrder', async () => {
    const stage = await properties().getByName('contacts', 'lifecyclestage');
    expect(stage.type).toBe('enumeration');
    expect(stage.options.map((o) => o.value)).toEqual([
      'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
    ]);
  });

  test('a portal can customise lifecycle stages; record writes follow the new options', async () => {
    await properties().update('contacts', 'lifecyclestage', { options: [
      { label: 'Lead', value: 'lead', displayOrder: 0, hidden: false },
      { label: 'Trial', value: 'trial', displayOrder: 1, hidden: false },
      { label: 'Customer', value: 'customer', displayOrder: 2, hidden: false },
    ] });
    const stage = await properties().getByName('contacts', 'lifecyclestage');
    expect(stage.options.map((o) => [o.value, o.displayOrder])).toEqual([['lead', 0], ['trial', 1], ['customer', 2]]);
    await expect(sandbox.client.crm.contacts.basicApi.create({ properties: buildContact({ lifecyclestage: 'trial' }), associations: [] }))
      .resolves.toMatchObject({ properties: { lifecyclestage: 'trial' } });
    const removed = await apiError(sandbox.client.crm.contacts.basicApi.create({ properties: buildContact({ lifecyclestage: 'subscriber' }), associations: [] }));
    expect(removed.code).toBe(400);
  });

  test('custom properties and groups: create, read, duplicate refused, values typed', async () => {
    await sandbox.client.crm.properties.groupsApi.create('contacts', { name: 'referral_ops', label: 'Referral Ops', displayOrder: -1 });
    const created = await properties().create('contacts', {
      name: 'referral_code', label: 'Referral code', type: 'string' as never, fieldType: 'text' as never, groupName: 'referral_ops', hasUniqueValue: true,
    });
    expect(created).toMatchObject({ name: 'referral_code', hubspotDefined: false, groupName: 'referral_ops' });
    expect((await apiError(properties().create('contacts', {
      name: 'referral_code', label: 'x', type: 'string' as never, fieldType: 'text' as never, groupName: 'referral_ops',
    }))).code).toBe(409);
    const wrongGroup = await apiError(properties().create('contacts', {
      name: 'other_code', label: 'x', type: 'string' as never, fieldType: 'text' as never, groupName: 'nope',
    }));
    expect(wrongGroup.code).toBe(400);
    const { id } = await sandbox.client.crm.contacts.basicApi.create({ properties: buildContact({ referral_code: 'ADA-7' }), associations: [] });
    const byCode = await sandbox.client.crm.contacts.basicApi.getById('ADA-7', ['referral_code'], undefined, undefined, false, 'referral_code');
    expect(byCode.id).toBe(id);
    expect((await sandbox.client.crm.properties.groupsApi.getAll('contacts')).results.map((g) => g.name)).toContain('referral_ops');
  });

  test('a missing property is a 404 OBJECT_NOT_FOUND', async () => {
    const error = await apiError(properties().getByName('contacts', 'no_such_property'));
    expect(error.code).toBe(404);
    expect(error.body.category).toBe('OBJECT_NOT_FOUND');
  });
});

describe('owners and pipelines', () => {
  test('owners list and get; hubspot_owner_id must name an owner', async () => {
    seedPortal(sandbox.portal, { owners: 3, seed: 1 });
    const owners = await sandbox.client.crm.owners.ownersApi.getPage();
    expect(owners.results).toHaveLength(3);
    const first = owners.results[0]!;
    await expect(sandbox.client.crm.owners.ownersApi.getById(Number(first.id))).resolves.toMatchObject({ email: first.email });
    const byEmail = await sandbox.client.crm.owners.ownersApi.getPage(first.email);
    expect(byEmail.results.map((o) => o.id)).toEqual([first.id]);
    const bad = await apiError(sandbox.client.crm.contacts.basicApi.create({ properties: buildContact({ hubspot_owner_id: '1' }), associations: [] }));
    expect(bad.body.message).toContain('hubspot_owner_id');
  });

  test('deal pipelines expose stages with displayOrder, probability and isClosed', async () => {
    const pipelines = await sandbox.client.crm.pipelines.pipelinesApi.getAll('deals');
    const main = pipelines.results[0]!;
    expect(main.id).toBe('default');
    const won = main.stages.find((s) => s.id === 'closedwon')!;
    expect(won.metadata).toEqual({ isClosed: 'true', probability: '1.0' });
    expect(main.stages.map((s) => s.displayOrder)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const stages = await sandbox.client.crm.pipelines.pipelineStagesApi.getAll('deals', 'default');
    expect(stages.results).toHaveLength(7);
  });
});

describe('seed', () => {
  test('is deterministic for a seed and uses the portal\'s own options', () => {
    const a = startPortal();
    const b = startPortal();
    seedPortal(a, { contacts: 40, companies: 4, deals: 8, owners: 2, seed: 9 });
    seedPortal(b, { contacts: 40, companies: 4, deals: 8, owners: 2, seed: 9 });
    expect([...a.records('contacts')].map((r) => r.properties)).toEqual([...b.records('contacts')].map((r) => r.properties));
    const stages = new Set([...a.records('contacts')].map((r) => r.properties.lifecyclestage));
    expect([...stages].every((s) => a.propertyDefinition('contacts', 'lifecyclestage')!.options.some((o) => o.value === s))).toBe(true);
    const deal = a.records('deals').next().value!;
    expect(a.associatedIds('deals', deal.id, 'contacts')).toHaveLength(1);
  });
});

function startPortal() {
  return new Portal({ clock: () => Date.parse('2026-01-01T00:00:00Z') });
}
