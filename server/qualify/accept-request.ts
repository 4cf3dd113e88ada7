import type { Program } from '../../src/app/packages/domain/program';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { storedAnswer } from '../hubspot/action-answers';
import { requireInput, type ActionRequest, type ActionResponse } from '../hubspot/action-request';
import type { NewJob } from '../jobs/queue';
import { acceptWithGroup } from '../hubspot/action-group-commit';
import { findProgram } from '../programs/repository';
import { milestoneFromInputs } from './inputs';
import { blockResponse } from './outputs';

export const QUALIFY_ACTION = 'qualify-referral';
export const DECIDE_QUALIFICATION = 'qualify.decide';

/**
 * The "Qualify referral" workflow action's endpoint. It answers at once: BLOCK, so the workflow
 * waits, with the program's review expiry. The decision follows within seconds (qualify-referral.ts),
 * many callbacks together, and completes the callback through HubSpot's callbacks API.
 *
 * Why not decide while HubSpot waits: a decision reads HubSpot (the contact's history, its deals).
 * Read one callback at a time, HubSpot's rate limit (190 requests / 10 s on Professional) allows
 * about ten decisions a second; read together, a hundred decisions cost a handful of calls. And an
 * answer that never waits on HubSpot means a slow portal cannot make HubSpot time out and redeliver.
 *
 * HubSpot redelivers a callbackId (5xx, timeouts), also concurrently: the row keyed by callbackId
 * and the decision job are written in one transaction, so every delivery gets the first answer and
 * one decision is made. Deliveries arriving together share that transaction (action-group-commit.ts).
 */
export async function acceptQualifyRequest(ctx: AppContext, request: ActionRequest): Promise<ActionResponse> {
  let program: Readonly<Program>;
  try {
    program = await programOf(ctx, request);
    // Inputs are checked now, so a workflow set up wrong fails in HubSpot's history with the reason.
    milestoneFromInputs(request.inputFields, program);
  } catch (err) {
    // A callback accepted before keeps its answer, even if its program changed since.
    const stored = await storedAnswer(ctx.database.db, request.callbackId);
    if (stored) return stored;
    throw err;
  }
  const answer = blockResponse(program.review.expirationDays);
  const accepted = await acceptWithGroup(ctx, { action: QUALIFY_ACTION, request, programId: program.id, answer, job: decideJob(request) });
  return accepted ? answer : (await storedAnswer(ctx.database.db, request.callbackId))!;
}

function decideJob(request: ActionRequest): NewJob {
  return { kind: DECIDE_QUALIFICATION, payload: request, dedupeKey: `${DECIDE_QUALIFICATION}:${request.callbackId}` };
}

export async function programOf(ctx: AppContext, request: ActionRequest): Promise<Readonly<Program>> {
  const programId = requireInput(request.inputFields, 'program', 'the referral program');
  const program = await findProgram(ctx.database.db, programId);
  if (!program) {
    throw new AppError('VALIDATION_FAILED', `Invalid workflow action request: inputFields.program: no program "${programId}"`, {
      issues: [{ path: 'inputFields.program', message: `no program "${programId}"` }],
    });
  }
  return program;
}
