import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { seedPortal } from '../../sandbox/seed';
import { createSandboxApp } from '../../sandbox/server';
import { TOKEN, apiError, buildContact, startCrmSandbox, type CrmSandbox } from './support/crm-sandbox';

let sandbox: CrmSandbox;
beforeEach(async () => { sandbox = await startCrmSandbox({ scale: 1000 }); });
afterEach(async () => { await sandbox.close(); });

type Filter = { propertyName: string; operator: `${FilterOperatorEnum}`; value?: string; values?: string[]; highValue?: string };
const search = (body: { filterGroups?: Array<{ filters: Filter[] }>; sorts?: unknown[]; limit?: number; after?: string; properties?: string[]; query?: string }) =>
  sandbox.client.crm.contacts.searchApi.doSearch({
    filterGroups: (body.filterGroups ?? []) as never, sorts: (body.sorts ?? []) as string[], limit: body.limit ?? 100,
    after: body.after ?? '0', properties: body.properties ?? ['email', 'firstname', 'lifecyclestage'], ...(body.query ? { query: body.query } : {}),
  });
const emails = (r: Awaited<ReturnType<typeof search>>) => r.results.map((x) => x.properties.email);

/** Contacts the portal already held when the test starts: indexed, so these tests are about filters, not the delay. */
function addContacts(list: Array<Record<string, string>>) {
  return list.map((p) => sandbox.portal.create('contacts', buildContact(p), { indexed: true }).id);
}

describe('filters and sorts', () => {
  beforeEach(() => {
    addContacts([
      { email: 'ana@alpha.org', firstname: 'Ana', lifecyclestage: 'lead', phone: '1' },
      { email: 'bo@beta.org', firstname: 'Bo', lifecyclestage: 'customer' },
      { email: 'cy@alpha.org', firstname: 'Cy', lifecyclestage: 'customer' },
      { email: 'di@gamma.org', firstname: 'Di' },
    ]);
  });

  test.each<[string, Filter, string[]]>([
    ['EQ is case-insensitive', { propertyName: 'email', operator: 'EQ', value: 'BO@beta.org' }, ['bo@beta.org']],
    ['NEQ includes records without the value', { propertyName: 'lifecyclestage', operator: 'NEQ', value: 'customer' }, ['ana@alpha.org', 'di@gamma.org']],
    ['IN', { propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'customer'] }, ['ana@alpha.org', 'bo@beta.org', 'cy@alpha.org']],
    ['NOT_IN', { propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['customer'] }, ['ana@alpha.org', 'di@gamma.org']],
    ['HAS_PROPERTY', { propertyName: 'phone', operator: 'HAS_PROPERTY' }, ['ana@alpha.org']],
    ['NOT_HAS_PROPERTY', { propertyName: 'lifecyclestage', operator: 'NOT_HAS_PROPERTY' }, ['di@gamma.org']],
    ['CONTAINS_TOKEN with a wildcard', { propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@alpha.org' }, ['ana@alpha.org', 'cy@alpha.org']],
    ['LT on text compares alphabetically', { propertyName: 'firstname', operator: 'LT', value: 'c' }, ['ana@alpha.org', 'bo@beta.org']],
  ])('%s', async (_name, filter, expected) => {
    const result = await search({ filterGroups: [{ filters: [filter] }] });
    expect(emails(result).sort()).toEqual(expected);
    expect(result.total).toBe(expected.length);
  });

  test('filters in a group are ANDed and groups are ORed', async () => {
    const result = await search({ filterGroups: [
      { filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }, { propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@alpha.org' }] },
      { filters: [{ propertyName: 'firstname', operator: 'EQ', value: 'di' }] },
    ] });
    expect(emails(result).sort()).toEqual(['cy@alpha.org', 'di@gamma.org']);
  });

  test('numeric and date comparisons use the property type (BETWEEN, GTE on createdate)', async () => {
    sandbox.clock.advance(3_600_000);
    const late = addContacts([{ email: 'late@delta.org' }]);
    const byDate = await search({ filterGroups: [{ filters: [{ propertyName: 'createdate', operator: 'GTE', value: String(Date.parse('2026-03-02T09:30:00Z')) }] }] });
    expect(byDate.results.map((r) => r.id)).toEqual(late);
    const ids = (await search({})).results.map((r) => Number(r.id));
    const between = await search({ filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'BETWEEN', value: String(ids[1]), highValue: String(ids[2]) }] }] });
    expect(between.results.map((r) => Number(r.id))).toEqual([ids[1], ids[2]]);
  });

  test('sorts ascending and descending; records without the value sort last', async () => {
    const asc = await search({ sorts: [{ propertyName: 'firstname', direction: 'ASCENDING' }] });
    expect(asc.results.map((r) => r.properties.firstname)).toEqual(['Ana', 'Bo', 'Cy', 'Di']);
    const desc = await search({ sorts: [{ propertyName: 'lifecyclestage', direction: 'DESCENDING' }] });
    expect(emails(desc)).toEqual(['ana@alpha.org', 'bo@beta.org', 'cy@alpha.org', 'di@gamma.org']);
  });

  test('free-text query matches names and emails', async () => {
    expect(emails(await search({ query: 'alpha' })).sort()).toEqual(['ana@alpha.org', 'cy@alpha.org']);
  });

  test('results carry the requested properties plus HubSpot\'s three', async () => {
    const result = await search({ properties: ['firstname'], limit: 1 });
    expect(Object.keys(result.results[0]!.properties).sort()).toEqual(['createdate', 'firstname', 'hs_object_id', 'lastmodifieddate']);
    expect(result.paging?.next?.after).toBe('1');
  });
});

