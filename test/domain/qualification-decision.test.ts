import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgramInput } from '../../src/app/packages/domain/program';
import {
  decideQualification,
  type DecisionInput,
  type QualificationDecision,
  type ReferralFacts,
} from '../../src/app/packages/domain/qualification-decision';
import {
  NOW,
  buildCounts,
  buildDecisionInput,
  buildEvidence,
  buildLiveEvidence,
  buildProgram,
  buildProgramInput,
  buildReferralFacts,
  buildReferralSnapshot,
  daysBefore,
} from './factories';

const REFERRER_REWARD = { kind: 'cash', amount: 5000, currency: 'USD' } as const;

/** 10 % of the deal, at most 1,000.00 EUR, 50.00 EUR when no deal amount counts. */
const REVENUE_SHARE = { kind: 'cash', amount: 5000, currency: 'EUR', revenueShare: { percent: 10, max: 100_000 } } as const;
const DEAL_MILESTONE = { kind: 'deal_stage', pipelineId: 'default', stageId: 'closedwon', orLater: true } as const;

/** A referral whose friend won deal-88 yesterday, with this amount and currency. */
function wonDeal(amount: string | null, currency = 'EUR', overrides: Partial<DecisionInput> = {}): DecisionInput {
  return withFacts({
    evidence: buildLiveEvidence({
      milestoneInput: buildEvidence({ contact: { id: '904', properties: { lifecyclestage: 'customer' } }, deals: [{ id: 'deal-88', pipelineId: 'default', stageId: 'closedwon' }] }),
      revenue: { readAt: NOW, deals: [{ dealId: 'deal-88', amount, currency, closedWonAt: daysBefore(NOW, 1) }] },
    }),
  }, { milestone: DEAL_MILESTONE, program: program({ rewards: { referrer: REVENUE_SHARE } }), ...overrides });
}

/** A program built from the factory's defaults with these sections replaced or merged. */
function program(overrides: Partial<ProgramInput> = {}) {
  return buildProgram(buildProgramInput(overrides));
}

/** An input whose referral facts differ from the all-guards-pass example by these overrides. */
function withFacts(overrides: Partial<ReferralFacts>, base: Partial<DecisionInput> = {}): DecisionInput {
  return buildDecisionInput({ ...base, facts: buildReferralFacts(overrides) });
}

/**
 * An example of each "when" of the Outcomes table, keyed by that cell's text. The expected results
 * are not here: they are the table's other columns.
 */
