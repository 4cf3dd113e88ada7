import type { Router } from 'express';
import { z } from 'zod';
import { notFound, validationError } from '../crm/errors';
import type { Owner } from '../crm/owners';
import type { Pipeline, PipelineStage } from '../crm/pipelines';
import { parseBody } from '../http/respond';
import type { Portal } from '../portal';
import { param, queryBoolean, queryInt, queryString } from './query';

const iso = (ms: number) => new Date(ms).toISOString();

const toApiOwner = (o: Owner) => ({
  id: o.id, email: o.email, type: 'PERSON', firstName: o.firstName, lastName: o.lastName, userId: o.userId,
  userIdIncludingInactive: o.userId, createdAt: iso(o.createdAt), updatedAt: iso(o.updatedAt), archived: o.archived, teams: [],
});
const toApiStage = (s: PipelineStage) => ({
  id: s.id, label: s.label, displayOrder: s.displayOrder, metadata: s.metadata, createdAt: iso(s.createdAt),
  updatedAt: iso(s.updatedAt), archived: s.archived, writePermissions: 'CRM_PERMISSIONS_ENFORCEMENT',
});
const toApiPipeline = (p: Pipeline) => ({
  id: p.id, label: p.label, displayOrder: p.displayOrder, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt),
  archived: p.archived, stages: [...p.stages].sort((a, b) => a.displayOrder - b.displayOrder).map(toApiStage),
});

const pipelineInput = z.object({
  id: z.string().optional(),
  label: z.string().min(1),
  displayOrder: z.number().int(),
  stages: z.array(z.object({
    id: z.string().optional(), label: z.string().min(1), displayOrder: z.number().int(),
    metadata: z.object({ isClosed: z.union([z.string(), z.boolean()]).optional(), probability: z.union([z.string(), z.number()]) }),
  })),
});

/** `/crm/v3/owners` and `/crm/v3/pipelines/deals`. */
export function ownerAndPipelineRoutes(router: Router, portal: Portal): void {
  router.get(['/crm/v3/owners', '/crm/v3/owners/'], (req, res) => {
    const email = queryString(req, 'email')?.toLowerCase();
    const limit = queryInt(req, 'limit', 100, 500);
    const after = Number(queryString(req, 'after') ?? 0);
    const all = portal.owners.list(queryBoolean(req, 'archived')).filter((o) => !email || o.email.toLowerCase() === email);
    const page = all.slice(after, after + limit);
    res.json({
      results: page.map(toApiOwner),
      ...(after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {}),
    });
  });
  router.get('/crm/v3/owners/:ownerId', (req, res) => {
    const idProperty = queryString(req, 'idProperty') ?? 'id';
    if (idProperty !== 'id' && idProperty !== 'userId') throw validationError(`idProperty must be id or userId, got ${idProperty}.`);
    res.json(toApiOwner(portal.owners.get(param(req, 'ownerId'), idProperty)));
  });

  const pipelinesOf = (raw: string) => {
    // Only deal pipelines are modelled; other object types have none here.
    const type = raw.toLowerCase();
    return type === 'deals' || type === 'deal' || type === '0-3';
  };
  router.get('/crm/v3/pipelines/:objectType', (req, res) => {
    res.json({ results: pipelinesOf(param(req, 'objectType')) ? portal.pipelines.list().map(toApiPipeline) : [] });
  });
  router.post('/crm/v3/pipelines/:objectType', (req, res) => {
    if (!pipelinesOf(param(req, 'objectType'))) throw validationError('Only deal pipelines can be created in this sandbox.');
    res.status(201).json(toApiPipeline(portal.pipelines.create(parseBody(pipelineInput, req.body))));
  });
  router.get('/crm/v3/pipelines/:objectType/:pipelineId', (req, res) => {
    res.json(toApiPipeline(portal.pipelines.get(param(req, 'pipelineId'))));
  });
  router.get('/crm/v3/pipelines/:objectType/:pipelineId/stages', (req, res) => {
    res.json({ results: portal.pipelines.get(param(req, 'pipelineId')).stages.map(toApiStage) });
  });
  router.get('/crm/v3/pipelines/:objectType/:pipelineId/stages/:stageId', (req, res) => {
    const stage = portal.pipelines.get(param(req, 'pipelineId')).stages.find((s) => s.id === param(req, 'stageId'));
    if (!stage) throw notFound(`Stage ${param(req, 'stageId')} is not in pipeline ${param(req, 'pipelineId')}.`);
    res.json(toApiStage(stage));
  });
}
