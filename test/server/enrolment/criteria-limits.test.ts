import request from 'supertest';
import { executeRun } from '../../../server/enrolment/bulk-enrolment';
import { BULK_PROPERTIES, BY_ID_ASCENDING, SEARCH_PAGE_SIZE, contactMatchGroups, enrolmentSearch } from '../../../server/enrolment/criteria';
import { claimRun } from '../../../server/enrolment/runs';
import { P } from '../../../server/hubspot/properties';
import { ENROLMENT_SEARCH_RESERVE, parseProgram, SEARCH_LIMITS, type SearchFilter } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, buildProgram, startHarness, type Harness } from '../../support/harness';
import { dashboardLinksFor } from '../../../server/dashboard/dashboard-token';

const condition = (i: number): SearchFilter => ({ propertyName: 'lifecyclestage', operator: 'NEQ', value: `stage${i}` });
const rule = (n: number, from = 0) => ({ filters: Array.from({ length: n }, (_, i) => condition(from + i)) });
/** A rule whose one IN condition makes the criteria's JSON exactly `chars` long (at least its length with one short value). */
function criteriaOfLength(chars: number): Array<{ filters: SearchFilter[] }> {
  const criteria = [{ filters: [{ propertyName: 'firstname', operator: 'IN' as const, values: ['x'] }] }];
  const length = JSON.stringify({ filterGroups: criteria }).length;
  criteria[0]!.filters[0]!.values = ['x'.repeat(1 + Math.max(0, chars - length))];
  return criteria;
}

test('whatever criteria a program may save, every search enrolment sends stays within 3,000 characters', () => {
  for (let groups = 1; groups <= SEARCH_LIMITS.maxFilterGroups; groups++) {
    // The longest criteria of this many rules that parseProgram accepts.
    const allowed = SEARCH_LIMITS.maxBodyChars - ENROLMENT_SEARCH_RESERVE.chars - groups * ENROLMENT_SEARCH_RESERVE.charsPerGroup;
    const criteria = [...Array.from({ length: groups - 1 }, (_, i) => rule(1, i)), ...criteriaOfLength(0)];
    const values = criteria[groups - 1]!.filters[0]!.values!;
    values[0] += 'x'.repeat(allowed - JSON.stringify({ filterGroups: criteria }).length);
    expect(JSON.stringify({ filterGroups: criteria }).length).toBe(allowed);
    const parsed = parseProgram(buildProgram({ enrolment: { criteria } }));
    if (!parsed.ok) throw new Error(`refused: ${JSON.stringify(parsed.issues)}`);
    const worst = enrolmentSearch(parsed.program, { after: '9'.repeat(20), upTo: null }, BY_ID_ASCENDING, SEARCH_PAGE_SIZE, BULK_PROPERTIES);
    expect(JSON.stringify(worst).length).toBeLessThanOrEqual(SEARCH_LIMITS.maxBodyChars);
  }
});

