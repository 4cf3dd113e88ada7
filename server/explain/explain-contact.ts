import type { ProgramWhy, WhyAnswer, WhyEnrolment, WhyQualification } from '../../src/app/packages/contracts/explain';
import { GUARD_EFFECTS, guardVerdicts, type GuardCode } from '../../src/app/packages/domain/guards';
import type { Milestone, Program } from '../../src/app/packages/domain/program';
import { evaluateMilestone, type LifecycleStageOption, type Pipeline } from '../../src/app/packages/domain/qualification';
import { decideQualification, guardInputOf, type LiveEvidence, type QualificationDecision } from '../../src/app/packages/domain/qualification-decision';
import type { AppContext } from '../context';
import { criteriaProperties, criteriaVerdicts } from '../enrolment/criteria-match';
import { AppError } from '../errors';
import { readContacts, type ContactSnapshot } from '../hubspot/live-data';
import { P } from '../hubspot/properties';
import { listPrograms, programOrNotFound } from '../programs/repository';
import { evidenceNeeds, findReferral, referralFacts, type Referral } from '../qualify/decision-facts';
import { gatherEvidence } from '../qualify/evidence';
import { contactLink } from './contact-link';

/**
 * "Why?" for one contact: would a program enrol them, and for a referred contact, what "Qualify
 * referral" would decide now and why. A dry run: the referral and the evidence are loaded by the
 * same code as the workflow action's (server/qualify/decision-facts.ts, evidence.ts) and decided by
 * the same `decideQualification`; nothing is written, to the ledger or to HubSpot, and no job is queued.
 * It reads outside a transaction, so a decision running at the same moment may see other counts.
 */
export async function explainContact(ctx: AppContext, contactId: string, programId?: string): Promise<WhyAnswer> {
  const { db } = ctx.database;
  const programs = programId ? [await programOrNotFound(db, programId)] : await listPrograms(db);
  const now = ctx.clock();
  const decisions = await Promise.all(programs.map(async (program) => ({
    program, milestone: program.qualification.milestone, referral: await findReferral(db, program.id, [contactId]),
  })));
  const needs = evidenceNeeds(decisions);
  const enrolmentProperties = [...new Set([P.code, ...programs.flatMap((p) => criteriaProperties(p.enrolment.criteria))])];
  const hubspot = { gateway: ctx.gateway, portalSettings: ctx.portalSettings, clock: ctx.clock };
  // Deal amounts are shown whatever the program pays; the decision gets them only when the workflow's would.
  const evidence = decisions.some((d) => d.referral)
    ? (await gatherEvidence(hubspot, [contactId], [...needs.extraProperties, ...enrolmentProperties], { revenue: true })).get(contactId)
    : undefined;
  const contact = evidence ? snapshotOf(evidence) : (await readContacts(ctx.gateway, [contactId], enrolmentProperties)).get(contactId);
  if (!contact) throw new AppError('NOT_FOUND', `HubSpot has no contact ${contactId} (deleted or merged?)`);
  const portalId = await ctx.portalSettings.portalId();
  // Only a referred contact has evidence, and only its explanation names stages and pipelines.
  const labels = labelsOf(evidence?.milestoneInput.lifecycleStages ?? [], evidence?.milestoneInput.pipelines ?? []);

  const explained = await Promise.all(decisions.map(async ({ program, milestone, referral }): Promise<ProgramWhy> => {
    const asDecided = evidence && !evidenceNeeds([{ program, milestone, referral }]).revenue ? withoutRevenue(evidence) : evidence;
    return {
      programId: program.id,
      programName: program.name,
      programStatus: program.status,
      enrolment: await explainEnrolment(ctx, program, contact),
      qualification: referral ? await explainQualification(ctx, { program, milestone, referral, evidence: asDecided, shown: evidence, labels, now }) : null,
    };
  }));
  return { contact: contactLink(portalId, contactId, contact.properties), programs: explained, dryRun: true };
}

/** The contact as gatherEvidence read it (one read serves the criteria too). */
function snapshotOf(evidence: LiveEvidence): Pick<ContactSnapshot, 'id' | 'properties'> {
  return { id: evidence.milestoneInput.contact.id, properties: evidence.milestoneInput.contact.properties };
}

function withoutRevenue({ revenue: _revenue, ...evidence }: LiveEvidence): LiveEvidence {
  return evidence;
}

