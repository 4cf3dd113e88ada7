import request from 'supertest';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, buildProgram, createProgram, startHarness, type Harness } from '../../support/harness';
import { buildEnrolment, buildReferral, buildReward, insertLedger } from '../reports/ledger-factories';

const AS_RITA = { ...ADMIN_HEADERS, 'x-referral-ops-actor': 'hubspot-user:42:rita@example.com' };

describe.each(dialects)('saving a program from the settings page (%s)', (dialect) => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ dialect }); });
  afterAll(() => h.close());
  beforeEach(async () => {
    for (const table of ['audit_events', 'rewards', 'referrals', 'enrolments', 'programs'] as const) await h.database.db.deleteFrom(table).execute();
  });

  const auditOf = (id: string) => h.database.db.selectFrom('audit_events').selectAll().where('entity', '=', 'program').where('entity_id', '=', id).orderBy('id').execute();

  /** An active program with referrals and rewards in every state, so only the in-flight ones may be counted. */
  async function programInFlight() {
    await createProgram(h, { status: 'active' });
    await createProgram(h, { id: 'other', status: 'active' });
    const enrolment = buildEnrolment({ program_id: 'spring' });
    const elsewhere = buildEnrolment({ program_id: 'other' });
    const captured = [1, 2, 3].map(() => buildReferral({ program_id: 'spring', enrolment_id: enrolment.id }));
    const decided = buildReferral({ program_id: 'spring', enrolment_id: enrolment.id, status: 'qualified' });
    const rejected = buildReferral({ program_id: 'spring', enrolment_id: enrolment.id, status: 'rejected' });
    const otherProgram = buildReferral({ program_id: 'other', enrolment_id: elsewhere.id });
    const reward = (status: string, referral = decided) => buildReward({ program_id: referral.program_id, referral_id: referral.id, status: status as never });
    await insertLedger(h.database.db, {
      programs: [], clicks: [], enrolments: [enrolment, elsewhere], referrals: [...captured, decided, rejected, otherProgram],
      rewards: [reward('pending_review'), reward('pending_review', rejected), reward('held'), reward('approved', captured[0]), reward('issued', captured[1]),
        reward('pending_review', otherProgram)],
    });
  }

  it('tells what a save of an active program reaches among referrals in flight', async () => {
    await programInFlight();
    const preview = await request(h.url).get('/api/programs/spring/in-flight').set(ADMIN_HEADERS);
    expect(preview.status).toBe(200);
    expect(preview.body.inFlight).toEqual({ referralsAwaitingDecision: 3, rewardsAwaitingReview: 2, rewardsHeld: 1 });

    const saved = await request(h.url).put('/api/programs/spring').set(AS_RITA).send(buildProgram({ status: 'active', qualification: { windowDays: 30 } }));
    expect(saved.status).toBe(200);
    expect(saved.body.inFlight).toEqual({ referralsAwaitingDecision: 3, rewardsAwaitingReview: 2, rewardsHeld: 1 });
  });

  it('a draft reaches no referral, and an unknown program is a 404 naming it', async () => {
    await createProgram(h, { status: 'draft', ownerId: undefined });
    const saved = await request(h.url).put('/api/programs/spring').set(AS_RITA).send(buildProgram({ status: 'draft', ownerId: undefined, name: 'Spring' }));
    expect(saved.status).toBe(200);
    expect(saved.body.inFlight).toBeUndefined();
    const missing = await request(h.url).get('/api/programs/nope/in-flight').set(ADMIN_HEADERS);
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('No program with id "nope"');
  });

  it('audits every save with the HubSpot user who made it and the settings that changed', async () => {
    const created = await request(h.url).put('/api/programs/spring').set(AS_RITA).send(buildProgram({ status: 'draft', ownerId: undefined }));
    expect(created.status).toBe(201);
    const changed = await request(h.url).put('/api/programs/spring').set({ ...ADMIN_HEADERS, 'x-referral-ops-actor': 'hubspot-user:7:sam@example.com' })
      .send(buildProgram({ status: 'active', rewards: { referrer: { kind: 'credit', amount: 7500, currency: 'USD' } } }));
    expect(changed.status).toBe(200);
    expect(changed.body.changed).toEqual(['ownerId', 'rewards.referrer.amount', 'status']);

    const audit = await auditOf('spring');
    expect(audit.map((a) => [a.from_status, a.to_status, a.actor_type, a.actor_id, a.reason])).toEqual([
      [null, 'draft', 'hubspot_user', '42:rita@example.com', 'program created'],
      ['draft', 'active', 'hubspot_user', '7:sam@example.com', 'settings saved'],
    ]);
    expect(JSON.parse(audit[1]!.data!)).toEqual({ changed: ['ownerId', 'rewards.referrer.amount', 'status'] });
  });

  it('a save that changes nothing adds no audit row; a refused one writes neither program nor audit', async () => {
    await request(h.url).put('/api/programs/spring').set(AS_RITA).send(buildProgram()).expect(201);
    await request(h.url).put('/api/programs/spring').set(AS_RITA).send(buildProgram()).expect(200);
    const refused = await request(h.url).put('/api/programs/spring').set(AS_RITA).send(buildProgram({ rewards: { referrer: { kind: 'credit', amount: -5, currency: 'USD' } } }));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.issues[0]).toMatchObject({ path: 'rewards.referrer.amount', message: 'Amount must be greater than 0' });
    expect(await auditOf('spring')).toHaveLength(1);
    const program = await request(h.url).get('/api/programs/spring').set(ADMIN_HEADERS);
    expect(program.body.program.rewards.referrer.amount).toBe(5000);
  });
});