describe('limits', () => {
  const filter: Filter = { propertyName: 'email', operator: 'HAS_PROPERTY' };
  const groupsOf = (...sizes: number[]) => sizes.map((n) => ({ filters: Array.from({ length: n }, () => filter) }));

  /** A search sent as raw JSON, so the body's exact length (whitespace included) is under the test's control. */
  const rawSearch = (body: string) => fetch(`${sandbox.url}/crm/v3/objects/contacts/search`, {
    method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body,
  });
  /** A valid search body padded with spaces to exactly `chars` characters. */
  const bodyOf = (chars: number) => {
    const json = JSON.stringify({ filterGroups: groupsOf(1), limit: 10 });
    return `${json.slice(0, -1)}${' '.repeat(chars - json.length)}}`;
  };

  test.each([
    ['6 filter groups', { filterGroups: groupsOf(1, 1, 1, 1, 1, 1) }, /filter groups \(6\)\. The maximum is 5/],
    ['7 filters in one group', { filterGroups: groupsOf(7) }, /filters in filter group 0 \(7\)\. The maximum per group is 6/],
    ['19 filters in all', { filterGroups: groupsOf(6, 6, 6, 1) }, /Too many filters \(19\)\. The maximum across all filter groups is 18/],
    ['two sorts', { sorts: [{ propertyName: 'email', direction: 'ASCENDING' }, { propertyName: 'firstname', direction: 'ASCENDING' }] }, /Too many sorts \(2\)\. The maximum is 1/],
    ['limit 201', { limit: 201 }, /limit 201 is too large\. The maximum is 200/],
  ])('%s is a 400 VALIDATION_ERROR in HubSpot\'s error shape', async (_name, body, message) => {
    const error = await apiError(search(body));
    expect(error.code).toBe(400);
    expect(error.body).toMatchObject({ status: 'error', category: 'VALIDATION_ERROR', message: expect.stringMatching(message) });
    expect(error.body.correlationId).toEqual(expect.any(String));
  });

  test('5 groups, 6 filters in a group, 18 in all, one sort and limit 200 are accepted', async () => {
    await expect(search({ filterGroups: groupsOf(6, 6, 4, 1, 1), sorts: [{ propertyName: 'email', direction: 'ASCENDING' }], limit: 200 }))
      .resolves.toMatchObject({ total: 0 });
  });

  test('a body of 3,000 characters is accepted and one of 3,001 refused, whitespace counted as sent', async () => {
    const atLimit = await rawSearch(bodyOf(3000));
    expect(atLimit.status).toBe(200);
    const over = await rawSearch(bodyOf(3001));
    expect(over.status).toBe(400);
    expect(await over.json()).toMatchObject({
      status: 'error', category: 'VALIDATION_ERROR', message: 'The search request body is 3001 characters long. The maximum is 3000.',
    });
  });

  test('long IN lists count toward the body limit', async () => {
    const values = Array.from({ length: 300 }, (_, i) => `value-${i}`);
    const error = await apiError(search({ filterGroups: [{ filters: [{ propertyName: 'firstname', operator: 'IN', values }] }] }));
    expect(error.code).toBe(400);
    expect(error.body.message).toMatch(/The maximum is 3000/);
  });

  test('paging past 10,000 results is refused, while hs_object_id slicing walks every record', async () => {
    seedPortal(sandbox.portal, { contacts: 10_250, owners: 1, seed: 7 });
    const page = await search({ limit: 200, after: '9800' });
    expect(page.total).toBe(10_250);
    expect(page.paging?.next?.after).toBe('10000');
    const refused = await apiError(search({ limit: 200, after: '10000' }));
    expect(refused.code).toBe(400);
    expect(refused.body.category).toBe('VALIDATION_ERROR');
    expect(refused.body.message).toContain('10000');

    const seen = new Set<string>();
    let lastId = '0';
    for (;;) {
      const slice = await search({
        filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: lastId }] }],
        sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], limit: 200, properties: ['email'],
      });
      for (const r of slice.results) seen.add(r.id);
      if (!slice.paging) break;
      lastId = slice.results[slice.results.length - 1]!.id;
    }
    expect(seen.size).toBe(10_250);
  });
});

