import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/deals';
import request from 'supertest';
import type { WhyAnswer } from '../../../src/app/packages/contracts/explain';
import type { ProgramInput } from '../../../src/app/packages/domain/program';
import type { Database } from '../../../server/db/schema';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, createProgram, startHarness, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { qualifyAction } from '../../support/qualify-action';
import { buildReward } from '../reports/ledger-factories';

const DAY_MS = 86_400_000;
const LEDGER_TABLES = ['programs', 'enrolments', 'referrals', 'rewards', 'action_decisions', 'audit_events', 'jobs', 'owner_tasks', 'event_deliveries', 'referred_deals'] as const satisfies ReadonlyArray<keyof Database>;

let callbacks = 0;
function payload(programId: string, contactId: string) {
  return JSON.stringify({
    callbackId: `ap-why-${++callbacks}-0`,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: Number(contactId), objectType: 'CONTACT', properties: {} },
    inputFields: { program: programId },
  });
}

/** Everything the ledger holds, as rows: a dry run must leave it exactly as it was. */
async function ledgerSnapshot(h: Harness): Promise<string> {
  const db = h.service.ctx.database.db;
  const tables = await Promise.all(LEDGER_TABLES.map(async (t) => [t, await db.selectFrom(t).selectAll().execute()] as const));
  return JSON.stringify(tables);
}

/** HubSpot calls that change something; reads (GET, batch reads, searches) are fine. */
function hubspotWrites(h: Harness): string[] {
  return Object.keys(h.sandbox.stats.snapshot().byEndpoint)
    .filter((e) => !e.startsWith('GET ') && !/^POST \S+\/(search|batch\/read)$/.test(e));
}

async function why(h: Harness, programId: string, contactId: string): Promise<WhyAnswer> {
  const res = await request(h.url).get(`/api/contacts/${contactId}/why?program=${programId}`).set(ADMIN_HEADERS);
  expect(res.status).toBe(200);
  return res.body as WhyAnswer;
}

interface Case {
  name: string;
  program?: Partial<ProgramInput>;
  /** Sets the case up; returns the contact to ask about. */
  arrange: (h: Harness, programId: string) => Promise<string>;
  expected: { referral_status: string; reward_status: string; failingGuard?: string };
}

/** A friend referred `capturedMsAgo` before the case runs (a minute by default), a customer unless `friend` says otherwise. */
const referred = ({ capturedMsAgo = 60_000, ...opts }: Omit<NonNullable<Parameters<typeof createReferral>[1]>, 'capturedAt'> & { capturedMsAgo?: number } = {}) =>
  async (h: Harness, programId: string) =>
    (await createReferral(h, { programId, capturedAt: Date.now() - capturedMsAgo, friend: { lifecyclestage: 'customer' }, ...opts })).friendId;

const CASES: Case[] = [
  { name: 'qualifies', arrange: referred(), expected: { referral_status: 'qualified', reward_status: 'approved' } },
  { name: 'not yet at the milestone', arrange: referred({ friend: { lifecyclestage: 'lead' } }), expected: { referral_status: 'not_qualified', reward_status: 'none' } },
  {
    name: 'an existing customer', arrange: referred({ capturedMsAgo: -1000 }),
    expected: { referral_status: 'rejected', reward_status: 'none', failingGuard: 'existing_customer' },
  },
  {
    name: 'a self-referral',
    arrange: async (h, programId) => {
      const { friendId, referralId } = await createReferral(h, { programId, capturedAt: Date.now() - 60_000, friend: { lifecyclestage: 'customer' } });
      await h.service.ctx.database.db.updateTable('referrals').set({ referrer_contact_id: friendId }).where('id', '=', referralId).execute();
      return friendId;
    },
    expected: { referral_status: 'rejected', reward_status: 'none', failingGuard: 'self_referral' },
  },
  {
    name: 'outside the window', program: { qualification: { windowDays: 30 } }, arrange: referred({ capturedMsAgo: 40 * DAY_MS }),
    expected: { referral_status: 'rejected', reward_status: 'none', failingGuard: 'outside_window' },
  },
  {
    name: "the referrer's cap reached",
    program: { rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, caps: { perReferrer: 1 } } },
    arrange: async (h, programId) => {
      const { friendId, referrerId, referralId } = await createReferral(h, { programId, capturedAt: Date.now() - 60_000, friend: { lifecyclestage: 'customer' } });
      await h.service.ctx.database.db.insertInto('rewards')
        .values(buildReward({ program_id: programId, referral_id: referralId, recipient_contact_id: referrerId, status: 'approved', created_at: Date.now() - DAY_MS }))
        .execute();
      return friendId;
    },
    expected: { referral_status: 'qualified', reward_status: 'none', failingGuard: 'referrer_cap_reached' },
  },
  {
    name: 'a revenue deal (10 % of 1,234.00 EUR)',
    program: {
      rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'EUR', revenueShare: { percent: 10 } } },
      qualification: { milestone: { kind: 'deal_stage', pipelineId: 'default', stageId: 'closedwon' } },
    },
    arrange: async (h, programId) => {
      const friendId = await referred({ friend: { lifecyclestage: 'lead' } })(h, programId);
      await h.hubspot.crm.deals.basicApi.create({
        properties: { dealname: 'Friend deal', pipeline: 'default', dealstage: 'closedwon', amount: '1234', deal_currency_code: 'EUR' },
        associations: [{ to: { id: friendId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 3 }] }],
      });
      return friendId;
    },
    expected: { referral_status: 'qualified', reward_status: 'approved' },
  },
  {
    name: 'a reward above the review threshold', program: { review: { amountAbove: 1000 } }, arrange: referred(),
    expected: { referral_status: 'qualified', reward_status: 'pending_review' },
  },
  {
    name: 'a friend who already was a contact', arrange: referred({ flags: ['existing_contact'] }),
    expected: { referral_status: 'rejected', reward_status: 'none' },
  },
];

