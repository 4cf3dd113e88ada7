import type { Selectable, Transaction } from 'kysely';
import { sql } from 'kysely';
import { runGuards } from '../../src/app/packages/domain/guards';
import type { Program } from '../../src/app/packages/domain/program';
import { evaluateMilestone, stagesAtOrBeyond } from '../../src/app/packages/domain/qualification';
import { planRewards } from '../../src/app/packages/domain/reward-rules';
import { isRiskFlag } from '../../src/app/packages/domain/risk-flags';
import type { AppContext } from '../context';
import type { Database, ReferralTable } from '../db/schema';
import { actionRequestSchema, type ActionRequest, type ActionResponse } from '../hubspot/action-request';
import { associatedIds } from '../hubspot/live-data';
import { enqueue, type BatchJobHandler } from '../jobs/queue';
import { recordTransition } from '../ledger/audit';
import { qualifiedCount, rewardCounts } from '../ledger/counts';
import { recordRewards } from '../rewards/record-rewards';
import { completeCallbackJob, syncContactJob } from '../sync/jobs';
import { DECIDE_QUALIFICATION, programOf } from './accept-request';
import { giveWayToDeliveries } from './deliveries';
import { gatherEvidence, type LiveEvidence } from './evidence';
import { milestoneFromInputs } from './inputs';
import { blockResponse, successResponse, type QualifyOutputs } from './outputs';

const WORKFLOW = { type: 'workflow', id: null } as const;

type Referral = Selectable<ReferralTable>;

/** The decision row was already decided: another worker got there first. */
class AlreadyDecided extends Error {}

/**
 * Decides the callbacks that "Qualify referral" accepted (accept-request.ts), a batch at a time: the
 * HubSpot reads of the whole batch first (a few batch calls, no network inside a transaction), then
 * one transaction per callback. The decision row changes from undecided to decided in the same
 * transaction as the ledger, so a callback is decided once however often its job runs; the callback
 * completion is a job written in that transaction too.
 */
export function qualifyJobHandlers(ctx: AppContext): Record<string, BatchJobHandler> {
  return { [DECIDE_QUALIFICATION]: (jobs) => decideBatch(ctx, jobs.map((j) => actionRequestSchema.parse(j.payload))) };
}

async function decideBatch(ctx: AppContext, requests: ActionRequest[]): Promise<unknown[]> {
  const outcomes: unknown[] = requests.map(() => undefined);
  // A batch's callbacks mostly share one program: read each once.
  const programs = new Map<unknown, ReturnType<typeof programOf>>();
  const programFor = (request: ActionRequest) => {
    let program = programs.get(request.inputFields.program);
    if (!program) programs.set(request.inputFields.program, (program = programOf(ctx, request)));
    return program;
  };
  // A callback whose program or inputs no longer hold fails alone, not with its batch.
  const planned = (await Promise.all(requests.map(async (request, i) => {
    try {
      const program = await programFor(request);
      return [{ i, request, program, milestone: milestoneFromInputs(request.inputFields, program) }];
    } catch (err) {
      outcomes[i] = err;
      return [];
    }
  }))).flat();
  const dealContacts = await associatedIds(
    ctx.hubspot, 'deals', planned.filter((p) => p.request.object.objectType === 'DEAL').map((p) => p.request.object.objectId), 'contacts',
  );
  const withReferral = await Promise.all(planned.map(async (p) => {
    const { objectType, objectId } = p.request.object;
    const contactIds = objectType === 'DEAL' ? dealContacts.get(objectId) ?? [] : [objectId];
    return { ...p, referral: await findReferral(ctx, p.program.id, contactIds) };
  }));
  const referred = withReferral.flatMap((p) => (p.referral ? [p.referral.referred_contact_id] : []));
  const extra = [...new Set(withReferral.flatMap((p) => (p.milestone.kind === 'property' ? [p.milestone.propertyName] : [])))];
  const evidence = await gatherEvidence(ctx.hubspot, referred, extra);

  for (const p of withReferral) {
    await giveWayToDeliveries(ctx);
    const input = { ...p, evidence: p.referral ? evidence.get(p.referral.referred_contact_id) : undefined };
    try {
      await ctx.database.db.transaction().execute((trx) => decide(ctx, trx, input));
    } catch (err) {
      if (!(err instanceof AlreadyDecided)) outcomes[p.i] = err;
    }
  }
  return outcomes;
}

/** A contact-based action reads its own referral; a deal-based one the earliest referral among its contacts. */
async function findReferral(ctx: AppContext, programId: string, contactIds: string[]): Promise<Referral | undefined> {
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

async function decide(ctx: AppContext, trx: Transaction<Database>, input: DecisionInput): Promise<void> {
  const now = ctx.clock();
  const { request, program } = input;
  // Re-read under a row lock: another callback for the same referral may have decided meanwhile.
  const referral = input.referral ? await lockReferral(ctx, trx, input.referral.id) : undefined;

  /** Marks the callback decided; the workflow resumes with `outputs` unless a reviewer must decide first. */
  const answer = async (response: ActionResponse) => {
    const state = response.outputFields.hs_execution_state;
    const decided = await trx
      .updateTable('action_decisions')
      .set({ decided_at: now, execution_state: state, outputs: state === 'BLOCK' ? null : JSON.stringify(response.outputFields) })
      .where('callback_id', '=', request.callbackId)
      .where('decided_at', 'is', null)
      .executeTakeFirst();
    if (Number(decided.numUpdatedRows) === 0) throw new AlreadyDecided();
    if (state !== 'BLOCK') await enqueue(trx, completeCallbackJob(request.callbackId, response.outputFields), now);
  };
  const outputs = (o: Partial<QualifyOutputs> & Pick<QualifyOutputs, 'referral_status' | 'reason'>): QualifyOutputs => ({
    reward_status: 'none',
    reward_id: '',
    ...o,
  });

  if (!referral) {
    return answer(successResponse(outputs({ referral_status: 'not_referred', reason: 'This contact was not referred through this program' })));
  }
  if (!input.evidence) {
    const reason = `HubSpot has no contact ${referral.referred_contact_id} (deleted or merged), so the milestone cannot be checked`;
    return answer(successResponse(outputs({ referral_status: 'not_qualified', reason })));
  }
  const evidence = input.evidence;
  const counts = await rewardCounts(trx, program, referral.referrer_contact_id, now);
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
