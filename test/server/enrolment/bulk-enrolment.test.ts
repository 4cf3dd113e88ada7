import request from 'supertest';
import { PARALLEL_RANGES, executeRun } from '../../../server/enrolment/bulk-enrolment';
import { claimRun } from '../../../server/enrolment/runs';
import { formatProgress } from '../../../server/enrolment/progress';
import { createEnrolmentFeature } from '../../../server/enrolment/routes';
import { P } from '../../../server/hubspot/properties';
import type { Program } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, createProgram, startHarness, type Harness } from '../../support/harness';
import { dashboardLinksFor } from '../../../server/dashboard/dashboard-token';

const SEARCH = 'POST /crm/v3/objects/contacts/search';
const BATCH_UPDATE = 'POST /crm/v3/objects/contacts/batch/update';
const BATCH_READ = 'POST /crm/v3/objects/contacts/batch/read';
const ADMIN = { type: 'admin' as const, id: 'test' };
const customers = [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ' as const, value: 'customer' }] }];

async function calls(h: Harness): Promise<Record<string, number>> {
  const res = await fetch(`${h.sandbox.url}/sandbox/stats`);
  return ((await res.json()) as { byEndpoint: Record<string, number> }).byEndpoint;
}

function deps(h: Harness) {
  return { database: h.database, gateway: h.gateway, clock: Date.now, publicBaseUrl: h.url, dashboardLinks: dashboardLinksFor(h.service.ctx.config), logger: h.service.ctx.logger };
}

async function run(h: Harness, program: Program, hooks = {}, dryRun = false, parallelRanges = PARALLEL_RANGES) {
  const claim = await claimRun(h.database.db, program.id, dryRun, Date.now());
  if (claim.kind === 'busy') throw new Error('run busy');
  return executeRun({ ...deps(h), parallelRanges }, program, claim.run, ADMIN, hooks);
}

/** Every contact has one enrolment, one audit row, and HubSpot shows the ledger's code. */
async function expectEnrolledOnce(h: Harness, program: Program, ids: string[]) {
  const codes = await ledgerCodes(h, program.id);
  expect(codes.size).toBe(ids.length);
  expect(new Set(codes.values()).size).toBe(ids.length);
  for (const id of ids) expect(h.sandbox.portal.get('contacts', id)!.properties[P.code]).toBe(codes.get(id));
  const audited = await h.database.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('entity', '=', 'enrolment').executeTakeFirstOrThrow();
  expect(Number(audited.n)).toBe(ids.length);
}

async function ledgerCodes(h: Harness, programId: string) {
  const rows = await h.database.db.selectFrom('enrolments').select(['contact_id', 'code']).where('program_id', '=', programId).execute();
  return new Map(rows.map((r) => [r.contact_id, r.code]));
}

describe('bulk enrolment', () => {
  let h: Harness;
  afterEach(() => h?.close());

  it('walks past the 10,000-results cap and enrols every matching contact once, in batches of 100', async () => {
    h = await startHarness({ sandbox: { scale: 50 } });
    const program = await createProgram(h, { enrolment: { criteria: customers } });
    const matching = addContacts(h, 10_250, () => ({ lifecyclestage: 'customer' }));
    const others = addContacts(h, 300, () => ({ lifecyclestage: 'lead' }));

    const done = await run(h, program);

    expect(done.status).toBe('done');
    expect(done.counts).toMatchObject({ seen: 10_250, enrolled: 10_250, failed: 0 });
    expect(JSON.parse(done.cursor!)).toEqual({ ranges: [] });
    const codes = await ledgerCodes(h, program.id);
    expect(codes.size).toBe(10_250);
    expect(new Set(codes.values()).size).toBe(10_250);
    for (const id of [matching[0]!, matching[5_000]!, matching[10_249]!]) {
      const props = h.sandbox.portal.get('contacts', id)!.properties;
      expect(props[P.code]).toBe(codes.get(id));
      expect(props[P.link]).toBe(`${h.url}/r/${codes.get(id)}`);
      expect(props[P.program]).toBe(program.id);
    }
    expect(h.sandbox.portal.get('contacts', others[0]!)!.properties[P.code]).toBeUndefined();
    // Minimum: 52 searches, 103 batch updates. Walking ranges in parallel adds the search for the highest id
    // and at most one partial page (one search, one short batch) per range.
    const used = await calls(h);
    expect(used[SEARCH]).toBe(done.counts.searches);
    expect(used[SEARCH]).toBeLessThanOrEqual(52 + 1 + PARALLEL_RANGES);
    expect(used[BATCH_UPDATE]).toBeLessThanOrEqual(103 + PARALLEL_RANGES);
  });

  it.each(dialects)('resumes after a crash mid-page without enrolling anyone twice or repeating more than the in-flight page (%s)', async (dialect) => {
    h = await startHarness({ dialect, sandbox: { scale: 20 } });
    const program = await createProgram(h);
    const ids = addContacts(h, 1_000);

    const crash = new Error('process killed');
    await expect(run(h, program, { afterBatch: (page: number, batch: number) => { if (page === 3 && batch === 0) throw crash; } }, false, 1)).rejects.toBe(crash);
    const failed = await h.database.db.selectFrom('bulk_runs').selectAll().executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');

    const resumed = await run(h, program, {}, false, 1);
    expect(resumed.id).toBe(failed.id);
    expect(resumed.status).toBe('done');
    expect(resumed.counts.resumes).toBe(1);
    expect(resumed.counts.enrolled + resumed.counts.alreadyEnrolled).toBe(1_000);
    await expectEnrolledOnce(h, program, ids);
    // Minimum: 5 searches, 10 batch updates. A crash costs at most the page in flight: search still shows its
    // written half without a code (the sandbox's indexing delay is on, as in HubSpot), so the resumed run reads
    // the page's contacts back once (they are in the ledger) and leaves out those that have their code.
    const used = await calls(h);
    expect(used[BATCH_UPDATE]).toBeLessThanOrEqual(10 + 1);
    expect(used[SEARCH]).toBeLessThanOrEqual(5 + 3);
    expect(used[BATCH_READ]).toBeLessThanOrEqual(2);
  });

  it('walks id ranges in parallel and resumes each from its own cursor after a crash', async () => {
    h = await startHarness({ sandbox: { scale: 20 } });
    const program = await createProgram(h);
    const ids = addContacts(h, 3_000);

    // The process dies with one page stored in the ledger but not written to HubSpot, while other ranges are mid-walk.
    const crash = new Error('process killed');
    await expect(run(h, program, { afterReserve: (page: number) => { if (page === 6) throw crash; } })).rejects.toBe(crash);
    const failed = await h.database.db.selectFrom('bulk_runs').selectAll().executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');
    const left = JSON.parse(failed.cursor!) as { ranges: Array<{ after: string | null; upTo: string | null }> };
    expect(left.ranges).toHaveLength(PARALLEL_RANGES);
    // Disjoint, and between them they cover every contact not yet written.
    const written = ids.filter((id) => h.sandbox.portal.get('contacts', id)!.properties[P.code] !== undefined);
    expect(written.length).toBeGreaterThan(0);
    for (const id of ids) {
      const holders = left.ranges.filter((r) => (r.after === null || Number(id) > Number(r.after)) && (r.upTo === null || Number(id) <= Number(r.upTo)));
      expect(holders.length).toBeLessThanOrEqual(1);
      if (!written.includes(id)) expect(holders).toHaveLength(1);
    }

    const resumed = await run(h, program);
    expect(resumed).toMatchObject({ id: failed.id, status: 'done', counts: { resumes: 1, failed: 0, remaining: 0 } });
    expect(resumed.counts.enrolled + resumed.counts.alreadyEnrolled).toBe(3_000);
    expect(JSON.parse(resumed.cursor!)).toEqual({ ranges: [] });
    await expectEnrolledOnce(h, program, ids);
    // Minimum: 15 searches, 30 batch updates. Extra: the highest-id search, a partial page per range, and the
    // crashed page (written by the resumed run) plus the pages searched ahead (searched again).
    const used = await calls(h);
    expect(used[BATCH_UPDATE]).toBeLessThanOrEqual(30 + PARALLEL_RANGES + 2);
    expect(used[SEARCH]).toBeLessThanOrEqual(15 + 1 + PARALLEL_RANGES + 2 * PARALLEL_RANGES);
  });

  it('leaves out a contact enrolled elsewhere moments ago, which search still shows without a code', async () => {
    h = await startHarness({ sandbox: { scale: 20 } });
    await createProgram(h, { id: 'autumn' });
    const program = await createProgram(h);
    const ids = addContacts(h, 30);
    const card = await request(h.url).post('/api/programs/autumn/enrolments').set(ADMIN_HEADERS).send({ contactId: ids[7] });
    expect(card.status).toBe(201);
    const stale = await h.hubspot.crm.contacts.searchApi.doSearch({ filterGroups: [{ filters: [{ propertyName: P.code, operator: 'NOT_HAS_PROPERTY' as never }] }], limit: 100 });
    expect(stale.results.map((r) => r.id)).toContain(ids[7]);

    const done = await run(h, program);

    expect(done.counts).toMatchObject({ enrolled: 29, alreadyEnrolled: 0, failed: 0 });
    expect((await ledgerCodes(h, program.id)).has(ids[7]!)).toBe(false);
    expect(h.sandbox.portal.get('contacts', ids[7]!)!.properties).toMatchObject({ [P.code]: card.body.enrolment.code, [P.program]: 'autumn' });
  });

  it('a dry run reports what would change and writes nothing to HubSpot or the ledger', async () => {
    h = await startHarness({ sandbox: { scale: 20 } });
    const program = await createProgram(h);
    const ids = addContacts(h, 450);

    const dry = await run(h, program, {}, true);

    expect(dry).toMatchObject({ status: 'done', dryRun: true, counts: { enrolled: 450, alreadyEnrolled: 0 } });
    expect(formatProgress(dry)).toContain('would enrol 450');
    expect((await ledgerCodes(h, program.id)).size).toBe(0);
    expect(h.sandbox.portal.get('contacts', ids[0]!)!.properties[P.code]).toBeUndefined();
    expect((await calls(h))[BATCH_UPDATE]).toBeUndefined();
  });

  it('starts over HTTP and reports progress with rate at GET /api/enrolment-runs/:id', async () => {
    let settled: (id: string) => void = () => undefined;
    const finished = new Promise<string>((resolve) => { settled = resolve; });
    h = await startHarness({
      sandbox: { scale: 20 },
      features: (gateway) => [createEnrolmentFeature({ gateway: () => gateway, onRunSettled: (r) => settled(r?.id ?? 'failed') })],
    });
    await createProgram(h);
    addContacts(h, 250);

    const started = await request(h.url).post('/api/programs/spring/enrolment-runs').set(ADMIN_HEADERS).send({});
    expect(started.status).toBe(202);
    expect(await finished).toBe(started.body.run.id);
    const progress = await request(h.url).get(`/api/enrolment-runs/${started.body.run.id}`).set(ADMIN_HEADERS);
    expect(progress.body.run).toMatchObject({ status: 'done', counts: { enrolled: 250 }, etaSeconds: 0 });
    expect(progress.body.run.ratePerSecond).toBeGreaterThan(0);

    const unknown = await request(h.url).post('/api/programs/nope/enrolment-runs').set(ADMIN_HEADERS).send({});
    expect(unknown.status).toBe(404);
    const bad = await request(h.url).post('/api/programs/spring/enrolment-runs').set(ADMIN_HEADERS).send({ dryRun: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/dryRun/);
  });
});
