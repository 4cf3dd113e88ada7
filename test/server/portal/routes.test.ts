import request from 'supertest';
import { OWNER_PAGE, PORTAL_OPTIONS_TTL_MS } from '../../../server/portal/routes';
import type { PortalOptions } from '../../../src/app/packages/contracts/portal-options';
import { ADMIN_HEADERS, startHarness, type Harness } from '../../support/harness';

/** The portal options as the settings function gets them; no storage is involved, so SQLite alone. */
describe('the portal options the settings page picks from', () => {
  let h: Harness;
  let now = Date.UTC(2026, 10, 2, 9);
  beforeAll(async () => {
    h = await startHarness({ clock: () => now });
    h.sandbox.portal.owners.add({ firstName: 'Rita', lastName: 'Rossi', email: 'rita@sandbox-owners.example' });
    h.sandbox.portal.owners.add({ firstName: 'Sam', lastName: 'Berg', email: 'sam.berg@sandbox-owners.example' });
    h.sandbox.portal.owners.add({ firstName: 'Ada', lastName: 'Young', email: 'ada@elsewhere.example' });
  });
  afterAll(() => h.close());
  const later = () => { now += PORTAL_OPTIONS_TTL_MS; };

  const options = async (): Promise<PortalOptions> => {
    const res = await request(h.url).get('/api/portal/options').set(ADMIN_HEADERS);
    expect(res.status).toBe(200);
    return res.body as PortalOptions;
  };

  it("lists the sandbox portal's owners by name, its stages, pipelines, grouped properties and currencies", async () => {
    later();
    const o = await options();
    expect(o.owners.map((w) => w.name)).toEqual(['Ada Young', 'Rita Rossi', 'Sam Berg']);
    expect(o.owners[1]).toEqual({ id: h.sandbox.portal.owners.list().find((w) => w.firstName === 'Rita')!.id, name: 'Rita Rossi', email: 'rita@sandbox-owners.example' });
    expect(o.moreOwners).toBe(false);
    expect(o.lifecycleStages.slice(0, 3)).toEqual([
      { value: 'subscriber', label: 'Subscriber' }, { value: 'lead', label: 'Lead' }, { value: 'marketingqualifiedlead', label: 'Marketing Qualified Lead' },
    ]);
    const sandboxPipelines = h.sandbox.portal.pipelines.list();
    expect(o.dealPipelines.map((p) => p.label)).toEqual(sandboxPipelines.map((p) => p.label));
    expect(o.dealPipelines[0]!.stages.map((s) => s.label)).toEqual([...sandboxPipelines[0]!.stages].sort((a, b) => a.displayOrder - b.displayOrder).map((s) => s.label));
    const contactInfo = o.contactPropertyGroups.find((g) => g.name === 'contactinformation')!;
    expect(contactInfo.label).toBe('Contact information');
    expect(contactInfo.properties.find((p) => p.name === 'lifecyclestage')).toMatchObject({ type: 'enumeration', fieldType: 'radio', options: expect.arrayContaining([{ value: 'customer', label: 'Customer' }]) });
    expect(contactInfo.properties.find((p) => p.name === 'email')).toMatchObject({ label: 'Email', type: 'string', options: [] });
    // the referral properties `npm run setup` creates sit in their own HubSpot group
    expect(o.contactPropertyGroups.some((g) => g.name !== 'contactinformation' && g.properties.some((p) => p.name === 'referral_code'))).toBe(true);
    expect(o.currencies).toEqual(['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD']);
  });

  it("follows the portal's customisations: its stage order, a hidden option or property left out, a new group", async () => {
    const stages = await h.hubspot.crm.properties.coreApi.getByName('contacts', 'lifecyclestage');
    await h.hubspot.crm.properties.coreApi.update('contacts', 'lifecyclestage', {
      options: stages.options.map((s) => ({ ...s, displayOrder: s.value === 'lead' ? -5 : s.displayOrder, hidden: s.value === 'other' })),
    });
    await h.hubspot.crm.properties.groupsApi.create('contacts', { name: 'partner_data', label: 'Partner data', displayOrder: 3 });
    await h.hubspot.crm.properties.coreApi.create('contacts', {
      name: 'partner_tier', label: 'Partner tier', type: 'enumeration' as never, fieldType: 'select' as never, groupName: 'partner_data',
      options: [{ label: 'Gold', value: 'gold', displayOrder: 2, hidden: false }, { label: 'Silver', value: 'silver', displayOrder: 1, hidden: false }, { label: 'Old', value: 'old', displayOrder: 0, hidden: true }],
    });
    await h.hubspot.crm.properties.coreApi.create('contacts', { name: 'secret_score', label: 'Secret score', type: 'number' as never, fieldType: 'number' as never, groupName: 'partner_data', hidden: true });
    later();
    const o = await options();
    expect(o.lifecycleStages[0]).toEqual({ value: 'lead', label: 'Lead' });
    expect(o.lifecycleStages.map((s) => s.value)).not.toContain('other');
    expect(o.contactPropertyGroups.find((g) => g.name === 'partner_data')).toEqual({
      name: 'partner_data', label: 'Partner data',
      properties: [{ name: 'partner_tier', label: 'Partner tier', type: 'enumeration', fieldType: 'select', options: [{ value: 'silver', label: 'Silver' }, { value: 'gold', label: 'Gold' }] }],
    });
  });

  it('reads through the gateway once per cache period: an owner added in HubSpot shows up after it', async () => {
    later();
    await options();
    const before = h.gateway.stats.requests;
    h.sandbox.portal.owners.add({ firstName: 'Zoe', lastName: 'Zhang', email: 'zoe@sandbox-owners.example' });
    expect((await options()).owners.map((w) => w.name)).not.toContain('Zoe Zhang');
    expect(h.gateway.stats.requests).toBe(before);
    now += PORTAL_OPTIONS_TTL_MS - 1;
    expect((await options()).owners.map((w) => w.name)).not.toContain('Zoe Zhang');
    now += 1;
    expect((await options()).owners.map((w) => w.name)).toContain('Zoe Zhang');
    expect(h.gateway.stats.requests).toBeGreaterThan(before);
  });

  it('finds owners by any words of their name or email, and lists the first page of a large portal', async () => {
    for (let i = 0; i < OWNER_PAGE; i++) h.sandbox.portal.owners.add({ firstName: 'Temp', lastName: `Owner${i}`, email: `temp${i}@sandbox-owners.example` });
    later();
    const o = await options();
    expect(o.owners).toHaveLength(OWNER_PAGE);
    expect(o.moreOwners).toBe(true);
    const find = async (query: Record<string, string>) => (await request(h.url).get('/api/portal/owners').query(query).set(ADMIN_HEADERS).expect(200)).body.owners as Array<{ name: string }>;
    expect((await find({ q: 'rossi' })).map((w) => w.name)).toEqual(['Rita Rossi']);
    expect((await find({ q: 'BERG sam' })).map((w) => w.name)).toEqual(['Sam Berg']);
    expect((await find({ q: 'elsewhere.example' })).map((w) => w.name)).toEqual(['Ada Young']);
    expect(await find({ q: 'temp', limit: '3' })).toHaveLength(3);
    expect(await find({ q: 'nobody' })).toEqual([]);
    expect(await find({ q: 'rita berg' })).toEqual([]);
    const byId = (await request(h.url).get(`/api/portal/owners?id=${o.owners[0]!.id}&id=999999`).set(ADMIN_HEADERS).expect(200)).body.owners;
    expect(byId).toEqual([o.owners[0]]);
  });

  it.each([
    ['/api/portal/owners', {}, 'Invalid owner search: q: Either search with q (part of a name or email) or ask for owners by id, one of the two'],
    ['/api/portal/owners', { q: 'ri', id: '1001' }, 'Invalid owner search: q: Either search with q'],
    ['/api/portal/owners', { id: 'rita' }, 'Invalid owner search: id: '],
    ['/api/portal/owners', { q: 'x'.repeat(101) }, 'Invalid owner search: q: Search for at most 100 characters'],
    ['/api/portal/owners', { q: 'ri', limit: '0' }, 'Invalid owner search: limit: limit must be at least 1'],
    ['/api/portal/owners', { q: 'ri', limit: 'ten' }, 'Invalid owner search: limit: '],
    ['/api/portal/owners', { q: 'ri', email: 'a' }, 'Invalid owner search: (root): Unrecognized key: "email"'],
    ['/api/portal/options', { fresh: 'yes' }, 'Invalid portal options query (it takes no parameters): (root): Unrecognized key: "fresh"'],
  ])('a bad query to %s %j is a 400 that names the problem', async (path, query, message) => {
    const res = await request(h.url).get(path).query(query).set(ADMIN_HEADERS);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toContain(message);
  });

  it('needs the admin key', async () => {
    expect((await request(h.url).get('/api/portal/options')).status).toBe(401);
  });
});
