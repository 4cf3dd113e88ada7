/**
 * Decides whether a milestone is met from live HubSpot data. Portals customise lifecycle stages
 * and pipelines, so every ordering comes from the portal's own `displayOrder`, never from a list here.
 */
import type { Milestone } from './program';

export interface LifecycleStageOption {
  value: string;
  label?: string;
  displayOrder: number;
}

export interface DealStage {
  id: string;
  label?: string;
  displayOrder: number;
  isClosed: boolean;
  /** Win probability 0..1; closed won is 1, closed lost 0. `null` when the portal has none. */
  probability: number | null;
}

export interface Pipeline {
  id: string;
  label?: string;
  stages: readonly DealStage[];
}

export interface Deal {
  id: string;
  pipelineId: string;
  stageId: string;
}

export interface MilestoneEvidenceInput {
  contact: { id: string; properties: Record<string, string | null | undefined> };
  /** Options of the portal's `lifecyclestage` property. */
  lifecycleStages: readonly LifecycleStageOption[];
  /** Deals associated with the contact. */
  deals: readonly Deal[];
  /** The portal's deal pipelines (at least the ones the deals and the milestone refer to). */
  pipelines: readonly Pipeline[];
}

/** Which record and value the decision rests on; stored with the referral for the audit trail. */
export interface MilestoneEvidence {
  objectType: 'contact' | 'deal';
  objectId: string;
  propertyName?: string;
  value?: string | null;
  pipelineId?: string;
  stage?: string;
}

export type MilestoneOutcomeCode =
  | 'met'
  | 'not_met'
  | 'no_value'
  | 'unknown_stage'
  | 'unknown_pipeline'
  | 'not_comparable';

export interface MilestoneOutcome {
  qualified: boolean;
  code: MilestoneOutcomeCode;
  reason: string;
  evidence: MilestoneEvidence;
}

/** HubSpot sends stage metadata as strings (`{"isClosed":"true","probability":"1.0"}`). */
export function dealStageFromHubSpot(stage: {
  id: string; label?: string; displayOrder: number; metadata?: Record<string, string | undefined>;
}): DealStage {
  const probability = stage.metadata?.probability;
  const parsed = probability === undefined || probability === '' ? null : Number(probability);
  return {
    id: stage.id,
    ...(stage.label === undefined ? {} : { label: stage.label }),
    displayOrder: stage.displayOrder,
    isClosed: stage.metadata?.isClosed === 'true',
    probability: parsed === null || Number.isNaN(parsed) ? null : parsed,
  };
}

export function isClosedWon(stage: DealStage): boolean {
  return stage.id === 'closedwon' || (stage.isClosed && stage.probability === 1);
}

export function isClosedLost(stage: DealStage): boolean {
  return stage.id === 'closedlost' || (stage.isClosed && stage.probability === 0);
}

/** `other` is a side bucket, not a step after `evangelist`. */
const OUTSIDE_FUNNEL_STAGE = 'other';

/**
 * Stage values at or beyond `stage` in the portal's order (excluding `other` unless it is the
 * target itself); `null` when the portal has no such stage.
 */
export function stagesAtOrBeyond(stage: string, options: readonly LifecycleStageOption[]): string[] | null {
  const ordered = [...options].sort((a, b) => a.displayOrder - b.displayOrder);
  const index = ordered.findIndex((o) => o.value === stage);
  if (index === -1) return null;
  if (stage === OUTSIDE_FUNNEL_STAGE) return [stage];
  return ordered.slice(index).map((o) => o.value).filter((v) => v !== OUTSIDE_FUNNEL_STAGE);
}

export function evaluateMilestone(milestone: Milestone, input: MilestoneEvidenceInput): MilestoneOutcome {
  switch (milestone.kind) {
    case 'lifecycle_stage': return evaluateLifecycle(milestone.stage, input);
    case 'deal_stage': return evaluateDeal(milestone, input);
    case 'property': return evaluateProperty(milestone, input);
  }
}

function evaluateLifecycle(target: string, input: MilestoneEvidenceInput): MilestoneOutcome {
  const current = input.contact.properties.lifecyclestage ?? null;
  const label = (value: string) => input.lifecycleStages.find((o) => o.value === value)?.label ?? value;
  const evidence: MilestoneEvidence = {
    objectType: 'contact', objectId: input.contact.id, propertyName: 'lifecyclestage', value: current,
    ...(current ? { stage: current } : {}),
  };
  const accepted = stagesAtOrBeyond(target, input.lifecycleStages);
  if (!accepted) {
    return { qualified: false, code: 'unknown_stage', evidence, reason: `The milestone stage "${target}" is not a lifecycle stage in this portal` };
  }
  if (!current) {
    return { qualified: false, code: 'no_value', evidence, reason: 'The contact has no lifecycle stage' };
  }
  if (!input.lifecycleStages.some((o) => o.value === current)) {
    return { qualified: false, code: 'unknown_stage', evidence, reason: `The contact's lifecycle stage "${current}" is not one of this portal's stages` };
  }
  return accepted.includes(current)
    ? { qualified: true, code: 'met', evidence, reason: `Lifecycle stage is ${label(current)}, at or beyond ${label(target)}` }
    : { qualified: false, code: 'not_met', evidence, reason: `Lifecycle stage is ${label(current)}, not yet ${label(target)}` };
}

