import type { Milestone } from '../../src/app/packages/domain/program';
import { dealStageFromHubSpot, evaluateMilestone, stagesAtOrBeyond } from '../../src/app/packages/domain/qualification';
import { DEFAULT_LIFECYCLE_STAGES, buildEvidence, buildPipeline, buildStage } from './factories';

const lifecycle = (stage: string): Milestone => ({ kind: 'lifecycle_stage', stage });
const withStage = (lifecyclestage: string | null) => buildEvidence({ contact: { id: '904', properties: { lifecyclestage } } });

describe('lifecycle stage milestone', () => {
  it.each([
    ['customer', 'customer', true, 'met'],
    ['evangelist', 'customer', true, 'met'],
    ['opportunity', 'customer', false, 'not_met'],
    ['other', 'customer', false, 'not_met'],
    ['other', 'other', true, 'met'],
    ['lead', 'subscriber', true, 'met'],
  ] as const)('contact at %s against milestone %s → %s', (current, target, qualified, code) => {
    expect(evaluateMilestone(lifecycle(target), withStage(current))).toMatchObject({
      qualified, code, evidence: { objectType: 'contact', objectId: '904', propertyName: 'lifecyclestage', value: current, stage: current },
    });
  });

  it("follows the portal's own order, not the default one", () => {
    // This portal moved "customer" before "opportunity" and added a custom stage after it.
    const stages = [
      { value: 'lead', displayOrder: 0 }, { value: 'customer', displayOrder: 1 },
      { value: 'opportunity', displayOrder: 2 }, { value: '1234567', label: 'Renewal', displayOrder: 3 },
    ];
    const evidence = (stage: string) => buildEvidence({ lifecycleStages: stages, contact: { id: '1', properties: { lifecyclestage: stage } } });
    expect(evaluateMilestone(lifecycle('customer'), evidence('opportunity')).qualified).toBe(true);
    expect(evaluateMilestone(lifecycle('opportunity'), evidence('customer')).qualified).toBe(false);
    expect(evaluateMilestone(lifecycle('customer'), evidence('1234567')).reason).toBe('Lifecycle stage is Renewal, at or beyond customer');
  });

  it('explains an unknown or missing stage instead of qualifying', () => {
    expect(evaluateMilestone(lifecycle('customer'), withStage('vip'))).toMatchObject({ qualified: false, code: 'unknown_stage', reason: expect.stringContaining('"vip"') });
    expect(evaluateMilestone(lifecycle('champion'), withStage('customer'))).toMatchObject({ qualified: false, code: 'unknown_stage', reason: expect.stringContaining('"champion" is not a lifecycle stage') });
    expect(evaluateMilestone(lifecycle('customer'), withStage(null))).toMatchObject({ qualified: false, code: 'no_value' });
  });

  it('lists the stages that count as a customer', () => {
    expect(stagesAtOrBeyond('customer', DEFAULT_LIFECYCLE_STAGES)).toEqual(['customer', 'evangelist']);
    expect(stagesAtOrBeyond('nope', DEFAULT_LIFECYCLE_STAGES)).toBeNull();
  });
});