describe.each(dialects)('"Why?" and what Qualify referral then decides, on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
  });
  afterAll(() => h.close());

  test.each(CASES.map((c, i) => [c.name, c, i] as const))('agree for %s; the dry run writes nothing', async (_name, c, i) => {
    const programId = `case-${i}`;
    await createProgram(h, { id: programId, ...c.program });
    const contactId = await c.arrange(h, programId);
    const before = await ledgerSnapshot(h);
    h.sandbox.stats.reset();

    const answer = await why(h, programId, contactId);

    expect(hubspotWrites(h)).toEqual([]);
    expect(await ledgerSnapshot(h)).toBe(before);
    expect(answer.dryRun).toBe(true);
    const explained = answer.programs[0]!.qualification!;
    expect(explained.decision).toMatchObject({ referralStatus: c.expected.referral_status, rewardStatus: c.expected.reward_status });
    const failing = explained.guards.find((g) => !g.passed);
    expect(failing?.code).toBe(c.expected.failingGuard);

    const outputs = await qualifyAction(h, payload(programId, contactId));
    if (explained.decision.waitsForReview) {
      expect(outputs).toEqual({ hs_execution_state: 'BLOCK' });
    } else {
      expect(outputs).toMatchObject({ referral_status: explained.decision.referralStatus, reward_status: explained.decision.rewardStatus, reason: explained.decision.reason });
    }
    // The rewards the action recorded are the ones "why?" planned, amounts included.
    const recorded = await h.service.ctx.database.db.selectFrom('rewards').select(['recipient', 'amount', 'currency', 'status'])
      .where('program_id', '=', programId).where('referral_id', '=', explained.referral.id).where('created_at', '>', Date.now() - 60_000).execute();
    expect(recorded).toEqual(explained.decision.rewards.map((r) => ({ recipient: r.recipient, amount: r.amount, currency: r.currency, status: r.status })));
  });

  test('a revenue deal is shown with its stage, amount and currency, and the referral with its lifecycle history', async () => {
    await createProgram(h, { id: 'evidence', rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'EUR', revenueShare: { percent: 10 } } } });
    const { friendId } = await createReferral(h, { programId: 'evidence', capturedAt: Date.now() - 60_000, friend: { lifecyclestage: 'customer' } });
    const deal = await h.hubspot.crm.deals.basicApi.create({
      properties: { dealname: 'Friend deal', pipeline: 'default', dealstage: 'closedwon', amount: '1234', deal_currency_code: 'EUR' },
      associations: [{ to: { id: friendId }, types: [{ associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined, associationTypeId: 3 }] }],
    });

    const { qualification } = (await why(h, 'evidence', friendId)).programs[0]!;

    expect(qualification?.milestone).toBe('Lifecycle stage Customer or later');
    expect(qualification?.milestoneMet).toBe(true);
    expect(qualification?.evidence?.lifecycleStage).toBe('Customer');
    expect(qualification?.evidence?.lifecycleHistory.map((c) => c.stage)).toContain('Customer');
    expect(qualification?.evidence?.deals).toEqual([{ id: deal.id, pipeline: 'Sales Pipeline', stage: 'Closed Won', amount: '1234', currency: 'EUR', closedWonAt: expect.any(String) }]);
    expect(qualification?.decision.rewards).toEqual([expect.objectContaining({ recipient: 'referrer', amount: 12_340, currency: 'EUR' })]);
  });

  test('a contact nobody referred: no qualification to explain, and the action says not_referred', async () => {
    await createProgram(h, { id: 'strangers' });
    const stranger = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'stranger@example.net', firstname: 'Sam' }, associations: [] });
    const answer = await why(h, 'strangers', stranger.id);
    expect(answer.contact).toMatchObject({ contactId: stranger.id, name: 'Sam', email: 'stranger@example.net' });
    expect(answer.programs[0]!.qualification).toBeNull();
    expect((await qualifyAction(h, payload('strangers', stranger.id))).referral_status).toBe('not_referred');
  });
});