async function explainEnrolment(ctx: AppContext, program: Program, contact: Pick<ContactSnapshot, 'id' | 'properties'>): Promise<WhyEnrolment> {
  const enrolment = await ctx.database.db.selectFrom('enrolments').select(['code', 'status'])
    .where('program_id', '=', program.id).where('contact_id', '=', contact.id).executeTakeFirst();
  const criteria = program.enrolment.criteria;
  const verdicts = criteriaVerdicts(criteria, contact.properties);
  const groups = verdicts.map((g) => ({
    matched: g.matched,
    filters: g.filters.map(({ filter, value, matched }) => ({ ...filter, actual: value, matched })),
  }));
  const matched = verdicts.findIndex((g) => g.matched);
  const matchedGroup = matched === -1 ? null : matched;
  const codeOnRecord = contact.properties[P.code];
  const base = { enrolled: enrolment ?? null, matchedGroup, groups };
  const no = (reason: string) => ({ ...base, wouldEnrol: false, reason });

  if (enrolment) return no(`Already enrolled in ${program.name} (code ${enrolment.code})`);
  if (program.status !== 'active') return no(`${program.name} is ${program.status}: nobody is enrolled until it is active`);
  if (!program.enrolment.paths.includes('hubspot')) return no(`${program.name} enrols by sign-up only, not from HubSpot`);
  if (criteria.length > 0 && matchedGroup === null) {
    const misses = verdicts.map((g, i) => `rule ${i + 1}: ${g.filters.filter((f) => !f.matched).map((f) => describeMiss(f.filter, f.value)).join(', ')}`);
    return no(`Matches none of the enrolment rules (${misses.join('; ')})`);
  }
  if (codeOnRecord) return no(`The contact already has a referral code in HubSpot (${codeOnRecord}); enrolment never overwrites one`);
  return {
    ...base,
    wouldEnrol: true,
    reason: matchedGroup === null ? `${program.name} has no enrolment rules: every contact is enrolled` : `Matches enrolment rule ${matchedGroup + 1}: all its conditions hold`,
  };
}

const OPERATOR_WORDS: Record<string, string> = {
  EQ: 'is', NEQ: 'is not', LT: 'is less than', LTE: 'is at most', GT: 'is more than', GTE: 'is at least',
  CONTAINS_TOKEN: 'contains', NOT_CONTAINS_TOKEN: 'does not contain', IN: 'is any of', NOT_IN: 'is none of',
  BETWEEN: 'is between', HAS_PROPERTY: 'is known', NOT_HAS_PROPERTY: 'is unknown',
};

function describeMiss(filter: Program['enrolment']['criteria'][number]['filters'][number], value: string | null): string {
  const wanted = filter.operator === 'BETWEEN' ? `${filter.value} and ${filter.highValue}`
    : filter.values ? filter.values.join(', ') : filter.value ?? '';
  const actual = value === null ? 'unset' : `"${value}"`;
  return `${filter.propertyName} ${OPERATOR_WORDS[filter.operator] ?? filter.operator}${wanted ? ` ${wanted}` : ''} (it is ${actual})`;
}

const GUARD_LABELS: Record<GuardCode, string> = {
  not_referred: 'Referred through this program',
  already_qualified: 'Not qualified before',
  referral_rejected: 'Not rejected before',
  existing_customer: 'Not a customer before the referral',
  self_referral: 'Not a self-referral',
  outside_window: 'Within the qualification window',
  referrer_cap_reached: "Referrer's caps",
  program_cap_reached: "Program's monthly budget",
};

const EFFECT_WORDS = {
  no_referral: 'nothing to decide',
  already_decided: 'the earlier decision stands',
  rejects: 'rejects the referral once the milestone is met',
  no_reward: 'qualifies without a reward',
} as const;

interface Labels {
  stage: (value: string) => string;
  pipeline: (id: string) => string;
  dealStage: (pipelineId: string, stageId: string) => string;
}

function labelsOf(stages: readonly LifecycleStageOption[], pipelines: readonly Pipeline[]): Labels {
  const pipelineOf = (id: string) => pipelines.find((p) => p.id === id);
  return {
    stage: (value) => stages.find((s) => s.value === value)?.label ?? value,
    pipeline: (id) => pipelineOf(id)?.label ?? id,
    dealStage: (pipelineId, stageId) => pipelineOf(pipelineId)?.stages.find((s) => s.id === stageId)?.label ?? stageId,
  };
}

