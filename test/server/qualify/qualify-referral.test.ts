import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import request from 'supertest';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { decideQueued, QUALIFY_ACTION_PATH, qualifyAction, signedFor } from '../../support/qualify-action';


/** Register HubSpot-like workflow: when a contact becomes a customer, run "Qualify referral". */
function qualifyOnCustomer(h: Harness) {
  return h.sandbox.engine.register({
    name: 'Qualify referrals on customer',
    trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
    action: { uid: 'qualify_referral_action' },
    inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
  });
}

/** The workflow fires, the action answers BLOCK, the service decides and completes the callback. */
async function becomeCustomer(h: Harness, contactId: string) {
  await h.hubspot.crm.contacts.basicApi.update(contactId, { properties: { lifecyclestage: 'customer' } });
  await h.sandbox.engine.idle();
  await h.service.worker.drain();
}

/** The workflow's execution for one contact (referrers, already customers, are enrolled too). */
function executionFor(h: Harness, workflowId: number, contactId: string) {
  return h.sandbox.engine.executions(workflowId).find((e) => e.object.objectId === contactId);
}

function payload(callbackId: string, objectId: string, inputFields: Record<string, string> = { program: 'spring' }) {
  return JSON.stringify({
    callbackId,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: Number(objectId), objectType: 'CONTACT', properties: {} },
    inputFields,
  });
}

