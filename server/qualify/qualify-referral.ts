import type { Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { runGuards } from '../../src/domain/guards';
import type { Program } from '../../src/domain/program';
import { evaluateMilestone, stagesAtOrBeyond } from '../../src/domain/qualification';
import { planRewards } from '../../src/domain/reward-rules';
import { isRiskFlag } from '../../src/domain/risk-flags';
import type { AppContext } from '../context';
import type { Database, ReferralTable } from '../db/schema';
import { AppError } from '../errors';
import { requireInput, type ActionRequest, type ActionResponse } from '../hubspot/action-request';
import { associatedIds } from '../hubspot/live-data';
import { enqueue } from '../jobs/queue';
import { recordTransition } from '../ledger/audit';
import { qualifiedCount, rewardCounts } from '../ledger/counts';
import { findProgram } from '../programs/repository';
import { gatherEvidence, type LiveEvidence } from './evidence';
import { milestoneFromInputs } from './inputs';
import { blockResponse, successResponse, type QualifyOutputs } from './outputs';
import { syncContactJob } from '../sync/jobs';
import { recordRewards } from '../rewards/record-rewards';
import { isUniqueViolation } from '../db/unique-violation';

const ACTION = 'qualify-referral';
const WORKFLOW = { type: 'workflow', id: null } as const;

type Referral = Selectable<ReferralTable>;

/** A unique-key collision on the decision row: another delivery of the same callback got there first. */
class AlreadyDecided extends Error {}

/**
 * The "Qualify referral" workflow action. HubSpot retries a callbackId for up to three days, also
 * concurrently; the decision row (primary key: callbackId) is written in the same transaction as the
 * ledger change, so every delivery gets the first answer and the ledger changes at most once.
 */
export async function qualifyReferral(ctx: AppContext, request: ActionRequest): Promise<ActionResponse> {
  const stored = await storedDecision(ctx, request.callbackId);
  if (stored) return stored;

  const programId = requireInput(request.inputFields, 'program', 'the referral program');
  const program = await findProgram(ctx.database.db, programId);
  if (!program) {
    throw new AppError('VALIDATION_FAILED', `Invalid workflow action request: inputFields.program: no program "${programId}"`, {
      issues: [{ path: 'inputFields.program', message: `no program "${programId}"` }],
    });
  }
  const milestone = milestoneFromInputs(request.inputFields, program);
  const referral = await findReferral(ctx, program.id, request);
  const evidence = referral ? await gatherEvidence(ctx.hubspot, referral.referred_contact_id, milestone) : undefined;

  try {
    return await ctx.database.db.transaction().execute((trx) => decide(ctx, trx, { request, program, milestone, referral, evidence }));
  } catch (err) {
    if (err instanceof AlreadyDecided || isUniqueViolation(err)) {
      const winner = await storedDecision(ctx, request.callbackId);
      if (winner) return winner;
    }
    throw err;
  }
}

async function storedDecision(ctx: AppContext, callbackId: string): Promise<ActionResponse | undefined> {
  const row = await ctx.database.db
    .selectFrom('action_decisions')
    .select('response')
    .where('callback_id', '=', callbackId)
    .executeTakeFirst();
  return row ? (JSON.parse(row.response) as ActionResponse) : undefined;
}

/** A contact-based action reads its own referral; a deal-based one the earliest referral among its contacts. */
async function findReferral(ctx: AppContext, programId: string, request: ActionRequest): Promise<Referral | undefined> {
  const { objectType, objectId } = request.object;
  const contactIds = objectType === 'DEAL' ? await associatedIds(ctx.hubspot, 'deals', objectId, 'contacts') : [objectId];
  if (contactIds.length === 0) return undefined;
  return ctx.database.db
    .selectFrom('referrals')
    .selectAll()
    .where('program_id', '=', programId)
    .where('referred_contact_id', 'in', contactIds)
    .orderBy('captured_at')
    .executeTakeFirst();
}

interface DecisionInput {
  request: ActionRequest;
  program: Program;
  milestone: ReturnType<typeof milestoneFromInputs>;
  referral: Referral | undefined;
  evidence: LiveEvidence | undefined;
}

async function decide(ctx: AppContext, trx: Transaction<Database>, input: DecisionInput): Promise<ActionResponse> {
  const now = ctx.clock();
  const { request, program } = input;
  // Re-read under a row lock: another callback for the same referral may have decided meanwhile.
  const referral = input.referral ? await lockReferral(ctx, trx, input.referral.id) : undefined;

  const answer = async (response: ActionResponse) => {
    const inserted = await trx
      .insertInto('action_decisions')
      .values({
        callback_id: request.callbackId,
        action: ACTION,
        program_id: program.id,
        object_type: request.object.objectType,
        object_id: request.object.objectId,
        execution_state: response.outputFields.hs_execution_state,
        response: JSON.stringify(response),
        completed_at: response.outputFields.hs_execution_state === 'BLOCK' ? null : now,
        created_at: now,
      })
      .onConflict((oc) => oc.column('callback_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) throw new AlreadyDecided();
    return response;
  };
  const outputs = (o: Partial<QualifyOutputs> & Pick<QualifyOutputs, 'referral_status' | 'reason'>): QualifyOutputs => ({
    reward_status: 'none',
    reward_id: '',
    ...o,
  });

  if (!referral || !input.evidence) {
    return answer(successResponse(outputs({ referral_status: 'not_referred', reason: 'This contact was not referred through this program' })));
  }
  const evidence = input.evidence;
  const counts = await rewardCounts(trx, program.id, referral.referrer_contact_id, now);
  const guard = runGuards({
    referral: {
      status: referral.status,
      capturedAt: new Date(referral.captured_at),
      referrerContactId: referral.referrer_contact_id,
      referredContactId: referral.referred_contact_id,
      referredEmail: referral.email_normalised,
      referrerEmail: null,
    },
    program,
    history: evidence.history,
    customerStages: stagesAtOrBeyond('customer', evidence.milestoneInput.lifecycleStages) ?? ['customer'],
    counts,
    now: new Date(now),
  });

  if (!guard.passed && (guard.code === 'already_qualified' || guard.code === 'referral_rejected')) {
    const status = guard.code === 'already_qualified' ? 'qualified' : 'rejected';
    const reward = await trx.selectFrom('rewards').select(['id', 'status']).where('referral_id', '=', referral.id)
      .where('recipient', '=', 'referrer').executeTakeFirst();
    return answer(successResponse(outputs({ referral_status: status, reward_status: reward?.status ?? 'none', reward_id: reward?.id ?? '', reason: guard.message })));
  }

  const outcome = evaluateMilestone(input.milestone, evidence.milestoneInput);
  if (!outcome.qualified) {
    return answer(successResponse(outputs({ referral_status: 'not_qualified', reason: outcome.reason })));
  }

  const flags = (JSON.parse(referral.flags) as string[]).filter(isRiskFlag);
  const rejection = !guard.passed && ['existing_customer', 'self_referral', 'outside_window'].includes(guard.code)
    ? { code: guard.code, message: guard.message }
    : flags.includes('existing_contact') && !program.capture.rewardExistingContacts
      ? { code: 'existing_contact', message: 'The friend was already a HubSpot contact when referred; this program does not reward existing contacts' }
      : undefined;
  const milestoneEvidence = { ...outcome.evidence, milestone: input.milestone, reason: outcome.reason };

  if (rejection) {
    await setReferralStatus(trx, referral, 'rejected', rejection.message, milestoneEvidence, now);
    await enqueueSyncs(trx, referral, now);
    return answer(successResponse(outputs({ referral_status: 'rejected', reason: rejection.message })));
  }

  await setReferralStatus(trx, referral, 'qualified', outcome.reason, milestoneEvidence, now);
  await enqueueSyncs(trx, referral, now);
  if (!guard.passed) {
    // A cap stops the reward, not the referral: the milestone is real and reports count it.
    return answer(successResponse(outputs({ referral_status: 'qualified', reason: `${outcome.reason}. No reward: ${guard.message}` })));
  }

  const plan = planRewards({
    program,
    referrerQualifiedCount: await qualifiedCount(trx, referral.enrolment_id),
    counts,
    riskFlags: flags,
    now: new Date(now),
  });
  const created = await recordRewards(
    trx, program, referral, plan.lines,
    { callbackId: request.callbackId, portalId: request.origin.portalId, actor: WORKFLOW },
    now,
  );

  const referrerReward = created.find((r) => r.recipient === 'referrer');
  const dropped = plan.dropped.map((d) => d.message).join('; ');
  const reason = dropped ? `${outcome.reason}. ${dropped}` : outcome.reason;
  if (created.some((r) => r.status === 'pending_review')) {
    return answer(blockResponse(program.review.expirationDays));
  }
  return answer(successResponse(outputs({
    referral_status: 'qualified',
    reward_status: referrerReward?.status ?? 'none',
    reward_id: referrerReward?.id ?? '',
    reason,
  })));
}

async function lockReferral(ctx: AppContext, trx: Transaction<Database>, id: string): Promise<Referral | undefined> {
  const query = trx.selectFrom('referrals').selectAll().where('id', '=', id);
  // SQLite transactions are already serialised; PostgreSQL needs the row lock.
  return (ctx.database.dialect === 'postgres' ? query.modifyEnd(sql`for update`) : query).executeTakeFirst();
}

async function setReferralStatus(
  trx: Transaction<Database>,
  referral: Referral,
  status: 'qualified' | 'rejected',
  reason: string,
  evidence: unknown,
  now: number,
) {
  await trx
    .updateTable('referrals')
    .set({
      status,
      reason,
      evidence: JSON.stringify(evidence),
      deal_id: (evidence as { objectType?: string; objectId?: string }).objectType === 'deal' ? (evidence as { objectId: string }).objectId : null,
      qualified_at: status === 'qualified' ? now : null, decided_at: now })
    .where('id', '=', referral.id)
    .execute();
  await recordTransition(trx, { entity: 'referral', entityId: referral.id, from: referral.status, to: status, actor: WORKFLOW, reason, data: evidence, at: now });
}

async function enqueueSyncs(trx: Transaction<Database>, referral: Referral, now: number) {
  await enqueue(trx, syncContactJob(referral.referred_contact_id), now);
  await enqueue(trx, syncContactJob(referral.referrer_contact_id), now);
}
