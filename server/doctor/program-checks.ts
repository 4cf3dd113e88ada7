import type { Milestone, Program } from '../../src/app/packages/domain/program';
import { hubspotStatus } from '../hubspot/client';
import type { HubSpotGateway } from '../hubspot/gateway';
import { fetchLifecycleStages, fetchPipelines } from '../hubspot/live-data';
import { errorMessage, fail, pass, type CheckResult } from './check';
import { checkRevenueShare } from './revenue-checks';

const GROUP = 'Program';
/** Someone is waiting on the checklist: a HubSpot hiccup is reported, not ridden out. */
const DOCTOR_CALL = { maxAttempts: 2 };
const SETTINGS_FIX = 'set it on the program in the Referral Ops settings page (or PUT /api/programs/<id>)';

async function milestoneProblem(gateway: HubSpotGateway, milestone: Milestone): Promise<string | undefined> {
  switch (milestone.kind) {
    case 'lifecycle_stage': {
      const stages = await fetchLifecycleStages(gateway);
      return stages.some((s) => s.value === milestone.stage) ? undefined : `lifecycle stage "${milestone.stage}" does not exist in the portal`;
    }
    case 'deal_stage': {
      const pipeline = (await fetchPipelines(gateway)).find((p) => p.id === milestone.pipelineId);
      if (!pipeline) return `deal pipeline "${milestone.pipelineId}" does not exist in the portal`;
      return pipeline.stages.some((s) => s.id === milestone.stageId) ? undefined : `deal stage "${milestone.stageId}" is not in pipeline "${pipeline.label ?? pipeline.id}"`;
    }
    case 'property':
      try {
        await gateway.call('read', 'read a contact property', (client) => client.crm.properties.coreApi.getByName('contacts', milestone.propertyName), DOCTOR_CALL);
        return undefined;
      } catch (err) {
        if (hubspotStatus(err) === 404) return `contact property "${milestone.propertyName}" does not exist in the portal`;
        throw err;
      }
  }
}

function describeMilestone(m: Milestone): string {
  if (m.kind === 'lifecycle_stage') return `lifecycle stage ${m.stage}`;
  if (m.kind === 'deal_stage') return `deal stage ${m.stageId} in pipeline ${m.pipelineId}`;
  return `contact property ${m.propertyName} ${m.operator}${m.value === undefined ? '' : ` ${m.value}`}`;
}

async function checkMilestone(gateway: HubSpotGateway, program: Program): Promise<CheckResult> {
  const name = 'has one qualifying milestone that exists in HubSpot';
  const milestone = program.qualification.milestone;
  try {
    const problem = await milestoneProblem(gateway, milestone);
    return problem ? fail(GROUP, name, problem, `choose a milestone the portal has, or create it in HubSpot; then ${SETTINGS_FIX}`) : pass(GROUP, name, describeMilestone(milestone));
  } catch (err) {
    return fail(GROUP, name, `could not read it from HubSpot: ${errorMessage(err)}`, 'fix the HubSpot checks above first');
  }
}

async function checkOwner(gateway: HubSpotGateway, program: Program): Promise<CheckResult> {
  const name = 'has an owner';
  if (program.ownerId === undefined) return fail(GROUP, name, 'no owner is set; review and failure tasks would go to nobody', `choose a HubSpot owner: ${SETTINGS_FIX}`);
  try {
    const owner = await gateway.call('read', 'read an owner', (client) => client.crm.owners.ownersApi.getById(Number(program.ownerId)), DOCTOR_CALL);
    return pass(GROUP, name, `${owner.firstName ?? ''} ${owner.lastName ?? ''}`.trim() || owner.email || program.ownerId);
  } catch (err) {
    if (hubspotStatus(err) === 404) return fail(GROUP, name, `owner ${program.ownerId} does not exist in the portal`, `choose an existing HubSpot owner: ${SETTINGS_FIX}`);
    return fail(GROUP, name, `could not read owner ${program.ownerId}: ${errorMessage(err)}`, 'fix the HubSpot checks above first');
  }
}

function checkReviewRules(program: Program): CheckResult {
  const name = 'has review rules';
  const { amountAbove, firstRewardPerReferrer, flags } = program.review;
  const rules = [
    amountAbove !== undefined && `rewards above ${amountAbove} minor units`,
    firstRewardPerReferrer && "each referrer's first reward",
    flags.length > 0 && `risk flags ${flags.join(', ')}`,
  ].filter((r): r is string => Boolean(r));
  return rules.length > 0
    ? pass(GROUP, name, `reviews ${rules.join('; ')}`)
    : fail(GROUP, name, 'no reward is ever paused for review, so fraud goes straight to payment', `set a review threshold, first-reward review or risk flags: ${SETTINGS_FIX}`);
}

function checkEnrolmentPath(program: Program): CheckResult {
  const name = 'has an enrolment path';
  const { paths, criteria, allowManual } = program.enrolment;
  const open: string[] = [];
  if (paths.includes('hubspot')) {
    const how = criteria.length > 0 ? 'records matching the enrolment criteria' : `the workflow action${allowManual ? ' and by hand' : ''}`;
    open.push(`from HubSpot: ${how}`);
  }
  if (paths.includes('signup')) open.push('self sign-up');
  return open.length > 0 ? pass(GROUP, name, open.join('; ')) : fail(GROUP, name, 'no way to enrol referrers is open', `choose "hubspot", "signup" or both: ${SETTINGS_FIX}`);
}

/** What the program's configuration must hold before it goes live. */
export async function checkProgram(gateway: HubSpotGateway, program: Program): Promise<CheckResult[]> {
  return [
    await checkMilestone(gateway, program),
    await checkOwner(gateway, program),
    checkReviewRules(program),
    checkEnrolmentPath(program),
    ...await checkRevenueShare(gateway, program),
  ];
}