describe('indexing delay', () => {
  const byEmail = (email: string) => search({ filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email }] }] });
  const byStage = (stage: string) => search({ filterGroups: [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ', value: stage }] }] });

  test('a new contact is found by search only 10 s after the create; reading it by id or email works at once', async () => {
    const created = await sandbox.client.crm.contacts.basicApi.create({ properties: buildContact({ email: 'new@delay.org' }), associations: [] });

    expect((await byEmail('new@delay.org')).total).toBe(0);
    await expect(sandbox.client.crm.contacts.basicApi.getById(created.id, ['email'])).resolves.toMatchObject({ id: created.id });
    const read = await sandbox.client.crm.contacts.batchApi.read({ inputs: [{ id: 'new@delay.org' }], idProperty: 'email', properties: ['email'], propertiesWithHistory: [] });
    expect(read.results.map((r) => r.id)).toEqual([created.id]);

    sandbox.clock.advance(9_999);
    expect((await byEmail('new@delay.org')).total).toBe(0);
    sandbox.clock.advance(1);
    const found = await byEmail('new@delay.org');
    expect(found.results.map((r) => r.id)).toEqual([created.id]);
  });

  test('an update is seen by search only 60 s later; until then search filters on and returns the old values', async () => {
    const [id] = addContacts([{ email: 'mover@delay.org', lifecyclestage: 'lead' }]);
    const createdAt = sandbox.clock.now();
    sandbox.clock.advance(1_000);
    await sandbox.client.crm.contacts.basicApi.update(id!, { properties: { lifecyclestage: 'customer' } });

    expect((await byStage('customer')).total).toBe(0);
    const stale = await byStage('lead');
    expect(stale.results.map((r) => [r.id, r.properties.lifecyclestage])).toEqual([[id, 'lead']]);
    expect(stale.results[0]!.updatedAt.getTime()).toBe(createdAt);
    expect(stale.results[0]!.properties.lastmodifieddate).toBe(new Date(createdAt).toISOString());
    expect((await sandbox.client.crm.contacts.basicApi.getById(id!, ['lifecyclestage'])).properties.lifecyclestage).toBe('customer');

    sandbox.clock.advance(59_999);
    expect((await byStage('customer')).total).toBe(0);
    sandbox.clock.advance(1);
    const fresh = await byStage('customer');
    expect(fresh.results.map((r) => [r.id, r.properties.lifecyclestage])).toEqual([[id, 'customer']]);
    expect(fresh.results[0]!.updatedAt.getTime()).toBe(createdAt + 1_000);
    expect((await byStage('lead')).total).toBe(0);
  });

  test('each update becomes searchable on its own schedule; a cleared value reappears until its clearing is indexed', async () => {
    const [id] = addContacts([{ email: 'twice@delay.org', lifecyclestage: 'subscriber', phone: '123' }]);
    await sandbox.client.crm.contacts.basicApi.update(id!, { properties: { lifecyclestage: 'lead', phone: '' } });
    sandbox.clock.advance(30_000);
    await sandbox.client.crm.contacts.basicApi.update(id!, { properties: { lifecyclestage: 'customer' } });

    const hasPhone = () => search({ filterGroups: [{ filters: [{ propertyName: 'phone', operator: 'HAS_PROPERTY' }] }] });
    expect((await byStage('subscriber')).total).toBe(1);
    expect((await hasPhone()).total).toBe(1);
    sandbox.clock.advance(30_000);
    expect((await byStage('lead')).total).toBe(1);
    expect((await hasPhone()).total).toBe(0);
    sandbox.clock.advance(30_000);
    expect((await byStage('customer')).total).toBe(1);
  });

  test('the delays are configurable, and a bad environment value fails at start naming the variable', async () => {
    await sandbox.close();
    sandbox = await startCrmSandbox({ scale: 1000, indexingDelay: { createMs: 2_000 } });
    const created = await sandbox.client.crm.contacts.basicApi.create({ properties: buildContact({ email: 'quick@delay.org' }), associations: [] });
    sandbox.clock.advance(2_000);
    expect((await byEmail('quick@delay.org')).results.map((r) => r.id)).toEqual([created.id]);
    expect(sandbox.portal.indexingDelay).toEqual({ createMs: 2_000, updateMs: 60_000 });

    await sandbox.close();
    // Turning the create delay off is what this test is about: the switch `npm start` users have.
    sandbox = await startCrmSandbox({ scale: 1000, env: { SANDBOX_INDEX_CREATE_MS: '0', SANDBOX_INDEX_UPDATE_MS: '5000' } });
    expect(sandbox.portal.indexingDelay).toEqual({ createMs: 0, updateMs: 5_000 });
    expect(await (await fetch(`${sandbox.url}/sandbox`)).json()).toMatchObject({ indexingDelay: { createMs: 0, updateMs: 5_000 } });
    await sandbox.client.crm.contacts.basicApi.create({ properties: buildContact({ email: 'now@delay.org' }), associations: [] });
    expect((await byEmail('now@delay.org')).total).toBe(1);

    expect(() => createSandboxApp({ env: { SANDBOX_INDEX_UPDATE_MS: 'soon' } })).toThrow(/SANDBOX_INDEX_UPDATE_MS/);
  });
});