function evaluateDeal(
  milestone: Extract<Milestone, { kind: 'deal_stage' }>,
  input: MilestoneEvidenceInput,
): MilestoneOutcome {
  const contactEvidence: MilestoneEvidence = { objectType: 'contact', objectId: input.contact.id, pipelineId: milestone.pipelineId };
  const pipeline = input.pipelines.find((p) => p.id === milestone.pipelineId);
  if (!pipeline) {
    return { qualified: false, code: 'unknown_pipeline', evidence: contactEvidence, reason: `Deal pipeline "${milestone.pipelineId}" does not exist in this portal` };
  }
  const pipelineName = pipeline.label ?? pipeline.id;
  const target = pipeline.stages.find((s) => s.id === milestone.stageId);
  if (!target) {
    return { qualified: false, code: 'unknown_stage', evidence: contactEvidence, reason: `Stage "${milestone.stageId}" is not in pipeline ${pipelineName}` };
  }
  const counts = (stage: DealStage): boolean => {
    if (isClosedLost(stage)) return false;
    if (stage.id === target.id) return true;
    return milestone.orLater && (isClosedWon(stage) || stage.displayOrder > target.displayOrder);
  };
  const wanted = `${target.label ?? target.id}${milestone.orLater ? ' or later' : ''} in ${pipelineName}`;
  for (const deal of input.deals) {
    if (deal.pipelineId !== pipeline.id) continue;
    const stage = pipeline.stages.find((s) => s.id === deal.stageId);
    if (stage && counts(stage)) {
      return {
        qualified: true, code: 'met',
        evidence: { objectType: 'deal', objectId: deal.id, pipelineId: pipeline.id, stage: stage.id },
        reason: `Deal ${deal.id} is at ${stage.label ?? stage.id} (wanted ${wanted})`,
      };
    }
  }
  const inPipeline = input.deals.filter((d) => d.pipelineId === pipeline.id).length;
  return {
    qualified: false, code: 'not_met', evidence: contactEvidence,
    reason: inPipeline === 0
      ? `The contact has no deal in pipeline ${pipelineName}`
      : `None of the contact's ${inPipeline} deal(s) in ${pipelineName} is at ${wanted}`,
  };
}

type Comparable = { kind: 'number' | 'date'; value: number } | { kind: 'text'; value: string };

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** HubSpot date properties arrive as ISO dates or epoch milliseconds; plain numbers stay numbers. */
function toComparable(raw: string): Comparable {
  const value = raw.trim();
  if (ISO_DATE.test(value)) {
    // A date-time without an offset is read as UTC so the result never depends on the server's zone.
    const zoned = value.length > 10 && !/(?:Z|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value;
    const ms = Date.parse(zoned.replace(' ', 'T'));
    if (!Number.isNaN(ms)) return { kind: 'date', value: ms };
  }
  if (NUMBER.test(value)) return { kind: 'number', value: Number(value) };
  return { kind: 'text', value: value.toLowerCase() };
}

/** A 12+ digit integer next to a date is read as epoch milliseconds. */
function alignKinds(a: Comparable, b: Comparable): [Comparable, Comparable] {
  const asDate = (c: Comparable): Comparable =>
    c.kind === 'number' && Number.isInteger(c.value) && Math.abs(c.value) >= 1e11 ? { kind: 'date', value: c.value } : c;
  if (a.kind === 'date' && b.kind === 'number') return [a, asDate(b)];
  if (a.kind === 'number' && b.kind === 'date') return [asDate(a), b];
  return [a, b];
}

function evaluateProperty(
  milestone: Extract<Milestone, { kind: 'property' }>,
  input: MilestoneEvidenceInput,
): MilestoneOutcome {
  const { propertyName, operator } = milestone;
  const actual = input.contact.properties[propertyName] ?? null;
  const evidence: MilestoneEvidence = { objectType: 'contact', objectId: input.contact.id, propertyName, value: actual };
  const result = (qualified: boolean, reason: string, code: MilestoneOutcomeCode = qualified ? 'met' : 'not_met') =>
    ({ qualified, code, reason, evidence });

  // An unset property is no evidence of a milestone, whatever the operator (also for neq).
  if (actual === null || actual.trim() === '') {
    return result(false, `${propertyName} is not set`, 'no_value');
  }
  if (operator === 'is_set') return result(true, `${propertyName} is set to "${actual}"`);

  const expected = milestone.value ?? '';
  const says = `${propertyName} is "${actual}"`;
  if (operator === 'contains') {
    const met = actual.toLowerCase().includes(expected.toLowerCase());
    return result(met, `${says}, which ${met ? 'contains' : 'does not contain'} "${expected}"`);
  }
  const [a, b] = alignKinds(toComparable(actual), toComparable(expected));
  if (operator === 'eq' || operator === 'neq') {
    const equal = a.kind === b.kind && a.value === b.value;
    const met = operator === 'eq' ? equal : !equal;
    return result(met, `${says}, which ${equal ? 'equals' : 'does not equal'} "${expected}"`);
  }
  if (a.kind === 'text' || a.kind !== b.kind) {
    return result(false, `${says}; it cannot be compared with "${expected}" (both must be numbers or dates)`, 'not_comparable');
  }
  const diff = a.value - (b.value as number);
  const met = { gt: diff > 0, gte: diff >= 0, lt: diff < 0, lte: diff <= 0 }[operator];
  const relation = { gt: 'greater than', gte: 'at least', lt: 'less than', lte: 'at most' }[operator];
  return result(met, `${says}, which is ${met ? '' : 'not '}${relation} "${expected}"`);
}