describe('deal stage milestone', () => {
  const milestone = (stageId: string, orLater: boolean): Milestone => ({ kind: 'deal_stage', pipelineId: 'default', stageId, orLater });
  const withDeals = (...stages: string[]) =>
    buildEvidence({ deals: stages.map((stageId, i) => ({ id: `d${i + 1}`, pipelineId: 'default', stageId })) });

  it.each([
    ['contractsent', false, ['contractsent'], true],
    ['contractsent', false, ['closedwon'], false],
    ['contractsent', true, ['closedwon'], true],
    ['qualifiedtobuy', true, ['contractsent'], true],
    ['contractsent', true, ['qualifiedtobuy'], false],
    ['contractsent', true, ['closedlost'], false], // later by order, but lost never counts
    ['closedlost', false, ['closedlost'], false],
    ['contractsent', true, [], false],
    ['contractsent', true, ['appointmentscheduled', 'closedwon'], true],
  ] as const)('milestone %s (orLater %s) with deals at %j → %s', (stageId, orLater, deals, qualified) => {
    expect(evaluateMilestone(milestone(stageId, orLater), withDeals(...deals)).qualified).toBe(qualified);
  });

  it('counts a closed-won stage with any id and order when orLater', () => {
    const pipeline = buildPipeline({
      id: 'renewals', label: 'Renewals',
      stages: [
        buildStage({ id: 'won-7', label: 'Renewed', displayOrder: 0, isClosed: true, probability: 1 }),
        buildStage({ id: 'talk', label: 'Talking', displayOrder: 1 }),
      ],
    });
    const evidence = buildEvidence({ pipelines: [pipeline], deals: [{ id: 'd9', pipelineId: 'renewals', stageId: 'won-7' }] });
    expect(evaluateMilestone({ kind: 'deal_stage', pipelineId: 'renewals', stageId: 'talk', orLater: true }, evidence)).toEqual({
      qualified: true, code: 'met',
      evidence: { objectType: 'deal', objectId: 'd9', pipelineId: 'renewals', stage: 'won-7' },
      reason: 'Deal d9 is at Renewed (wanted Talking or later in Renewals)',
    });
  });

  it('ignores deals in other pipelines', () => {
    const evidence = buildEvidence({
      pipelines: [buildPipeline(), buildPipeline({ id: 'other' })],
      deals: [{ id: 'd1', pipelineId: 'other', stageId: 'closedwon' }],
    });
    expect(evaluateMilestone(milestone('contractsent', true), evidence)).toMatchObject({
      qualified: false, reason: 'The contact has no deal in pipeline Sales pipeline',
    });
  });

  it('explains a pipeline or stage the portal does not have', () => {
    expect(evaluateMilestone({ kind: 'deal_stage', pipelineId: 'gone', stageId: 'x', orLater: true }, withDeals('closedwon')))
      .toMatchObject({ qualified: false, code: 'unknown_pipeline' });
    expect(evaluateMilestone(milestone('gone', true), withDeals('closedwon')))
      .toMatchObject({ qualified: false, code: 'unknown_stage', reason: 'Stage "gone" is not in pipeline Sales pipeline' });
  });

  it('reads HubSpot stage metadata strings', () => {
    expect(dealStageFromHubSpot({ id: 'x', displayOrder: 3, metadata: { isClosed: 'true', probability: '1.0' } }))
      .toEqual({ id: 'x', displayOrder: 3, isClosed: true, probability: 1 });
    expect(dealStageFromHubSpot({ id: 'y', displayOrder: 0 })).toEqual({ id: 'y', displayOrder: 0, isClosed: false, probability: null });
  });
});

describe('property milestone', () => {
  const check = (operator: Extract<Milestone, { kind: 'property' }>['operator'], actual: string | null, value?: string) =>
    evaluateMilestone(
      { kind: 'property', propertyName: 'plan_value', operator, ...(value === undefined ? {} : { value }) },
      buildEvidence({ contact: { id: '904', properties: { plan_value: actual } } }),
    );

  it.each([
    ['eq', 'Pro', 'pro', true],
    ['eq', '10', '10.0', true], // numbers compare as numbers
    ['neq', 'Pro', 'Basic', true],
    ['neq', 'Pro', 'PRO', false],
    ['gt', '100', '99', true],
    ['gt', '100', '100', false],
    ['gte', '100', '100', true],
    ['lt', '9', '10', true], // not "9" > "10" as text
    ['lte', '10', '9', false],
    ['gt', '2026-03-01', '2026-02-28', true], // dates compare as dates
    ['lt', '2026-03-01T10:00:00Z', '2026-03-01T11:00:00+00:00', true],
    ['gte', '1772323200000', '2026-03-01', true], // epoch milliseconds next to a date
    ['lt', '1772323200000', '2026-03-01', false],
    ['contains', 'Enterprise Plus', 'PLUS', true],
    ['contains', 'Enterprise', 'plus', false],
    ['is_set', 'anything', undefined, true],
  ] as const)('%s: %j vs %j → %s', (operator, actual, value, qualified) => {
    expect(check(operator, actual, value)).toMatchObject({
      qualified, evidence: { objectType: 'contact', objectId: '904', propertyName: 'plan_value', value: actual },
    });
  });

  it.each([['is_set'], ['neq'], ['eq']] as const)('an unset property never qualifies (%s)', (operator) => {
    expect(check(operator, null, 'x')).toMatchObject({ qualified: false, code: 'no_value', reason: 'plan_value is not set' });
    expect(check(operator, '  ', 'x')).toMatchObject({ qualified: false, code: 'no_value' });
  });

  it('refuses to order text', () => {
    expect(check('gt', 'gold', '10')).toMatchObject({ qualified: false, code: 'not_comparable', reason: expect.stringContaining('cannot be compared') });
  });

  it('says why in words', () => {
    expect(check('gte', '120', '100').reason).toBe('plan_value is "120", which is at least "100"');
  });
});
