import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import request from 'supertest';
import type { ProgramInput } from '../../../src/app/packages/domain/program';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { decideQueued, QUALIFY_ACTION_PATH, qualifyAction, signedFor } from '../../support/qualify-action';

const DAY_MS = 86_400_000;

/** 10 % of the deal, at most 1,000.00 EUR; 50.00 EUR when no deal amount counts. */
const TEN_PERCENT_CAPPED: ProgramInput['rewards'] = {
  referrer: { kind: 'cash', amount: 5000, currency: 'EUR', revenueShare: { percent: 10, max: 100_000 } },
};

const DEAL_MILESTONE = { program: 'spring', milestone_kind: 'deal_stage', pipeline: 'default', deal_stage: 'closedwon' };
const CUSTOMER_MILESTONE = { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' };

let callbacks = 0;
function payload(contactId: string, inputFields: Record<string, string>) {
  return JSON.stringify({
    callbackId: `ap-1-9-${++callbacks}-0`,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: Number(contactId), objectType: 'CONTACT', properties: {} },
    inputFields,
  });
}

async function dealOf(h: Harness, contactId: string, properties: Record<string, string>) {
  return h.hubspot.crm.deals.basicApi.create({
    properties: { dealname: 'Friend deal', pipeline: 'default', dealstage: 'appointmentscheduled', ...properties },
    associations: [{ to: { id: contactId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 3 }] }],
  });
}

async function closeWon(h: Harness, dealId: string) {
  await h.hubspot.crm.deals.basicApi.update(dealId, { properties: { dealstage: 'closedwon' } });
}

async function referrerRewards(h: Harness, referralId: string) {
  return h.service.ctx.database.db.selectFrom('rewards').select(['recipient', 'amount', 'currency', 'status'])
    .where('referral_id', '=', referralId).execute();
}

async function referralEvidence(h: Harness, referralId: string) {
  const row = await h.service.ctx.database.db.selectFrom('referrals').select('evidence').where('id', '=', referralId).executeTakeFirstOrThrow();
  return JSON.parse(row.evidence ?? 'null') as Record<string, unknown>;
}