describe.each(dialects)('Qualify referral on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(() => h.close());

  it('qualifies a referred contact when the workflow fires, records one reward and updates HubSpot', async () => {
    await createProgram(h);
    const workflow = qualifyOnCustomer(h);
    const { referrerId, friendId } = await createReferral(h);

    await becomeCustomer(h, friendId);

    const execution = executionFor(h, workflow.id, friendId);
    expect(execution?.status).toBe('SUCCEEDED');
    expect(execution?.outputFields).toMatchObject({ referral_status: 'qualified', reward_status: 'approved' });
    const rewards = await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute();
    expect(rewards).toHaveLength(1);
    expect(rewards[0]).toMatchObject({ recipient: 'referrer', recipient_contact_id: referrerId, amount: 5000, status: 'approved' });
    expect(execution?.outputFields?.reward_id).toBe(rewards[0]!.id);

    await h.service.worker.drain();
    const referrer = await h.hubspot.crm.contacts.basicApi.getById(referrerId, ['referral_qualified_count', 'referral_rewards_total']);
    const friend = await h.hubspot.crm.contacts.basicApi.getById(friendId, ['referral_status', 'referral_qualified_date']);
    expect(referrer.properties).toMatchObject({ referral_qualified_count: '1', referral_rewards_total: '50' });
    expect(friend.properties.referral_status).toBe('qualified');
    expect(friend.properties.referral_qualified_date).toBeTruthy();
  });

  it('decides a batch of callbacks with a few HubSpot calls and completes them together', async () => {
    await createProgram(h);
    const workflow = qualifyOnCustomer(h);
    const friends = [];
    for (let i = 0; i < 6; i++) friends.push((await createReferral(h)).friendId);
    await h.hubspot.crm.contacts.batchApi.update({ inputs: friends.map((id) => ({ id, properties: { lifecyclestage: 'customer' } })) });
    await h.sandbox.engine.idle();
    expect(friends.map((id) => executionFor(h, workflow.id, id)?.status)).toEqual(Array(6).fill('BLOCKED'));

    h.sandbox.stats.reset();
    await h.service.worker.runDue();
    // The contacts with history and their deals: one call each for the whole batch (besides the
    // portal's stage definitions, read once and cached).
    const reads = Object.entries(h.sandbox.stats.snapshot().byEndpoint).filter(([endpoint]) => !endpoint.startsWith('GET /crm/v3/p'));
    expect(Object.fromEntries(reads)).toEqual({
      'POST /crm/v3/objects/contacts/batch/read': 1,
      'POST /crm/v4/associations/contacts/deals/batch/read': 1,
    });
    await h.service.worker.runDue();
    expect(h.sandbox.stats.snapshot().byEndpoint['POST /automation/v4/actions/callbacks/complete']).toBe(1);
    for (const id of friends) {
      expect(executionFor(h, workflow.id, id)).toMatchObject({ status: 'SUCCEEDED', outputFields: { referral_status: 'qualified' } });
    }
    expect(await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute()).toHaveLength(6);
  });

  it('fails a callback whose program is gone without holding back the rest of its batch', async () => {
    await createProgram(h);
    await createProgram(h, { id: 'autumn', name: 'Autumn' });
    const { friendId } = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: Date.now() - 60_000 });
    for (const [callbackId, program] of [['ap-1-4-1-0', 'autumn'], ['ap-1-4-2-0', 'spring']]) {
      const body = payload(callbackId!, friendId, { program: program! });
      expect((await request(h.url).post(QUALIFY_ACTION_PATH).set(signedFor(h, body)).type('json').send(body)).status).toBe(200);
    }
    const db = h.service.ctx.database.db;
    await db.deleteFrom('programs').where('id', '=', 'autumn').execute();

    await decideQueued(h);
    const decisions = await db.selectFrom('action_decisions').select(['callback_id', 'decided_at']).orderBy('callback_id').execute();
    expect(decisions.map((d) => [d.callback_id, d.decided_at !== null])).toEqual([['ap-1-4-1-0', false], ['ap-1-4-2-0', true]]);
    const [failed] = await db.selectFrom('jobs').selectAll().where('kind', '=', 'qualify.decide').where('status', '=', 'pending').execute();
    expect(failed?.last_error).toMatch(/no program "autumn"/);
  });

  it('pauses the workflow for review and resumes it with the reviewer decision', async () => {
    await createProgram(h, { review: { amountAbove: 1000 } });
    const workflow = qualifyOnCustomer(h);
    const { friendId } = await createReferral(h);

    await becomeCustomer(h, friendId);
    const blocked = executionFor(h, workflow.id, friendId);
    expect(blocked?.status).toBe('BLOCKED');
    const [reward] = await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute();
    expect(reward?.status).toBe('pending_review');

    const approved = await request(h.url)
      .post(`/api/rewards/${reward!.id}/approve`)
      .set('authorization', `Bearer ${TEST_ADMIN_KEY}`)
      .set('x-referral-ops-actor', 'hubspot-user:42:rev@example.org')
      .send({});
    expect(approved.status).toBe(200);
    expect(approved.body.reward.status).toBe('approved');

    await h.service.worker.drain();
    const resumed = executionFor(h, workflow.id, friendId);
    expect(resumed?.status).toBe('SUCCEEDED');
    expect(resumed?.outputFields).toMatchObject({ referral_status: 'qualified', reward_status: 'approved', reward_id: reward!.id });
    const audit = await h.service.ctx.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', reward!.id).orderBy('id').execute();
    expect(audit.map((a) => [a.from_status, a.to_status, a.actor_type])).toEqual([
      [null, 'pending_review', 'workflow'],
      ['pending_review', 'approved', 'hubspot_user'],
    ]);
  });

  it('rejects a friend who was a customer before being referred, citing the property history', async () => {
    await createProgram(h);
    const { friendId, referralId } = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: Date.now() + 1000 });
    const outputs = await qualifyAction(h, payload('ap-1-2-3-0', friendId));
    expect(outputs).toMatchObject({ referral_status: 'rejected', hs_execution_state: 'SUCCESS' });
    expect(outputs.reason).toMatch(/already a customer/);
    const referral = await h.service.ctx.database.db.selectFrom('referrals').selectAll().where('id', '=', referralId).executeTakeFirstOrThrow();
    expect(referral.status).toBe('rejected');
    expect(await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute()).toHaveLength(0);
  });

  it("stops rewarding when the program's monthly budget is spent, and still counts the referral as qualified", async () => {
    await createProgram(h, { rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, caps: { programPerMonth: 5000 } } });
    const first = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: Date.now() - 60_000 });
    const second = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: Date.now() - 60_000 });

    expect(await qualifyAction(h, payload('ap-budget-1', first.friendId))).toMatchObject({ referral_status: 'qualified', reward_status: 'approved' });
    const outputs = await qualifyAction(h, payload('ap-budget-2', second.friendId));
    expect(outputs).toMatchObject({ referral_status: 'qualified', reward_status: 'none' });
    expect(outputs.reason).toMatch(/monthly reward budget is used up/);
    expect(await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute()).toHaveLength(1);
  });

  it('answers not_referred for a contact nobody referred, and not_qualified before the milestone', async () => {
    await createProgram(h);
    const stranger = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'stranger@example.net' }, associations: [] });
    expect((await qualifyAction(h, payload('ap-1-2-4-0', stranger.id))).referral_status).toBe('not_referred');

    const { friendId } = await createReferral(h);
    const outputs = await qualifyAction(h, payload('ap-1-2-5-0', friendId));
    expect(outputs).toMatchObject({ referral_status: 'not_qualified' });
    expect(outputs.reason).toMatch(/not yet/i);
  });

  it('gives 50 concurrent deliveries of one callback one reward and 50 identical answers', async () => {
    await createProgram(h);
    const { friendId } = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: Date.now() - 60_000 });
    const body = payload('ap-1-2-6-0', friendId);
    const headers = signedFor(h, body);
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => request(h.url).post(QUALIFY_ACTION_PATH).set(headers).type('json').send(body)),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const distinct = new Set(answers.map((a) => JSON.stringify(a.body)));
    expect(distinct.size).toBe(1);
    expect(answers[0]!.body.outputFields.hs_execution_state).toBe('BLOCK');
    const db = h.service.ctx.database.db;
    expect(await db.selectFrom('jobs').selectAll().where('kind', '=', 'qualify.decide').execute()).toHaveLength(1);
    await h.service.worker.drain();
    const [decision] = await db.selectFrom('action_decisions').selectAll().execute();
    expect(JSON.parse(decision!.outputs!)).toMatchObject({ referral_status: 'qualified', reward_status: 'approved' });
    expect(await db.selectFrom('rewards').selectAll().execute()).toHaveLength(1);
    expect(await db.selectFrom('action_decisions').selectAll().execute()).toHaveLength(1);
    const transitions = await db.selectFrom('audit_events').selectAll().where('entity', '=', 'referral').execute();
    expect(transitions).toHaveLength(1);
  });

  it('refuses unsigned, tampered and stale requests with 401 and writes nothing', async () => {
    await createProgram(h);
    const { friendId } = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: Date.now() - 60_000 });
    const body = payload('ap-1-2-7-0', friendId);
    const unsigned = await request(h.url).post(QUALIFY_ACTION_PATH).type('json').send(body);
    const tampered = await request(h.url).post(QUALIFY_ACTION_PATH).set(signedFor(h, body)).type('json').send(body.replace('spring', 'sprinG'));
    const stale = await request(h.url).post(QUALIFY_ACTION_PATH).set(signedFor(h, body, Date.now() - 6 * 60_000)).type('json').send(body);
    for (const res of [unsigned, tampered, stale]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('INVALID_SIGNATURE');
    }
    expect(stale.body.error.message).toMatch(/5 minutes/);
    const db = h.service.ctx.database.db;
    expect(await db.selectFrom('action_decisions').selectAll().execute()).toHaveLength(0);
    expect(await db.selectFrom('rewards').selectAll().execute()).toHaveLength(0);
  });

  it('names the missing field of a malformed action request', async () => {
    const body = JSON.stringify({ origin: { portalId: 1 }, object: { objectId: 1, objectType: 'CONTACT' } });
    const res = await request(h.url).post(QUALIFY_ACTION_PATH).set(signedFor(h, body)).type('json').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/callbackId/);
  });

  it("follows the portal's own lifecycle stage order, not HubSpot's defaults", async () => {
    // This portal sells through a trial stage, placed after "lead" and before "customer".
    await h.hubspot.crm.properties.coreApi.update('contacts', 'lifecyclestage', {
      options: ['subscriber', 'lead', 'trial', 'customer', 'evangelist', 'other'].map((value, displayOrder) => ({
        label: value, value, displayOrder, hidden: false,
      })),
    });
    await createProgram(h, { qualification: { milestone: { kind: 'lifecycle_stage', stage: 'trial' } } });
    const { friendId } = await createReferral(h);
    const inputs = { program: 'spring', milestone_kind: 'program_default' };

    expect((await qualifyAction(h, payload('ap-1-2-8-0', friendId, inputs))).referral_status).toBe('not_qualified');

    await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { lifecyclestage: 'customer' } });
    expect(await qualifyAction(h, payload('ap-1-2-9-0', friendId, inputs))).toMatchObject({ referral_status: 'qualified', reward_status: 'approved' });
  });

  it('qualifies from a won deal in the chosen pipeline and records the deal as evidence', async () => {
    await createProgram(h);
    const { friendId, referralId } = await createReferral(h);
    const deal = await h.hubspot.crm.deals.basicApi.create({
      properties: { dealname: 'Friend deal', pipeline: 'default', dealstage: 'appointmentscheduled' },
      associations: [{ to: { id: friendId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 3 }] }],
    });
    const inputs = { program: 'spring', milestone_kind: 'deal_stage', pipeline: 'default', deal_stage: 'contractsent' };
    expect((await qualifyAction(h, payload('ap-1-3-1-0', friendId, inputs))).referral_status).toBe('not_qualified');

    await h.hubspot.crm.deals.basicApi.update(deal.id, { properties: { dealstage: 'closedwon' } });
    expect((await qualifyAction(h, payload('ap-1-3-2-0', friendId, inputs))).referral_status).toBe('qualified');
    const referral = await h.service.ctx.database.db.selectFrom('referrals').selectAll().where('id', '=', referralId).executeTakeFirstOrThrow();
    expect(referral.deal_id).toBe(deal.id);
  });
});
