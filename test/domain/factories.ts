import type { RewardCounts } from '../../src/app/packages/domain/caps';
import type { GuardInput, GuardReferral } from '../../src/app/packages/domain/guards';
import { parseProgram, type Program, type ProgramInput } from '../../src/app/packages/domain/program';
import type { DealStage, MilestoneEvidenceInput, Pipeline } from '../../src/app/packages/domain/qualification';
import type { DecisionInput, LiveEvidence, ReferralFacts, ReferralSnapshot } from '../../src/app/packages/domain/qualification-decision';

export const NOW = new Date('2026-05-15T12:00:00Z');

export function daysBefore(date: Date, days: number): Date {
  return new Date(date.getTime() - days * 86_400_000);
}

/** A minimal valid program input; nested overrides replace whole sections. */
export function buildProgramInput(overrides: Partial<ProgramInput> = {}): ProgramInput {
  return {
    id: 'spring-2026',
    name: 'Spring referral program',
    status: 'active',
    ownerId: '1001',
    rewards: { referrer: { kind: 'cash', amount: 5000, currency: 'USD' } },
    ...overrides,
  };
}

export function buildProgram(overrides: Partial<ProgramInput> = {}): Program {
  const result = parseProgram(buildProgramInput(overrides));
  if (!result.ok) throw new Error(`buildProgram: ${JSON.stringify(result.issues)}`);
  return result.program;
}

export function buildCounts(overrides: Partial<RewardCounts> = {}): RewardCounts {
  return { referrerRewardsTotal: 0, referrerRewardsThisMonth: 0, programAmountThisMonth: 0, ...overrides };
}

export function buildReferral(overrides: Partial<GuardReferral> = {}): GuardReferral {
  return {
    status: 'captured',
    capturedAt: daysBefore(NOW, 10),
    referrerContactId: '501',
    referredContactId: '904',
    referredEmail: 'friend@example.org',
    referrerEmail: 'anna@example.com',
    ...overrides,
  };
}

export function buildGuardInput(overrides: Partial<GuardInput> = {}): GuardInput {
  return {
    referral: buildReferral(),
    program: buildProgram(),
    history: { lifecycleStage: [], closedWonDealsAt: [] },
    customerStages: ['customer', 'evangelist'],
    counts: buildCounts(),
    now: NOW,
    ...overrides,
  };
}

export const DEFAULT_LIFECYCLE_STAGES = [
  'subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other',
].map((value, i) => ({ value, displayOrder: i }));

export function buildStage(overrides: Partial<DealStage> & { id: string }): DealStage {
  return { displayOrder: 0, isClosed: false, probability: 0.2, ...overrides };
}

export function buildPipeline(overrides: Partial<Pipeline> = {}): Pipeline {
  return {
    id: 'default',
    label: 'Sales pipeline',
    stages: [
      buildStage({ id: 'appointmentscheduled', label: 'Appointment scheduled', displayOrder: 0, probability: 0.2 }),
      buildStage({ id: 'qualifiedtobuy', label: 'Qualified to buy', displayOrder: 1, probability: 0.4 }),
      buildStage({ id: 'contractsent', label: 'Contract sent', displayOrder: 2, probability: 0.8 }),
      buildStage({ id: 'closedwon', label: 'Closed won', displayOrder: 3, isClosed: true, probability: 1 }),
      buildStage({ id: 'closedlost', label: 'Closed lost', displayOrder: 4, isClosed: true, probability: 0 }),
    ],
    ...overrides,
  };
}

export function buildEvidence(overrides: Partial<MilestoneEvidenceInput> = {}): MilestoneEvidenceInput {
  return {
    contact: { id: '904', properties: { lifecyclestage: 'lead' } },
    lifecycleStages: DEFAULT_LIFECYCLE_STAGES,
    deals: [],
    pipelines: [buildPipeline()],
    ...overrides,
  };
}

export function buildReferralSnapshot(overrides: Partial<ReferralSnapshot> = {}): ReferralSnapshot {
  return { ...buildReferral(), flags: [], referrerReward: null, ...overrides };
}

/** A referred contact that became a customer yesterday, ten days after being referred. */
export function buildLiveEvidence(overrides: Partial<LiveEvidence> = {}): LiveEvidence {
  return {
    milestoneInput: buildEvidence({ contact: { id: '904', properties: { lifecyclestage: 'customer' } } }),
    history: { lifecycleStage: [{ value: 'customer', timestamp: daysBefore(NOW, 1) }], closedWonDealsAt: [] },
    ...overrides,
  };
}

export function buildReferralFacts(overrides: Partial<ReferralFacts> = {}): ReferralFacts {
  return {
    referral: buildReferralSnapshot(),
    evidence: buildLiveEvidence(),
    counts: { rewards: buildCounts(), referrerQualified: 0 },
    ...overrides,
  };
}

/** A referral whose milestone (the default: lifecycle stage customer) is met and every guard passes. */
export function buildDecisionInput(overrides: Partial<DecisionInput> = {}): DecisionInput {
  const program = overrides.program ?? buildProgram();
  return { program, milestone: program.qualification.milestone, facts: buildReferralFacts(), now: NOW, ...overrides };
}

/** Deterministic byte source: a simple LCG, so generated codes are reproducible. */
export function seededRandom(seed: number): (n: number) => Uint8Array {
  let state = seed >>> 0;
  return (n) => {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bytes[i] = state >>> 24;
    }
    return bytes;
  };
}

/** Returns the given bytes in order, then repeats the last one. */
export function scriptedRandom(bytes: number[]): (n: number) => Uint8Array {
  let i = 0;
  return (n) => Uint8Array.from({ length: n }, () => bytes[Math.min(i++, bytes.length - 1)] ?? 0);
}