describe.each(dialects)('Revenue-based rewards on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(() => h.close());

  it('pays 10 % capped at 1,000: a 12,000 EUR deal earns 1,000 EUR, a 4,000 EUR deal 400 EUR, each with its deal as evidence', async () => {
    await createProgram(h, { rewards: TEN_PERCENT_CAPPED });
    // One deal names its currency (a multi-currency portal); the other has none and is in the
    // portal's company currency, which HubSpot's account details report.
    h.sandbox.portal.account.companyCurrency = 'EUR';
    const big = await createReferral(h);
    const small = await createReferral(h);
    const bigDeal = await dealOf(h, big.friendId, { amount: '12000', deal_currency_code: 'EUR' });
    const smallDeal = await dealOf(h, small.friendId, { amount: '4000' });
    await closeWon(h, bigDeal.id);
    await closeWon(h, smallDeal.id);

    const bigAnswer = await qualifyAction(h, payload(big.friendId, DEAL_MILESTONE));
    const smallAnswer = await qualifyAction(h, payload(small.friendId, DEAL_MILESTONE));

    expect(bigAnswer).toMatchObject({ referral_status: 'qualified', reward_status: 'approved' });
    expect(smallAnswer).toMatchObject({ referral_status: 'qualified', reward_status: 'approved' });
    expect(await referrerRewards(h, big.referralId)).toEqual([{ recipient: 'referrer', amount: 100_000, currency: 'EUR', status: 'approved' }]);
    expect(await referrerRewards(h, small.referralId)).toEqual([{ recipient: 'referrer', amount: 40_000, currency: 'EUR', status: 'approved' }]);
    const now = h.service.ctx.clock();
    expect((await referralEvidence(h, big.referralId)).rewardBasis).toEqual({
      kind: 'deal', dealId: bigDeal.id, dealAmount: 1_200_000, currency: 'EUR', readAt: expect.any(String),
    });
    const smallBasis = (await referralEvidence(h, small.referralId)).rewardBasis as { dealId: string; dealAmount: number; currency: string; readAt: string };
    expect(smallBasis).toMatchObject({ kind: 'deal', dealId: smallDeal.id, dealAmount: 400_000, currency: 'EUR' });
    expect(Date.parse(smallBasis.readAt)).toBeLessThanOrEqual(now);
  });

  it("decides a batch of revenue rewards with one read of the company currency and no per-deal calls", async () => {
    await createProgram(h, { rewards: TEN_PERCENT_CAPPED });
    h.sandbox.portal.account.companyCurrency = 'EUR';
    const friends: string[] = [];
    for (let i = 1; i <= 6; i++) {
      const { friendId } = await createReferral(h);
      await closeWon(h, (await dealOf(h, friendId, { amount: String(1000 * i) })).id);
      friends.push(friendId);
    }
    for (const friendId of friends) {
      const body = payload(friendId, DEAL_MILESTONE);
      expect((await request(h.url).post(QUALIFY_ACTION_PATH).set(signedFor(h, body)).type('json').send(body)).status).toBe(200);
    }
    h.sandbox.stats.reset();
    await decideQueued(h);

    const rewards = await h.service.ctx.database.db.selectFrom('rewards').select(['amount', 'currency']).orderBy('amount').execute();
    expect(rewards).toEqual([1, 2, 3, 4, 5, 6].map((i) => ({ amount: 10_000 * i, currency: 'EUR' })));
    const calls = h.sandbox.stats.snapshot().byEndpoint;
    expect(calls['GET /account-info/v3/details']).toBe(1);
    expect(calls['POST /crm/v3/objects/deals/batch/read']).toBe(1);
  });

  it('keeps the amount fixed at the decision: editing the deal afterwards changes neither the reward nor its evidence', async () => {
    await createProgram(h, { rewards: TEN_PERCENT_CAPPED });
    const { friendId, referralId } = await createReferral(h);
    const deal = await dealOf(h, friendId, { amount: '4000', deal_currency_code: 'EUR' });
    await closeWon(h, deal.id);
    await qualifyAction(h, payload(friendId, DEAL_MILESTONE));

    await h.hubspot.crm.deals.basicApi.update(deal.id, { properties: { amount: '9000' } });
    const again = await qualifyAction(h, payload(friendId, DEAL_MILESTONE));

    expect(again.referral_status).toBe('qualified');
    expect(await referrerRewards(h, referralId)).toEqual([{ recipient: 'referrer', amount: 40_000, currency: 'EUR', status: 'approved' }]);
    expect((await referralEvidence(h, referralId)).rewardBasis).toMatchObject({ dealId: deal.id, dealAmount: 400_000 });
  });

  it('for a contact milestone pays a share of the first deal the friend won after the referral', async () => {
    await createProgram(h, { rewards: TEN_PERCENT_CAPPED });
    const { friendId, referralId } = await createReferral(h, { capturedAt: h.service.ctx.clock() - DAY_MS });
    const first = await dealOf(h, friendId, { amount: '3000', deal_currency_code: 'EUR' });
    const second = await dealOf(h, friendId, { amount: '8000', deal_currency_code: 'EUR' });
    await dealOf(h, friendId, { amount: '50000', deal_currency_code: 'EUR' }); // open: does not count
    await closeWon(h, first.id);
    await closeWon(h, second.id);
    await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { lifecyclestage: 'customer' } });

    expect((await qualifyAction(h, payload(friendId, CUSTOMER_MILESTONE))).referral_status).toBe('qualified');
    expect(await referrerRewards(h, referralId)).toEqual([{ recipient: 'referrer', amount: 30_000, currency: 'EUR', status: 'approved' }]);
    expect((await referralEvidence(h, referralId)).rewardBasis).toMatchObject({ kind: 'deal', dealId: first.id, dealAmount: 300_000 });
  });

  it('pays the fixed amount for a won deal without an amount, says why, and holds it for review when the program asks', async () => {
    await createProgram(h, {
      rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'EUR', revenueShare: { percent: 10, max: 100_000, reviewWithoutAmount: true } } },
    });
    const { friendId, referralId } = await createReferral(h);
    const deal = await dealOf(h, friendId, { deal_currency_code: 'EUR' });
    await closeWon(h, deal.id);

    const answer = await qualifyAction(h, payload(friendId, DEAL_MILESTONE));

    expect(answer).toEqual({ hs_execution_state: 'BLOCK' });
    const [reward] = await h.service.ctx.database.db.selectFrom('rewards').select(['amount', 'currency', 'status', 'review_reasons'])
      .where('referral_id', '=', referralId).execute();
    expect(reward).toMatchObject({ amount: 5000, currency: 'EUR', status: 'pending_review' });
    expect(JSON.parse(reward!.review_reasons)).toEqual([expect.objectContaining({
      code: 'no_deal_amount', message: expect.stringContaining(`Deal ${deal.id} has no amount`),
    })]);
    expect((await referralEvidence(h, referralId)).rewardBasis).toEqual({
      kind: 'fixed', dealId: deal.id, reason: `Deal ${deal.id} has no amount, so no share of it can be paid`,
    });
  });
});
