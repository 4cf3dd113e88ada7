import type { SearchFilter } from '../../../src/app/packages/domain/program';
import { criteriaVerdicts, matchesCriteriaNow } from '../../../server/enrolment/criteria-match';
import { buildContact, startCrmSandbox, type CrmSandbox } from '../../sandbox/support/crm-sandbox';

/**
 * Judging criteria on a contact read by id must agree with HubSpot's search on contacts search has
 * indexed: each case runs the same filters both ways, through the sandbox's search and in process.
 */
let sandbox: CrmSandbox;
let ids: string[];

beforeAll(async () => {
  sandbox = await startCrmSandbox({ scale: 1000 });
  sandbox.portal.properties.create('contacts', { name: 'score', label: 'Score', type: 'number', fieldType: 'number', groupName: 'contactinformation' });
  const people: Array<Record<string, string>> = [
    { email: 'ana@alpha.org', firstname: 'Ana', lifecyclestage: 'lead', phone: '1', score: '9', createdate: '2026-01-05T10:00:00.000Z' },
    { email: 'bo@beta.org', firstname: 'Bo', lifecyclestage: 'customer', score: '10', createdate: '2026-02-10T10:00:00.000Z' },
    { email: 'cy@alpha.org', firstname: 'cy', lifecyclestage: 'customer', score: '100', createdate: '2026-03-01T00:00:00.000Z' },
    { email: 'di@gamma.org', firstname: 'Di', createdate: '2025-12-31T23:59:59.000Z' },
    { email: 'ed@delta.org', firstname: 'Ed', lifecyclestage: 'evangelist', score: '-3', createdate: '2026-02-10T10:00:00.000Z' },
  ];
  // Contacts the portal held before: indexed, so search is the reference here, not the delay.
  ids = people.map((p) => sandbox.portal.create('contacts', buildContact(p), { indexed: true }).id);
});
afterAll(() => sandbox.close());

const f = (filter: Partial<SearchFilter> & Pick<SearchFilter, 'propertyName' | 'operator'>) => filter as SearchFilter;
const cases: Array<[string, SearchFilter[][]]> = [
  ['EQ on text ignores case', [[f({ propertyName: 'firstname', operator: 'EQ', value: 'CY' })]]],
  ['EQ on an enumeration', [[f({ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' })]]],
  ['NEQ keeps contacts without the property', [[f({ propertyName: 'lifecyclestage', operator: 'NEQ', value: 'customer' })]]],
  ['IN', [[f({ propertyName: 'lifecyclestage', operator: 'IN', values: ['lead', 'evangelist'] })]]],
  ['NOT_IN', [[f({ propertyName: 'lifecyclestage', operator: 'NOT_IN', values: ['lead', 'customer'] })]]],
  ['HAS_PROPERTY', [[f({ propertyName: 'phone', operator: 'HAS_PROPERTY' })]]],
  ['NOT_HAS_PROPERTY', [[f({ propertyName: 'lifecyclestage', operator: 'NOT_HAS_PROPERTY' })]]],
  ['GT on a number compares values, not text', [[f({ propertyName: 'score', operator: 'GT', value: '9' })]]],
  ['LTE on a negative number', [[f({ propertyName: 'score', operator: 'LTE', value: '9' })]]],
  ['BETWEEN numbers', [[f({ propertyName: 'score', operator: 'BETWEEN', value: '0', highValue: '10' })]]],
  ['GTE on a datetime with epoch milliseconds', [[f({ propertyName: 'createdate', operator: 'GTE', value: String(Date.parse('2026-02-10T10:00:00Z')) })]]],
  ['LT on a datetime with a date', [[f({ propertyName: 'createdate', operator: 'LT', value: '2026-01-01' })]]],
  ['LT on text is alphabetical and ignores case', [[f({ propertyName: 'firstname', operator: 'LT', value: 'c' })]]],
  ['CONTAINS_TOKEN with a wildcard', [[f({ propertyName: 'email', operator: 'CONTAINS_TOKEN', value: '*@alpha.org' })]]],
  ['NOT_CONTAINS_TOKEN', [[f({ propertyName: 'email', operator: 'NOT_CONTAINS_TOKEN', value: '*@alpha.org' })]]],
  ['filters in a group are ANDed, groups ORed', [
    [f({ propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' }), f({ propertyName: 'score', operator: 'GTE', value: '50' })],
    [f({ propertyName: 'firstname', operator: 'EQ', value: 'di' })],
  ]],
];

test.each(cases)('%s: the same contacts as HubSpot search', async (_name, groups) => {
  const criteria = groups.map((filters) => ({ filters }));
  const found = await sandbox.client.crm.contacts.searchApi.doSearch({ filterGroups: criteria as never, limit: 100, properties: ['email'] });
  const bySearch = found.results.map((r) => r.id).sort();
  const now = ids.filter((id) => matchesCriteriaNow(criteria, sandbox.portal.get('contacts', id)!.properties)).sort();
  expect(now).toEqual(bySearch);
  // The "why?" verdicts, group by group, say the same.
  expect(ids.filter((id) => criteriaVerdicts(criteria, sandbox.portal.get('contacts', id)!.properties).some((g) => g.matched)).sort()).toEqual(bySearch);
  // Each case tells contacts apart: some match, some do not.
  expect(bySearch.length).toBeGreaterThan(0);
  expect(bySearch.length).toBeLessThan(ids.length);
});