describe.each(dialects)('enrolment criteria must fit one HubSpot search (%s)', (dialect) => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ dialect, sandbox: { scale: 20 } }); });
  afterAll(() => h.close());

  const put = (criteria: unknown, id = 'spring') =>
    request(h.url).put(`/api/programs/${id}`).set(ADMIN_HEADERS).send(buildProgram({ id, enrolment: { criteria: criteria as never } }));

  test.each([
    ['5 conditions in one rule (enrolment adds 2 to each; HubSpot allows 6 per group)', [rule(5)],
      'enrolment.criteria.0.filters.4.propertyName', /Rule 1 has 5 conditions.*at most 4/],
    ['11 conditions in 4 rules (with 8 added that is 19; HubSpot allows 18)', [rule(3), rule(3, 3), rule(3, 6), rule(2, 9)],
      'enrolment.criteria.3.filters.1.propertyName', /11 conditions in 4 groups.*may have 10 conditions in all/],
    ['6 rules (HubSpot allows 5 groups)', Array.from({ length: 6 }, (_, i) => rule(1, i)),
      'enrolment.criteria.5.filters.0.propertyName', /at most 5 enrolment rules.*this is rule 6/],
    ['an IN list too long for HubSpot\'s 3,000-character search body', [rule(1), ...criteriaOfLength(2_900)],
      'enrolment.criteria.1.filters.0.propertyName', /search of \d+ characters.*allows 3000.*longest/],
  ])('%s: refused with a 400 naming the condition, nothing written', async (_name, criteria, path, message) => {
    const res = await put(criteria, 'limits');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues).toEqual([{ path, message: expect.stringMatching(message) }]);
    expect(res.body.error.message).toContain(path);
    expect((await request(h.url).get('/api/programs/limits').set(ADMIN_HEADERS)).status).toBe(404);
  });

  test('criteria at every limit are saved, and a bulk run searches with them as HubSpot (the sandbox) accepts', async () => {
    const widest = [rule(4), rule(4, 4), rule(4, 8)]; // 12 conditions + 2 × 3 added = 18 filters, 6 per group
    const saved = await put(widest);
    expect(saved.status).toBe(201);
    const longest = criteriaOfLength(SEARCH_LIMITS.maxBodyChars - 280); // what ENROLMENT_SEARCH_RESERVE leaves for one rule
    expect(parseProgram(buildProgram({ enrolment: { criteria: longest } })).ok).toBe(true);
    expect(parseProgram(buildProgram({ enrolment: { criteria: criteriaOfLength(SEARCH_LIMITS.maxBodyChars - 279) } })).ok).toBe(false);

    for (const [id, criteria] of [['widest', widest], ['longest', longest]] as const) {
      expect((await put(criteria, id)).status).toBe(201);
      const program = parseProgram(buildProgram({ id, status: 'active', enrolment: { criteria } }));
      if (!program.ok) throw new Error('invalid');
      // The largest request enrolment can send: ids of 20 digits, both range bounds if they fit, else one.
      const worst = enrolmentSearch(program.program, { after: '9'.repeat(20), upTo: null }, BY_ID_ASCENDING, SEARCH_PAGE_SIZE, BULK_PROPERTIES);
      expect(JSON.stringify(worst).length).toBeLessThanOrEqual(SEARCH_LIMITS.maxBodyChars);
      expect(JSON.stringify({ filterGroups: contactMatchGroups(program.program, '9'.repeat(20)), properties: ['hs_object_id'], limit: 1 }).length)
        .toBeLessThanOrEqual(SEARCH_LIMITS.maxBodyChars);

      const [match] = addContacts(h, 1, () => ({ lifecyclestage: 'customer', firstname: criteria[0]!.filters[0]!.propertyName === 'firstname' ? (criteria[0]!.filters[0]!.values as string[])[0]! : 'Ann' }));
      const claim = await claimRun(h.database.db, id, false, Date.now());
      const run = await executeRun({ database: h.database, gateway: h.gateway, clock: Date.now, publicBaseUrl: h.url, dashboardLinks: dashboardLinksFor(h.service.ctx.config), logger: h.service.ctx.logger },
        program.program, claim.run, { type: 'admin', id: 'test' });
      expect(run.status).toBe('done');
      expect(h.sandbox.portal.get('contacts', match!)!.properties[P.code]).toBeDefined();
    }
  });

  test('a program stored under HubSpot\'s older, looser limits stays readable; a bulk run on it stops before searching, saying why', async () => {
    const stored = parseProgram(buildProgram({ id: 'legacy', status: 'active' }));
    if (!stored.ok) throw new Error('invalid');
    const legacy = { ...stored.program, enrolment: { ...stored.program.enrolment, criteria: [rule(5)] } };
    await h.database.db.insertInto('programs').values({ id: 'legacy', name: legacy.name, status: legacy.status, config: JSON.stringify(legacy), created_at: 1, updated_at: 1 }).execute();

    const read = await request(h.url).get('/api/programs/legacy').set(ADMIN_HEADERS);
    expect(read.status).toBe(200);
    expect(read.body.program.enrolment.criteria[0].filters).toHaveLength(5);
    const claim = await claimRun(h.database.db, 'legacy', false, Date.now());
    await expect(executeRun({ database: h.database, gateway: h.gateway, clock: Date.now, publicBaseUrl: h.url, dashboardLinks: dashboardLinksFor(h.service.ctx.config), logger: h.service.ctx.logger },
      legacy, claim.run, { type: 'admin', id: 'test' })).rejects.toThrow(/do not fit one HubSpot search: Rule 1 has 5 conditions/);
  });
});
