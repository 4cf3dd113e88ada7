import type { Transaction } from 'kysely';
import { sql } from 'kysely';
import type { Program } from '../../src/app/packages/domain/program';
import { decideQualification, type ReferralTransition } from '../../src/app/packages/domain/qualification-decision';
import type { AppContext } from '../context';
import type { Database } from '../db/schema';
import { actionRequestSchema, type ActionRequest, type ActionResponse } from '../hubspot/action-request';
import { JOB_CALL_ATTEMPTS, type HubSpotGateway } from '../hubspot/gateway';
import { associatedIds } from '../hubspot/live-data';
import { enqueue, type BatchJobHandler } from '../jobs/queue';
import { recordTransition } from '../ledger/audit';
import { recordRewards } from '../rewards/record-rewards';
import { completeCallbackJob, syncContactJob } from '../sync/jobs';
import { readReferralDealsJob } from '../reports/referred-deals';
import { DECIDE_QUALIFICATION, programOf } from './accept-request';
import { evidenceNeeds, findReferral, referralFacts, type Referral } from './decision-facts';
import { giveWayToDeliveries } from './deliveries';
import { gatherEvidence, type LiveEvidence } from './evidence';
import { milestoneFromInputs } from './inputs';
import { blockResponse, successResponse } from './outputs';

const WORKFLOW = { type: 'workflow', id: null } as const;

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
  const gateway = ctx.gateway.withMaxAttempts(JOB_CALL_ATTEMPTS);
  return { [DECIDE_QUALIFICATION]: (jobs) => decideBatch(ctx, gateway, jobs.map((j) => actionRequestSchema.parse(j.payload))) };
}

async function decideBatch(ctx: AppContext, gateway: HubSpotGateway, requests: ActionRequest[]): Promise<unknown[]> {
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
    gateway, 'deals', planned.filter((p) => p.request.object.objectType === 'DEAL').map((p) => p.request.object.objectId), 'contacts',
  );
  const withReferral = await Promise.all(planned.map(async (p) => {
    const { objectType, objectId } = p.request.object;
    const contactIds = objectType === 'DEAL' ? dealContacts.get(objectId) ?? [] : [objectId];
    return { ...p, referral: await findReferral(ctx.database.db, p.program.id, contactIds) };
  }));
  const referred = withReferral.flatMap((p) => (p.referral ? [p.referral.referred_contact_id] : []));
  const needs = evidenceNeeds(withReferral);
  const evidence = await gatherEvidence({ gateway, portalSettings: ctx.portalSettings, clock: ctx.clock }, referred, needs.extraProperties, { revenue: needs.revenue });

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

interface CallbackToDecide {
  request: ActionRequest;
  program: Program;
  milestone: ReturnType<typeof milestoneFromInputs>;
  referral: Referral | undefined;
  evidence: LiveEvidence | undefined;
}

/**
 * Loads, locks and applies: the policy is `decideQualification` (docs/qualification.md, Outcomes);
 * this writes what it decided and the callback's answer in the caller's transaction.
 */
async function decide(ctx: AppContext, trx: Transaction<Database>, input: CallbackToDecide): Promise<void> {
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
  const facts = referral ? await referralFacts(trx, program, referral, input.evidence, now) : null;
  const decision = decideQualification({ program, milestone: input.milestone, facts, now: new Date(now) });

  if (referral && decision.transition) {
    await setReferralStatus(trx, referral, decision.transition, now);
    await enqueueSyncs(trx, referral, now);
  }
  const created = referral && decision.rewards.length > 0
    ? await recordRewards(
      trx, program, referral, decision.rewards,
      { callbackId: request.callbackId, portalId: request.origin.portalId, actor: WORKFLOW },
      now,
    )
    : [];
  if (decision.answer.state === 'BLOCK') return answer(blockResponse(decision.answer.expirationDays));
  const referrerReward = created.find((r) => r.recipient === 'referrer');
  const { outputs } = decision.answer;
  return answer(successResponse(referrerReward ? { ...outputs, reward_status: referrerReward.status, reward_id: referrerReward.id } : outputs));
}

async function lockReferral(ctx: AppContext, trx: Transaction<Database>, id: string): Promise<Referral | undefined> {
  const query = trx.selectFrom('referrals').selectAll().where('id', '=', id);
  // SQLite transactions are already serialised; PostgreSQL needs the row lock.
  return (ctx.database.dialect === 'postgres' ? query.modifyEnd(sql`for update`) : query).executeTakeFirst();
}

async function setReferralStatus(trx: Transaction<Database>, referral: Referral, transition: ReferralTransition, now: number) {
  const { to: status, reason, evidence, dealId } = transition;
  await trx
    .updateTable('referrals')
    .set({
      status,
      reason,
      evidence: JSON.stringify(evidence),
      deal_id: dealId,
      qualified_at: status === 'qualified' ? now : null, decided_at: now })
    .where('id', '=', referral.id)
    .execute();
  await recordTransition(trx, { entity: 'referral', entityId: referral.id, from: referral.status, to: status, actor: WORKFLOW, reason, data: evidence, at: now });
}

async function enqueueSyncs(trx: Transaction<Database>, referral: Referral, now: number) {
  await enqueue(trx, syncContactJob(referral.referred_contact_id), now);
  await enqueue(trx, syncContactJob(referral.referrer_contact_id), now);
  // The friend's deals, for the report's referred revenue.
  await enqueue(trx, readReferralDealsJob(referral.id), now);
}
