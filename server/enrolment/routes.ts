import { Router } from 'express';
import { z } from 'zod';
import type { AppContext, Feature } from '../context';
import { dashboardLinksFor } from '../dashboard/dashboard-token';
import { AppError, validationError } from '../errors';
import { storedAnswer } from '../hubspot/action-answers';
import { parseActionRequest, requireInput, type ActionResponse } from '../hubspot/action-request';
import type { HubSpotGateway } from '../hubspot/gateway';
import { programOrNotFound } from '../programs/repository';
import { executeRun, type BulkDeps } from './bulk-enrolment';
import { enrolContact, type EnrolOutcome } from './enrol-contact';
import { enrolmentView } from './repository';
import { claimRun, getRun, runView, type RunView } from './runs';

export const ENROL_ACTION = 'enrol-contact';

export interface EnrolmentFeatureOptions {
  /** Defaults to the account's gateway on the context. */
  gateway?: (ctx: AppContext) => HubSpotGateway;
  /** Called when a run started over HTTP ends (done or failed). */
  onRunSettled?: (run: RunView | undefined, error: unknown) => void;
}

const startRunBody = z.object({ dryRun: z.boolean().default(false) }).strict();
const enrolBody = z.object({
  contactId: z.union([z.string().regex(/^\d+$/, 'must be a HubSpot record id (digits)'), z.number().int().positive().transform(String)]),
}).strict();

export function bulkDeps(ctx: AppContext, gateway: HubSpotGateway): BulkDeps {
  return {
    database: ctx.database, gateway, clock: ctx.clock, publicBaseUrl: ctx.config.publicBaseUrl,
    dashboardLinks: dashboardLinksFor(ctx.config), logger: ctx.logger,
  };
}

/**
 * Enrolment: bulk runs and one-contact enrolment for the admin API (the card), and the
 * "Enrol in referral program" workflow action.
 */
export function createEnrolmentFeature(opts: EnrolmentFeatureOptions = {}) {
  return (ctx: AppContext): Feature => {
    const gateway = opts.gateway?.(ctx) ?? ctx.gateway;
    const deps = bulkDeps(ctx, gateway);
    const { db } = ctx.database;

    const admin = Router();
    admin.post('/programs/:id/enrolment-runs', async (req, res) => {
      const body = startRunBody.safeParse(req.body ?? {});
      if (!body.success) throw validationError(body.error, 'enrolment run');
      const program = await programOrNotFound(db, req.params.id);
      const claim = await claimRun(db, program.id, body.data.dryRun, ctx.clock());
      if (claim.kind === 'busy') {
        throw new AppError('CONFLICT', `An enrolment run for "${program.id}" is already in progress (${claim.run.id})`, { run: runView(claim.run) });
      }
      const actor = req.actor ?? { type: 'admin' as const, id: null };
      // The run outlives the request: progress is read from GET /api/enrolment-runs/:id.
      executeRun(deps, program, claim.run, actor).then(
        (run) => opts.onRunSettled?.(run, undefined),
        (err: unknown) => {
          ctx.logger.error({ err, run: claim.run.id }, 'enrolment run failed; starting a run for the program again resumes it');
          opts.onRunSettled?.(undefined, err);
        },
      );
      res.status(202).json({ run: runView(claim.run), resumed: claim.kind === 'resumed' });
    });

    admin.get('/enrolment-runs/:id', async (req, res) => {
      res.json({ run: runView(await getRun(db, req.params.id)) });
    });

    admin.post('/programs/:id/enrolments', async (req, res) => {
      const body = enrolBody.safeParse(req.body ?? {});
      if (!body.success) throw validationError(body.error, 'enrolment');
      const program = await programOrNotFound(db, req.params.id);
      const outcome = await enrolContact(deps, program, body.data.contactId, 'manual', req.actor ?? { type: 'admin', id: null });
      if (outcome.status === 'not_allowed') throw new AppError('FORBIDDEN', outcome.reason);
      res.status(outcome.status === 'enrolled' ? 201 : 200).json({ enrolment: enrolmentView(outcome.enrolment) });
    });

    const hubspot = Router();
    hubspot.post('/actions/enrol-contact', async (req, res) => {
      const request = parseActionRequest(req.body);
      const replay = await storedAnswer(db, request.callbackId);
      if (replay) return void res.json(replay);
      if (request.object.objectType !== 'CONTACT') {
        throw new AppError('BAD_REQUEST', `"Enrol in referral program" runs on contacts, not ${request.object.objectType}`);
      }
      const program = await programOrNotFound(db, requireInput(request.inputFields, 'program', 'a referral program'));
      const actor = { type: 'workflow' as const, id: request.context?.workflowId !== undefined ? `workflow:${request.context.workflowId}` : null };
      const outcome = await enrolContact(deps, program, request.object.objectId, 'workflow', actor);
      const answer = actionAnswer(outcome);
      // HubSpot repeats a callbackId (retries, also concurrently): the first stored answer is the answer.
      const inserted = await db.insertInto('action_decisions').values({
        callback_id: request.callbackId, action: ENROL_ACTION, program_id: program.id, object_type: request.object.objectType,
        object_id: request.object.objectId, execution_state: answer.outputFields.hs_execution_state,
        response: JSON.stringify(answer), completed_at: ctx.clock(), created_at: ctx.clock(),
      }).onConflict((oc) => oc.column('callback_id').doNothing()).executeTakeFirst();
      res.json(Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1 ? answer : (await storedAnswer(db, request.callbackId)) ?? answer);
    });

    return { admin, hubspot };
  };
}

export const enrolmentFeature = createEnrolmentFeature();

function actionAnswer(outcome: EnrolOutcome): ActionResponse {
  const enrolled = outcome.status === 'not_allowed' ? undefined : outcome.enrolment;
  return {
    outputFields: {
      referral_code: enrolled?.code ?? '',
      referral_link: enrolled?.link ?? '',
      enrolment_status: outcome.status,
      hs_execution_state: 'SUCCESS',
    },
  };
}
