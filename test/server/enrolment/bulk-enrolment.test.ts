import request from 'supertest';
import { executeRun } from '../../../server/enrolment/bulk-enrolment';
import { claimRun } from '../../../server/enrolment/runs';
import { formatProgress } from '../../../server/enrolment/progress';
import { P } from '../../../server/hubspot/properties';
import type { Program } from '../../../src/domain/program';
import { addContacts, admin, createProgram, startStack, type Stack } from './fixtures';

const SEARCH = 'POST /crm/v3/objects/contacts/search';
const BATCH_UPDATE = 'POST /crm/v3/objects/contacts/batch/update';
const ADMIN = { type: 'admin' as const, id: 'test' };
const customers = [{ filters: [{ propertyName: 'lifecyclestage', operator: 'EQ' as const, value: 'customer' }] }];

async function calls(stack: Stack): Promise<Record<string, number>> {
  const res = await fetch(`${stack.sandbox.url}/sandbox/stats`);
  return ((await res.json()) as { byEndpoint: Record<string, number> }).byEndpoint;
}

function deps(stack: Stack) {
  return { database: stack.database, gateway: stack.gateway, clock: Date.now, publicBaseUrl: stack.ctx.config.publicBaseUrl, logger: stack.ctx.logger };
}

async function run(stack: Stack, program: Program, hooks = {}, dryRun = false) {
  const claim = await claimRun(stack.database.db, program.id, dryRun, Date.now());
  if (claim.kind === 'busy') throw new Error('run busy');
  return executeRun(deps(stack), program, claim.run, ADMIN, hooks);
}

async function ledgerCodes(stack: Stack, programId: string) {
  const rows = await stack.database.db.selectFrom('enrolments').select(['contact_id', 'code']).where('program_id', '=', programId).execute();
  return new Map(rows.map((r) => [r.contact_id, r.code]));
}

describe('bulk enrolment', () => {
  let stack: Stack;
  afterEach(() => stack?.close());

  it('walks past the 10,000-results cap and enrols every matching contact once, in batches of 100', async () => {
    stack = await startStack({ sandbox: { scale: 50 } });
    const program = await createProgram(stack, { enrolment: { criteria: customers } });
    const matching = addContacts(stack, 10_250, () => ({ lifecyclestage: 'customer' }));
    const others = addContacts(stack, 300, () => ({ lifecyclestage: 'lead' }));

    const done = await run(stack, program);

    expect(done.status).toBe('done');
    expect(done.counts).toMatchObject({ seen: 10_250, enrolled: 10_250, failed: 0, searches: 52, batchUpdates: 103 });
    const codes = await ledgerCodes(stack, program.id);
    expect(codes.size).toBe(10_250);
    expect(new Set(codes.values()).size).toBe(10_250);
    for (const id of [matching[0]!, matching[5_000]!, matching[10_249]!]) {
      const props = stack.sandbox.portal.get('contacts', id)!.properties;
      expect(props[P.code]).toBe(codes.get(id));
      expect(props[P.link]).toBe(`http://service.test/r/${codes.get(id)}`);
      expect(props[P.program]).toBe(program.id);
    }
    expect(stack.sandbox.portal.get('contacts', others[0]!)!.properties[P.code]).toBeUndefined();
    expect(await calls(stack)).toMatchObject({ [SEARCH]: 52, [BATCH_UPDATE]: 103 });
  });

  it('resumes after a crash mid-page without enrolling anyone twice or repeating more than the in-flight page', async () => {
    stack = await startStack({ sandbox: { scale: 20 } });
    const program = await createProgram(stack);
    const ids = addContacts(stack, 1_000);

    const crash = new Error('process killed');
    await expect(run(stack, program, { afterBatch: (page: number, batch: number) => { if (page === 3 && batch === 0) throw crash; } })).rejects.toBe(crash);
    const failed = await stack.database.db.selectFrom('bulk_runs').selectAll().executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');

    const resumed = await run(stack, program);
    expect(resumed.id).toBe(failed.id);
    expect(resumed.status).toBe('done');
    expect(resumed.counts.resumes).toBe(1);
    expect(resumed.counts.enrolled + resumed.counts.alreadyEnrolled).toBe(1_000);

    const codes = await ledgerCodes(stack, program.id);
    expect(codes.size).toBe(1_000);
    for (const id of ids) expect(stack.sandbox.portal.get('contacts', id)!.properties[P.code]).toBe(codes.get(id));
    const audited = await stack.database.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('entity', '=', 'enrolment').executeTakeFirstOrThrow();
    expect(Number(audited.n)).toBe(1_000);
    // Minimum: 5 searches, 10 batch updates. A crash costs at most the page in flight.
    const used = await calls(stack);
    expect(used[BATCH_UPDATE]).toBeLessThanOrEqual(10 + 1);
    expect(used[SEARCH]).toBeLessThanOrEqual(5 + 2);
  });

  it('a dry run reports what would change and writes nothing to HubSpot or the ledger', async () => {
    stack = await startStack({ sandbox: { scale: 20 } });
    const program = await createProgram(stack);
    const ids = addContacts(stack, 450);

    const dry = await run(stack, program, {}, true);

    expect(dry).toMatchObject({ status: 'done', dryRun: true, counts: { enrolled: 450, alreadyEnrolled: 0 } });
    expect(formatProgress(dry)).toContain('would enrol 450');
    expect((await ledgerCodes(stack, program.id)).size).toBe(0);
    expect(stack.sandbox.portal.get('contacts', ids[0]!)!.properties[P.code]).toBeUndefined();
    expect((await calls(stack))[BATCH_UPDATE]).toBeUndefined();
  });

  it('starts over HTTP and reports progress with rate at GET /api/enrolment-runs/:id', async () => {
    let settled: (id: string) => void = () => undefined;
    const finished = new Promise<string>((resolve) => { settled = resolve; });
    stack = await startStack({ sandbox: { scale: 20 }, enrolment: { onRunSettled: (r) => settled(r?.id ?? 'failed') } });
    await createProgram(stack);
    addContacts(stack, 250);

    const started = await request(stack.app).post('/api/programs/spring/enrolment-runs').set(admin).send({});
    expect(started.status).toBe(202);
    expect(await finished).toBe(started.body.run.id);
    const progress = await request(stack.app).get(`/api/enrolment-runs/${started.body.run.id}`).set(admin);
    expect(progress.body.run).toMatchObject({ status: 'done', counts: { enrolled: 250 }, etaSeconds: 0 });
    expect(progress.body.run.ratePerSecond).toBeGreaterThan(0);

    const unknown = await request(stack.app).post('/api/programs/nope/enrolment-runs').set(admin).send({});
    expect(unknown.status).toBe(404);
    const bad = await request(stack.app).post('/api/programs/spring/enrolment-runs').set(admin).send({ dryRun: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/dryRun/);
  });
});
