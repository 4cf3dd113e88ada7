import request from 'supertest';
import { signRequest } from '../../../sandbox';
import { COMPLETE_CALLBACK } from '../../../server/sync/jobs';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_ADMIN_KEY, TEST_CLIENT_SECRET, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { qualifyByWonDeal } from '../../support/qualify-action';
import { buildReward } from '../reports/ledger-factories';

const WEBHOOK_PATH = '/hubspot/webhooks';
let eventSeq = 1000;

/** A dealstage change as HubSpot delivers it for an `object.propertyChange` subscription. */
function buildDealStageEvent(overrides: Record<string, unknown> & { objectId: string }) {
  return {
    eventId: ++eventSeq, subscriptionId: 4242, portalId: 1, appId: 77, occurredAt: Date.now(),
    subscriptionType: 'object.propertyChange', attemptNumber: 0, objectTypeId: '0-3',
    propertyName: 'dealstage', propertyValue: 'contractsent', changeSource: 'CRM_UI', sourceId: 'userId:1',
    ...overrides, objectId: Number(overrides.objectId),
  };
}

function deliver(h: Harness, events: unknown[]) {
  const body = JSON.stringify(events);
  const headers = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + WEBHOOK_PATH, body, timestamp: Date.now() });
  return request(h.url).post(WEBHOOK_PATH).set(headers as unknown as Record<string, string>).type('json').send(body);
}

async function moveDeal(h: Harness, dealId: string, dealstage: string) {
  await h.hubspot.crm.deals.basicApi.update(dealId, { properties: { dealstage } });
}

