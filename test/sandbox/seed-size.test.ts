import { Portal } from '../../sandbox/portal';
import { search } from '../../sandbox/crm/search';
import { objectType } from '../../sandbox/crm/object-types';
import { seedPortal } from '../../sandbox/seed';

/** Size check for benchmarks: 100,000 contacts. Time and memory are printed, not asserted. */
test('seeds 100,000 contacts and searches them by hs_object_id slices', () => {
  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const portal = new Portal();
  const summary = seedPortal(portal, { contacts: 100_000, companies: 2_000, deals: 10_000, owners: 20, seed: 1 });
  const seedMs = performance.now() - started;
  global.gc?.();
  const rss = process.memoryUsage().rss;

  const contacts = objectType('contacts');
  const searchStarted = performance.now();
  const result = search(portal, contacts, {
    filterGroups: [{ filters: [{ propertyName: 'hs_object_id', operator: 'GT', value: String(portal.records('contacts').next().value!.numericId + 50_000) }] }],
    sorts: [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }], limit: 200,
  });
  const searchMs = performance.now() - searchStarted;

  console.log(`seed: ${summary.contacts} contacts, ${summary.companies} companies, ${summary.deals} deals in ${(seedMs / 1000).toFixed(1)} s; ` +
    `RSS ${(rss / 2 ** 20).toFixed(0)} MB (was ${(rssBefore / 2 ** 20).toFixed(0)} MB); slice search over 100k in ${searchMs.toFixed(1)} ms`);
  expect(summary.contacts).toBe(100_000);
  expect(portal.count('contacts')).toBe(100_000);
  expect(result.total).toBeGreaterThan(0);
  expect((result.results as unknown[]).length).toBe(200);
});
