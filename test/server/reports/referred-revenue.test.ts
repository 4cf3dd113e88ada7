import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import request from 'supertest';
import { signRequest } from '../../../sandbox';
import type { FunnelReport } from '../../../server/reports/funnel-report';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, createProgram, startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { qualifyAction } from '../../support/qualify-action';
import { buildReward } from './ledger-factories';

/**
 * Referred revenue end to end: deals closing in the sandbox portal reach the report through the
 * qualification and the deal-stage webhook, and the report itself never calls HubSpot.
 */

const DEAL_TO_CONTACT = 3;
let seq = 0;

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

async function createDeal(h: Harness, contactId: string, properties: Record<string, string>) {
  const deal = await h.hubspot.crm.deals.basicApi.create({
    properties: { dealname: `Deal ${++seq}`, pipeline: 'default', ...properties },
    associations: [{ to: { id: contactId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: DEAL_TO_CONTACT }] }],
  });
  return deal.id;
}

async function qualify(h: Harness, friendId: string) {
  const body = JSON.stringify({
    callbackId: `ap-9-9-${friendId}-${++seq}`,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: Number(friendId), objectType: 'CONTACT', properties: {} },
    inputFields: { program: 'spring', milestone_kind: 'deal_stage', pipeline: 'default', deal_stage: 'closedwon' },
  });
  return qualifyAction(h, body);
}

function deliverStageChange(h: Harness, dealId: string) {
  const body = JSON.stringify([{
    eventId: 7000 + ++seq, subscriptionId: 4242, portalId: 1, appId: 77, occurredAt: Date.now(),
    subscriptionType: 'object.propertyChange', attemptNumber: 0, objectTypeId: '0-3', objectId: Number(dealId),
    propertyName: 'dealstage', propertyValue: 'closedwon', changeSource: 'CRM_UI', sourceId: 'userId:1',
  }]);
  const path = '/hubspot/webhooks';
  const headers = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + path, body, timestamp: Date.now() });
  return request(h.url).post(path).set(headers as unknown as Record<string, string>).type('json').send(body);
}

async function report(h: Harness, query: Record<string, string> = {}): Promise<FunnelReport> {
  const res = await request(h.url).get('/api/reports/funnel').set(ADMIN_HEADERS)
    .query({ program: 'spring', from: today(-1), to: today(2), ...query });
  expect(res.status).toBe(200);
  return res.body as FunnelReport;
}

describe.each(dialects)('referred revenue, on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
    await createProgram(h, { rewards: { referrer: { kind: 'credit', amount: 10_000, currency: 'EUR' } } });
  });
  afterEach(() => h.close());

  it('counts the won deal that qualified a referral, beside the reward it cost', async () => {
    const { friendId, referrerId } = await createReferral(h, { capturedAt: Date.now() - 60_000 });
    await createDeal(h, friendId, { dealstage: 'closedwon', amount: '12000' });
    // Open deals are no revenue yet.
    await createDeal(h, friendId, { dealstage: 'appointmentscheduled', amount: '5000' });
    expect((await qualify(h, friendId)).referral_status).toBe('qualified');
    await h.service.worker.drain();

    const { totals } = await report(h);
    expect(totals.qualifiedReferrals).toBe(1);
    expect(totals.returns).toEqual([{
      currency: 'EUR', referredRevenue: 1_200_000, wonDeals: 1, rewardCostIssued: 0, rewardCostApproved: 10_000, rewardCost: 10_000,
      costPerQualifiedReferral: 10_000, revenuePerRewardDollar: 120,
    }]);
    // On the referrer's record beside the rewards earned, for HubSpot's own reports.
    const referrer = await h.hubspot.crm.contacts.basicApi.getById(referrerId, ['referral_referred_revenue', 'referral_won_deals', 'referral_rewards_total']);
    expect(referrer.properties).toMatchObject({ referral_referred_revenue: '12000', referral_won_deals: '1', referral_rewards_total: '100' });
  });

  it('follows a deal that closes, or stops being won, after the referral was qualified', async () => {
    const { friendId } = await createReferral(h, { capturedAt: Date.now() - 60_000 });
    await createDeal(h, friendId, { dealstage: 'closedwon', amount: '1000' });
    await qualify(h, friendId);
    await h.service.worker.drain();
    const later = await createDeal(h, friendId, { dealstage: 'contractsent', amount: '4000.50' });

    await h.hubspot.crm.deals.basicApi.update(later, { properties: { dealstage: 'closedwon' } });
    expect((await deliverStageChange(h, later)).status).toBe(200);
    await h.service.worker.drain();
    expect((await report(h)).totals.returns[0]).toMatchObject({ referredRevenue: 500_050, wonDeals: 2 });

    await h.hubspot.crm.deals.basicApi.update(later, { properties: { dealstage: 'closedlost' } });
    await deliverStageChange(h, later);
    await h.service.worker.drain();
    expect((await report(h)).totals.returns[0]).toMatchObject({ referredRevenue: 100_000, wonDeals: 1 });
  });

  it('does not count a deal won before the referral, nor the deals of a rejected referral', async () => {
    const early = await createReferral(h, { capturedAt: Date.now() + 60_000 });
    const earlyDeal = await createDeal(h, early.friendId, { dealstage: 'closedwon', amount: '9000' });
    const rejected = await createReferral(h, { capturedAt: Date.now() - 60_000 });
    const dealId = await createDeal(h, rejected.friendId, { dealstage: 'closedwon', amount: '7000' });
    await h.database.db.updateTable('referrals').set({ status: 'rejected', reason: 'self_referral', decided_at: Date.now() })
      .where('id', '=', rejected.referralId).execute();

    await deliverStageChange(h, dealId);
    await deliverStageChange(h, earlyDeal);
    await h.service.worker.drain();

    expect(await h.database.db.selectFrom('referred_deals').selectAll().execute()).toEqual([]);
    expect((await report(h)).totals.returns).toEqual([]);
  });

  it('reports one currency when asked, and names a bad one', async () => {
    const { friendId, referralId } = await createReferral(h, { capturedAt: Date.now() - 60_000 });
    await h.database.db.insertInto('rewards')
      .values(buildReward({ program_id: 'spring', referral_id: referralId, recipient_contact_id: friendId, status: 'issued', currency: 'USD', amount: 2500, created_at: Date.now(), issued_at: Date.now() }))
      .execute();

    expect((await report(h)).totals.returns.map((r) => r.currency)).toEqual(['USD']);
    const eur = await report(h, { currency: 'eur' });
    expect(eur.currency).toBe('EUR');
    expect(eur.totals.returns).toEqual([expect.objectContaining({ currency: 'EUR', rewardCost: 0, revenuePerRewardDollar: null })]);

    const bad = await request(h.url).get('/api/reports/funnel').set(ADMIN_HEADERS)
      .query({ program: 'spring', from: today(-1), to: today(2), currency: 'EURO' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('currency');
  });
});