const EXAMPLES: Record<string, () => DecisionInput> = {
  "no referral in this program for the contact (or the deal's contacts)": () => buildDecisionInput({ facts: null }),
  'the milestone is not met yet (the reason says what was seen)': () =>
    withFacts({ evidence: buildLiveEvidence({ milestoneInput: buildEvidence({ contact: { id: '904', properties: { lifecyclestage: 'opportunity' } } }) }) }),
  'HubSpot no longer has the referred contact (deleted or merged), so the milestone cannot be checked': () =>
    withFacts({ evidence: null }),
  'milestone met and every guard passes': () => buildDecisionInput(),
  'milestone met in a program with a hold period': () =>
    buildDecisionInput({ program: program({ rewards: { referrer: REFERRER_REWARD, holdDays: 30 } }) }),
  'milestone met in a double-sided program': () =>
    buildDecisionInput({ program: program({ rewards: { referrer: REFERRER_REWARD, friend: { kind: 'cash', amount: 2500, currency: 'USD' } } }) }),
  'milestone met, but the referrer has reached a reward cap': () =>
    withFacts(
      { counts: { rewards: buildCounts({ referrerRewardsTotal: 3 }), referrerQualified: 3 } },
      { program: program({ rewards: { referrer: REFERRER_REWARD, caps: { perReferrer: 3 } } }) },
    ),
  "milestone met, but the program's monthly budget is used up": () =>
    withFacts(
      { counts: { rewards: buildCounts({ programAmountThisMonth: 100_000 }), referrerQualified: 0 } },
      { program: program({ rewards: { referrer: REFERRER_REWARD, caps: { programPerMonth: 100_000 } } }) },
    ),
  'milestone met, but the friend was a customer before the referral (lifecycle stage history)': () =>
    withFacts({ evidence: buildLiveEvidence({ history: { lifecycleStage: [{ value: 'customer', timestamp: daysBefore(NOW, 200) }], closedWonDealsAt: [] } }) }),
  'milestone met, but the friend had a closed-won deal before the referral': () =>
    withFacts({ evidence: buildLiveEvidence({ history: { lifecycleStage: [], closedWonDealsAt: [daysBefore(NOW, 30)] } }) }),
  'milestone met, but the referrer referred themselves': () =>
    withFacts({ referral: buildReferralSnapshot({ referredContactId: '501' }) }),
  "milestone met, but after the program's qualification window": () =>
    withFacts({ referral: buildReferralSnapshot({ capturedAt: daysBefore(NOW, 40) }) }, { program: program({ qualification: { windowDays: 30 } }) }),
  'milestone met, but the friend already existed in HubSpot and the program does not reward existing contacts': () =>
    withFacts({ referral: buildReferralSnapshot({ flags: ['existing_contact'] }) }),
  'the referral qualified earlier (the reward it got is reported again)': () =>
    withFacts({ referral: buildReferralSnapshot({ status: 'qualified', referrerReward: { id: 'rwd_earlier', status: 'issued' } }) }),
  'the referral was rejected earlier': () => withFacts({ referral: buildReferralSnapshot({ status: 'rejected' }) }),
  "a reward is above the program's review threshold": () =>
    buildDecisionInput({ program: program({ review: { amountAbove: 1000 } }) }),
  "the referrer's first reward, in a program that reviews first rewards": () =>
    buildDecisionInput({ program: program({ review: { firstRewardPerReferrer: true } }) }),
  'milestone met in a program that pays a share of the deal, and the deal has an amount': () => wonDeal('12000'),
  'milestone met on the contact in a program that pays a share of the deal, but no deal of the friend was won after the referral (the fixed amount is paid and the reason says why)': () =>
    buildDecisionInput({
      program: program({ rewards: { referrer: REVENUE_SHARE } }),
      facts: buildReferralFacts({ evidence: buildLiveEvidence({ revenue: { readAt: NOW, deals: [] } }) }),
    }),
  'the deal has no amount (or zero) and the program reviews rewards paid without one': () =>
    wonDeal('0', 'EUR', { program: program({ rewards: { referrer: { ...REVENUE_SHARE, revenueShare: { percent: 10, reviewWithoutAmount: true } } } }) }),
  "the deal is in another currency than the program's, so its minimum and maximum cannot apply": () => wonDeal('12000', 'USD'),
  'the referral carries a risk flag the program reviews': () =>
    withFacts({ referral: buildReferralSnapshot({ flags: ['disposable_email'] }) }, { program: program({ review: { flags: ['disposable_email'] } }) }),
};

interface OutcomeRow {
  when: string;
  /** A `referral_status` the workflow resumes with, or null: the callback stays blocked. */
  status: string | null;
  /** The referral's new status, or null: unchanged. */
  referralTo: string | null;
  rewards: Array<[recipient: string, status: string]>;
}

/** The Outcomes table of docs/qualification.md, column by column. */
function outcomeRows(): OutcomeRow[] {
  const doc = readFileSync(join(__dirname, '../../docs/qualification.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Outcomes'));
  if (!section) throw new Error('docs/qualification.md has no "## Outcomes" section');
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const [header, rule, ...body] = lines;
  if (!header?.includes('when') || !rule?.startsWith('|---')) throw new Error('The Outcomes section has no table');
  return body.map((line) => {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 4) throw new Error(`Outcomes row needs 4 cells: ${line}`);
    const [status, when, referral, rewards] = cells as [string, string, string, string];
    const code = (cell: string) => /`([a-z_]+)`/.exec(cell)?.[1] ?? null;
    if (code(status) === null && !status.includes('stays blocked')) throw new Error(`Unreadable referral_status cell: ${status}`);
    if (code(referral) === null && referral !== 'unchanged') throw new Error(`Unreadable referral cell: ${referral}`);
    const planned = [...rewards.matchAll(/(referrer|friend) `([a-z_]+)`/g)].map((m) => [m[1], m[2]] as [string, string]);
    if (planned.length === 0 && rewards !== 'none') throw new Error(`Unreadable rewards cell: ${rewards}`);
    return { when, status: code(status), referralTo: code(referral), rewards: planned };
  });
}

/** The same columns, read off a decision. */
function columnsOf(decision: QualificationDecision): Omit<OutcomeRow, 'when'> {
  return {
    status: decision.answer.state === 'SUCCESS' ? decision.answer.outputs.referral_status : null,
    referralTo: decision.transition?.to ?? null,
    rewards: decision.rewards.map((r) => [r.recipient, r.status]),
  };
}

