import type { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { seedPortal } from '../../sandbox/seed';
import { apiError, buildContact, startCrmSandbox, type CrmSandbox } from './support/crm-sandbox';

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

function addContacts(list: Array<Record<string, string>>) {
  return list.map((p) => sandbox.portal.create('contacts', buildContact(p)).id);
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
    const desc = await search({ sorts: [{ propertyName: 'lifecyclestage', direction: 'DESCENDING' }, { propertyName: 'email', direction: 'ASCENDING' }] });
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

  test.each([
    ['6 filter groups', { filterGroups: Array.from({ length: 6 }, () => ({ filters: [filter] })) }],
    ['11 filters in one group', { filterGroups: [{ filters: Array.from({ length: 11 }, () => filter) }] }],
    ['26 filters in all', { filterGroups: Array.from({ length: 3 }, () => ({ filters: Array.from({ length: 9 }, () => filter) })) }],
    ['limit 201', { limit: 201 }],
  ])('%s is a 400 VALIDATION_ERROR', async (_name, body) => {
    const error = await apiError(search(body));
    expect(error.code).toBe(400);
    expect(error.body.category).toBe('VALIDATION_ERROR');
  });

  test('5 groups and 25 filters (10 in a group) are accepted', async () => {
    const groups = [10, 5, 5, 3, 2].map((n) => ({ filters: Array.from({ length: n }, () => filter) }));
    await expect(search({ filterGroups: groups })).resolves.toMatchObject({ total: 0 });
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