describe.each(dialects)('a deal leaving closed won, on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(() => h.close());

  const db = () => h.service.ctx.database.db;
  const rewardsOf = (referralId: string) => db().selectFrom('rewards').selectAll().where('referral_id', '=', referralId).orderBy('recipient').execute();

  it('cancels the rewards not yet issued, with an audit row, and keeps the issued one', async () => {
    await createProgram(h, { rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, friend: { kind: 'credit', amount: 1000, currency: 'USD' } } });
    const { dealId, referralId, outputFields } = await qualifyByWonDeal(h);
    expect(outputFields.referral_status).toBe('qualified');
    expect((await db().selectFrom('referrals').select('deal_id').where('id', '=', referralId).executeTakeFirstOrThrow()).deal_id).toBe(dealId);
    const [friendReward, referrerReward] = await rewardsOf(referralId);
    expect([friendReward?.status, referrerReward?.status]).toEqual(['approved', 'approved']);
    const issued = await request(h.url).post(`/api/rewards/${referrerReward!.id}/issue`).set('authorization', `Bearer ${TEST_ADMIN_KEY}`).send({ reference: 'payout-1' });
    expect(issued.body.reward.status).toBe('issued');

    await moveDeal(h, dealId, 'contractsent');
    const event = buildDealStageEvent({ objectId: dealId });
    const res = await deliver(h, [event]);

    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([{ eventId: String(event.eventId), outcome: 'canceled', canceledRewardIds: [friendReward!.id] }]);
    expect((await rewardsOf(referralId)).map((r) => [r.recipient, r.status])).toEqual([['friend', 'canceled'], ['referrer', 'issued']]);
    const audit = await db().selectFrom('audit_events').selectAll().where('entity_id', '=', friendReward!.id).orderBy('id').execute();
    expect(audit.at(-1)).toMatchObject({
      from_status: 'approved', to_status: 'canceled', actor_type: 'system', actor_id: `hubspot-webhook:${event.eventId}`,
      reason: `Deal ${dealId} left closed won: it is now in "Contract Sent" (Sales Pipeline)`,
    });
  });

  it('changes nothing when HubSpot redelivers an event', async () => {
    await createProgram(h, { review: { amountAbove: 1000 } });
    const { dealId, referralId, outputFields } = await qualifyByWonDeal(h);
    expect(outputFields.hs_execution_state).toBe('BLOCK');
    expect((await rewardsOf(referralId)).map((r) => r.status)).toEqual(['pending_review']);
    await moveDeal(h, dealId, 'closedlost');
    const event = buildDealStageEvent({ objectId: dealId, propertyValue: 'closedlost' });
    const first = await deliver(h, [event]);
    expect(first.body.results[0].outcome).toBe('canceled');
    // The workflow paused for review resumes with the cancellation, not an approval.
    const completion = await db().selectFrom('jobs').select('payload').where('kind', '=', COMPLETE_CALLBACK).executeTakeFirstOrThrow();
    expect(JSON.parse(completion.payload).outputFields).toMatchObject({
      hs_execution_state: 'SUCCESS', reward_status: 'canceled', reason: expect.stringMatching(/^Canceled by hubspot-webhook:\d+: Deal \d+ left closed won/),
    });
    const auditAfterFirst = await db().selectFrom('audit_events').selectAll().execute();
    const jobsAfterFirst = await db().selectFrom('jobs').selectAll().execute();

    const again = await deliver(h, [{ ...event, attemptNumber: 1 }]);

    expect(again.status).toBe(200);
    expect(again.body.results).toEqual([{ eventId: String(event.eventId), outcome: 'duplicate' }]);
    expect((await rewardsOf(referralId)).map((r) => r.status)).toEqual(['canceled']);
    expect(await db().selectFrom('audit_events').selectAll().execute()).toEqual(auditAfterFirst);
    expect(await db().selectFrom('jobs').selectAll().execute()).toEqual(jobsAfterFirst);
    expect(await db().selectFrom('webhook_events').select('event_id').execute()).toEqual([{ event_id: String(event.eventId) }]);
  });

  it('leaves the rewards alone while the deal is still won, and ignores other events', async () => {
    await createProgram(h);
    const { dealId, referralId } = await qualifyByWonDeal(h);
    // Delivered late: the deal went back and forth and is closed won again when the event arrives.
    const lateEvent = buildDealStageEvent({ objectId: dealId, propertyValue: 'contractsent' });
    const otherProperty = buildDealStageEvent({ objectId: dealId, propertyName: 'amount', propertyValue: '10' });
    const res = await deliver(h, [lateEvent, otherProperty]);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['still_won', 'ignored']);
    expect((await rewardsOf(referralId)).map((r) => r.status)).toEqual(['approved']);
  });

  it("judges a custom pipeline by its stages' won metadata, read live", async () => {
    await createProgram(h);
    const pipeline = await h.hubspot.crm.pipelines.pipelinesApi.create('deals', {
      label: 'Renewals', displayOrder: 1,
      stages: [
        { label: 'Renewal due', displayOrder: 0, metadata: { isClosed: 'false', probability: '0.5' } },
        { label: 'Renewed', displayOrder: 1, metadata: { isClosed: 'true', probability: '1.0' } },
        { label: 'Churned', displayOrder: 2, metadata: { isClosed: 'true', probability: '0.0' } },
      ],
    });
    const stage = (label: string) => pipeline.stages.find((s) => s.label === label)!.id;
    const deal = await h.hubspot.crm.deals.basicApi.create({ properties: { dealname: 'Renewal', pipeline: pipeline.id, dealstage: stage('Renewed') }, associations: [] });
    const { referralId, referrerId } = await createReferral(h);
    await db().updateTable('referrals').set({ status: 'qualified', deal_id: deal.id }).where('id', '=', referralId).execute();
    const reward = buildReward({ program_id: 'spring', referral_id: referralId, recipient_contact_id: referrerId, status: 'held', hold_until: Date.now() + 86_400_000 });
    await db().insertInto('rewards').values(reward).execute();

    const whileRenewed = await deliver(h, [buildDealStageEvent({ objectId: deal.id, propertyValue: stage('Renewed') })]);
    await moveDeal(h, deal.id, stage('Churned'));
    const afterChurn = await deliver(h, [buildDealStageEvent({ objectId: deal.id, propertyValue: stage('Churned') })]);

    expect(whileRenewed.body.results[0].outcome).toBe('still_won');
    expect(afterChurn.body.results[0]).toMatchObject({ outcome: 'canceled', canceledRewardIds: [reward.id] });
    const audit = await db().selectFrom('audit_events').selectAll().where('entity_id', '=', reward.id).execute();
    expect(audit.map((a) => [a.from_status, a.to_status, a.reason])).toEqual([['held', 'canceled', `Deal ${deal.id} left closed won: it is now in "Churned" (Renewals)`]]);
  });

  it('refuses unsigned deliveries and payloads that are not an event array, writing nothing', async () => {
    const unsigned = await request(h.url).post(WEBHOOK_PATH).send([buildDealStageEvent({ objectId: '1' })]);
    expect(unsigned.status).toBe(401);
    const notAnArray = await deliver(h, { eventId: 1 } as unknown as unknown[]);
    expect(notAnArray.status).toBe(400);
    expect(notAnArray.body.error.message).toMatch(/array of events/);
    expect(await db().selectFrom('webhook_events').selectAll().execute()).toEqual([]);
  });
});