const rows = outcomeRows();

describe('decideQualification: the Outcomes table of docs/qualification.md', () => {
  it('has an example for every row and a row for every example', () => {
    expect(rows.map((r) => r.when).sort()).toEqual(Object.keys(EXAMPLES).sort());
  });

  it.each(rows.map((r) => [r.when, r] as const))('%s', (when, row) => {
    const example = EXAMPLES[when];
    if (!example) throw new Error(`No example for the Outcomes row "${when}"`);
    const { when: _when, ...expected } = row;
    expect(columnsOf(decideQualification(example()))).toEqual(expected);
  });
});

describe('decideQualification: what the workflow is told', () => {
  it("reports the referrer's planned reward status; the id is the ledger's to assign", () => {
    const decision = decideQualification(buildDecisionInput({ program: program({ rewards: { referrer: REFERRER_REWARD, holdDays: 30 } }) }));
    expect(decision.answer).toEqual({
      state: 'SUCCESS',
      outputs: { referral_status: 'qualified', reward_status: 'held', reward_id: '', reason: 'Lifecycle stage is customer, at or beyond customer' },
    });
    expect(decision.rewards[0]?.holdUntil).toEqual(new Date(NOW.getTime() + 30 * 86_400_000));
  });

  it('reports the reward an earlier decision created, by id', () => {
    const decision = decideQualification(EXAMPLES['the referral qualified earlier (the reward it got is reported again)']!());
    expect(decision.answer).toEqual({
      state: 'SUCCESS',
      outputs: { referral_status: 'qualified', reward_status: 'issued', reward_id: 'rwd_earlier', reason: 'This referral has already qualified; it is rewarded only once' },
    });
  });

  it('says why a capped referral qualified without a reward', () => {
    const decision = decideQualification(EXAMPLES['milestone met, but the referrer has reached a reward cap']!());
    expect(decision.answer).toMatchObject({
      state: 'SUCCESS',
      outputs: { reward_status: 'none', reward_id: '', reason: 'Lifecycle stage is customer, at or beyond customer. No reward: The referrer has reached the limit of 3 reward(s)' },
    });
  });

  it("pays the referrer and names the friend's line the rest of the monthly budget cannot cover", () => {
    const decision = decideQualification(withFacts(
      { counts: { rewards: buildCounts({ programAmountThisMonth: 94_000 }), referrerQualified: 0 } },
      { program: program({ rewards: { referrer: REFERRER_REWARD, friend: { kind: 'cash', amount: 2500, currency: 'USD' }, caps: { programPerMonth: 100_000 } } }) },
    ));
    expect(decision.rewards.map((r) => r.recipient)).toEqual(['referrer']);
    expect(decision.answer).toMatchObject({ outputs: { reward_status: 'approved', reason: expect.stringContaining("The friend's reward of 2500 exceeds what is left of the monthly budget (1000)") } });
  });

  it("keeps a reviewed reward's workflow blocked for the program's review expiry", () => {
    const decision = decideQualification(buildDecisionInput({ program: program({ review: { amountAbove: 1000, expirationDays: 14 } }) }));
    expect(decision.answer).toEqual({ state: 'BLOCK', expirationDays: 14 });
  });
});

