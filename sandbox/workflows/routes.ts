import express, { type Router } from 'express';
import { z } from 'zod';
import { notFound, validationError } from '../crm/errors';
import { ActionDefinitionError } from './action-definition';
import type { WorkflowEngine } from './engine';
import { WorkflowDefinitionError, type Workflow, type WorkflowInput } from './workflow-definition';

/**
 * HTTP face of the workflow engine, mounted as a sandbox extension (behind the CRM API's bearer auth and
 * rate limits): HubSpot's callback completion endpoints, and sandbox-only admin endpoints to register
 * workflows and read their executions.
 */

const outputFieldsSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String), {
  error: 'outputFields is required (an object of output field values)',
});
/**
 * HubSpot's API reference (v4 and 2026-03) marks both `outputFields` and `typedOutputs` required;
 * `@hubspot/api-client` 14's CallbacksApi sends only the first, so the sandbox refuses what it sends.
 */
const completionFields = {
  outputFields: outputFieldsSchema,
  typedOutputs: z.record(z.string(), z.unknown(), { error: 'typedOutputs is required (an object, the typed output values)' }),
  failureReasonType: z.string().optional(),
  requestContext: z.looseObject({ source: z.string() }).optional(),
};
const completionSchema = z.object(completionFields);
const batchCompletionSchema = z.object({
  inputs: z.array(z.object({ callbackId: z.string().min(1), ...completionFields })).min(1).max(100),
});

const refusalSchema = z.object({
  forMs: z.number().int().min(0),
  status: z.union([z.literal(400), z.literal(404)]).default(400),
});

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => ({ message: `${issue.path.join('.') || '(body)'}: ${issue.message}` }));
    throw validationError(`Invalid input JSON: ${errors.map((e) => e.message).join('; ')}`, errors);
  }
  return parsed.data;
}

/** A workflow as the admin API shows it: the resolved action definition, not the engine's internals. */
export function describeWorkflow(workflow: Workflow) {
  const { action, ...rest } = workflow;
  return {
    ...rest,
    action: {
      uid: action.uid,
      source: action.source,
      actionDefinitionId: action.actionDefinitionId,
      actionDefinitionVersion: action.actionDefinitionVersion,
      actionUrl: action.config.actionUrl,
      objectTypes: action.config.objectTypes,
    },
  };
}

export function workflowRoutes(engine: WorkflowEngine): (router: Router) => void {
  return (router) => {
    const json = express.json({ limit: '1mb' });

    router.post('/automation/v4/actions/callbacks/complete', json, (req, res) => {
      const { inputs } = parseBody(batchCompletionSchema, req.body);
      engine.completeBatch(inputs);
      res.status(204).end();
    });

    router.post('/automation/v4/actions/callbacks/:callbackId/complete', json, (req, res) => {
      const { outputFields } = parseBody(completionSchema, req.body);
      engine.complete(String(req.params.callbackId), outputFields);
      res.status(204).end();
    });

    router.post('/sandbox/workflows', json, async (req, res) => {
      try {
        res.status(201).json(describeWorkflow(await engine.define(req.body as WorkflowInput)));
      } catch (error) {
        if (error instanceof WorkflowDefinitionError) {
          throw validationError(error.message, error.problems.map((message) => ({ message })));
        }
        if (error instanceof ActionDefinitionError) throw validationError(error.message);
        throw error;
      }
    });

    router.get('/sandbox/callbacks/refusal', (_req, res) => {
      res.json(engine.completionRefusal() ?? { forMs: 0 });
    });

    router.post('/sandbox/callbacks/refusal', json, (req, res) => {
      const refusal = parseBody(refusalSchema, req.body);
      engine.setCompletionRefusal(refusal);
      res.json(engine.completionRefusal() ?? { forMs: 0 });
    });

    router.post('/sandbox/executions/:callbackId/redeliver', async (req, res) => {
      res.json(await engine.redeliver(String(req.params.callbackId)));
    });

    router.get('/sandbox/workflows', (_req, res) => {
      res.json({ results: engine.workflows().map(describeWorkflow) });
    });

    router.get('/sandbox/workflows/:id', (req, res) => {
      res.json(describeWorkflow(requireWorkflow(engine, req.params.id)));
    });

    router.delete('/sandbox/workflows/:id', (req, res) => {
      engine.remove(requireWorkflow(engine, req.params.id).id);
      res.status(204).end();
    });

    router.get('/sandbox/workflows/:id/options-fetches', (req, res) => {
      res.json({ results: engine.optionsFetches(requireWorkflow(engine, req.params.id).id) });
    });

    router.get('/sandbox/workflows/:id/executions', (req, res) => {
      const workflow = requireWorkflow(engine, req.params.id);
      res.json({ results: engine.executions(workflow.id) });
    });
  };
}

function requireWorkflow(engine: WorkflowEngine, id: string | string[] | undefined): Workflow {
  const workflow = engine.workflow(Number(id));
  if (!workflow) throw notFound(`No sandbox workflow with id ${String(id)}`);
  return workflow;
}