function describeMilestone(milestone: Milestone, labels: Labels): string {
  switch (milestone.kind) {
    case 'lifecycle_stage': return `Lifecycle stage ${labels.stage(milestone.stage)} or later`;
    case 'deal_stage': return `A deal in ${labels.pipeline(milestone.pipelineId)} at ${labels.dealStage(milestone.pipelineId, milestone.stageId)}${milestone.orLater ? ' or later' : ''}`;
    case 'property': return `${milestone.propertyName} ${milestone.operator.replace('_', ' ')}${milestone.value === undefined ? '' : ` ${milestone.value}`}`;
  }
}

interface QualificationInput {
  program: Program;
  milestone: Milestone;
  referral: Referral;
  /** As the workflow's decision would get it. */
  evidence: LiveEvidence | undefined;
  /** As read, deal amounts included, for the answer to show. */
  shown: LiveEvidence | undefined;
  labels: Labels;
  now: number;
}

async function explainQualification(ctx: AppContext, input: QualificationInput): Promise<WhyQualification> {
  const { program, milestone, referral, evidence, shown, labels, now } = input;
  const facts = await referralFacts(ctx.database.db, program, referral, evidence, now);
  const decision = decideQualification({ program, milestone, facts, now: new Date(now) });
  const guards = facts.evidence
    ? guardVerdicts(guardInputOf(program, { ...facts, evidence: facts.evidence }, new Date(now))).map((g) => ({
      ...g, label: GUARD_LABELS[g.code], effect: EFFECT_WORDS[GUARD_EFFECTS[g.code]],
    }))
    : [];
  return {
    milestone: describeMilestone(milestone, labels),
    referral: {
      id: referral.id, status: referral.status, capturedAt: new Date(referral.captured_at).toISOString(),
      referrerContactId: referral.referrer_contact_id, flags: [...facts.referral.flags],
    },
    guards,
    milestoneMet: facts.evidence ? evaluateMilestone(milestone, facts.evidence.milestoneInput).qualified : null,
    decision: describeDecision(decision),
    evidence: shown ? describeEvidence(shown, labels, now) : null,
  };
}

function describeDecision(decision: QualificationDecision): WhyQualification['decision'] {
  const rewards = decision.rewards.map((r) => ({
    recipient: r.recipient, kind: r.kind, amount: r.amount, currency: r.currency, status: r.status, reviewReasons: r.reviewReasons.map((x) => x.message),
  }));
  const common = { referralBecomes: decision.transition?.to ?? null, rewards };
  if (decision.answer.state === 'BLOCK') {
    const reasons = decision.rewards.flatMap((r) => r.reviewReasons.map((x) => x.message));
    return {
      ...common,
      referralStatus: 'qualified',
      rewardStatus: 'pending_review',
      reason: `${decision.transition?.reason ?? 'The milestone is met'}. The workflow waits for a reviewer: ${[...new Set(reasons)].join('; ')}`,
      waitsForReview: true,
    };
  }
  const { outputs } = decision.answer;
  return { ...common, referralStatus: outputs.referral_status, rewardStatus: outputs.reward_status, reason: outputs.reason, waitsForReview: false };
}

function describeEvidence(evidence: LiveEvidence, labels: Labels, now: number): NonNullable<WhyQualification['evidence']> {
  const { milestoneInput, history, revenue } = evidence;
  const stage = milestoneInput.contact.properties.lifecyclestage ?? null;
  return {
    lifecycleStage: stage ? labels.stage(stage) : null,
    lifecycleHistory: history.lifecycleStage.map((c) => ({ stage: labels.stage(c.value), at: c.timestamp.toISOString() })),
    deals: milestoneInput.deals.map((d) => {
      const money = revenue?.deals.find((r) => r.dealId === d.id);
      return {
        id: d.id, pipeline: labels.pipeline(d.pipelineId), stage: labels.dealStage(d.pipelineId, d.stageId),
        amount: money?.amount ?? null, currency: money?.currency || null, closedWonAt: money?.closedWonAt?.toISOString() ?? null,
      };
    }),
    readAt: (revenue?.readAt ?? new Date(now)).toISOString(),
  };
}