describe('decideQualification: what the ledger records', () => {
  it('pays a share of the deal in its currency, capped, and records the deal, amount and read time as the basis', () => {
    const capped = decideQualification(wonDeal('12000'));
    const share = decideQualification(wonDeal('4000'));
    expect(capped.rewards.map((r) => [r.amount, r.currency])).toEqual([[100_000, 'EUR']]);
    expect(share.rewards.map((r) => [r.amount, r.currency])).toEqual([[40_000, 'EUR']]);
    expect(capped.transition?.evidence.rewardBasis).toEqual({ kind: 'deal', dealId: 'deal-88', dealAmount: 1_200_000, currency: 'EUR', readAt: NOW.toISOString() });
  });

  it('says in the answer why the fixed amount was paid instead of a share', () => {
    const decision = decideQualification(wonDeal(null));
    expect(decision.rewards.map((r) => [r.amount, r.currency, r.status])).toEqual([[5000, 'EUR', 'approved']]);
    expect(decision.answer).toMatchObject({ outputs: { reason: expect.stringContaining('Fixed reward paid: Deal deal-88 has no amount, so no share of it can be paid') } });
  });

  it('pays the fixed amount when the share of a tiny deal rounds to nothing', () => {
    const decision = decideQualification(wonDeal('0.04'));
    expect(decision.rewards.map((r) => [r.amount, r.currency])).toEqual([[5000, 'EUR']]);
    expect(decision.transition?.evidence.rewardBasis).toEqual({ kind: 'fixed', dealId: 'deal-88', reason: '10 % of deal deal-88 rounds to nothing' });
  });

  it("pays the share of a deal in another currency unbounded and sends it to review naming both currencies", () => {
    const decision = decideQualification(wonDeal('12000', 'USD'));
    expect(decision.rewards.map((r) => [r.amount, r.currency])).toEqual([[120_000, 'USD']]);
    expect(decision.rewards[0]?.reviewReasons).toEqual([{ code: 'deal_currency', message: "Deal deal-88 is in USD, not the program's EUR: its minimum, maximum and tier bonus were not applied" }]);
  });

  it("adds a tier bonus to a share in the program's currency, and none to a share in another", () => {
    const tiered = (currency: string) => buildDecisionInput({
      milestone: DEAL_MILESTONE,
      program: program({ rewards: { referrer: REVENUE_SHARE, tiers: [{ atQualified: 2, bonus: { amount: 2500 } }] } }),
      facts: { ...wonDeal('4000', currency).facts!, counts: { rewards: buildCounts(), referrerQualified: 1 } },
    });
    expect(decideQualification(tiered('EUR')).rewards.map((r) => [r.amount, r.tierBonus])).toEqual([[42_500, 2500]]);
    expect(decideQualification(tiered('USD')).rewards.map((r) => [r.amount, r.tierBonus])).toEqual([[40_000, undefined]]);
  });

  it('stores the deal a deal milestone rests on, and the milestone with its reason', () => {
    const milestone = { kind: 'deal_stage', pipelineId: 'default', stageId: 'closedwon', orLater: true } as const;
    const evidence = buildLiveEvidence({ milestoneInput: buildEvidence({ deals: [{ id: 'deal-77', pipelineId: 'default', stageId: 'closedwon' }] }) });
    const decision = decideQualification(withFacts({ evidence }, { milestone }));
    expect(decision.transition).toEqual({
      to: 'qualified',
      reason: 'Deal deal-77 is at Closed won (wanted Closed won or later in Sales pipeline)',
      dealId: 'deal-77',
      evidence: {
        objectType: 'deal', objectId: 'deal-77', pipelineId: 'default', stage: 'closedwon', milestone,
        reason: 'Deal deal-77 is at Closed won (wanted Closed won or later in Sales pipeline)',
      },
    });
  });

  it('stores no deal when a contact property met the milestone', () => {
    expect(decideQualification(buildDecisionInput()).transition?.dealId).toBeNull();
  });

  it('qualifies a friend who already existed in HubSpot when the program rewards existing contacts', () => {
    const decision = decideQualification(withFacts(
      { referral: buildReferralSnapshot({ flags: ['existing_contact'] }) },
      { program: program({ capture: { rewardExistingContacts: true } }) },
    ));
    expect(columnsOf(decision)).toEqual({ status: 'qualified', referralTo: 'qualified', rewards: [['referrer', 'approved']] });
  });

  it('pays a tier bonus on exactly the Nth qualified referral, this one included', () => {
    const tiered = program({ rewards: { referrer: REFERRER_REWARD, tiers: [{ atQualified: 3, bonus: { amount: 2000 } }] } });
    const amountAfter = (qualifiedBefore: number) => decideQualification(withFacts(
      { counts: { rewards: buildCounts(), referrerQualified: qualifiedBefore } },
      { program: tiered },
    )).rewards[0]?.amount;
    expect([amountAfter(1), amountAfter(2), amountAfter(3)]).toEqual([5000, 7000, 5000]);
  });

  it('decides from the time it is given', () => {
    const facts = buildReferralFacts({ referral: buildReferralSnapshot({ capturedAt: daysBefore(NOW, 40) }) });
    const windowed = program({ qualification: { windowDays: 30 } });
    const at = (now: Date) => decideQualification(buildDecisionInput({ program: windowed, facts, now })).transition?.to;
    expect([at(daysBefore(NOW, 11)), at(NOW)]).toEqual(['qualified', 'rejected']);
  });
});
