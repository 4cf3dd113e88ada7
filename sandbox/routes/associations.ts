import type { Router } from 'express';
import { z } from 'zod';
import type { AssociationType } from '../crm/associations';
import { objectType } from '../crm/object-types';
import { parseBody } from '../http/respond';
import type { Portal } from '../portal';
import { batchBody, batchError, type BatchError } from './batch-response';
import { checkBatchSize } from './batch';
import { param, queryInt, queryString } from './query';

const spec = z.object({
  associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']),
  associationTypeId: z.coerce.number().int(),
});
const labelInput = z.object({ name: z.string().min(1), label: z.string().min(1), inverseLabel: z.string().min(1).optional() });
const id = z.object({ id: z.coerce.string() });
const batchCreate = z.object({ inputs: z.array(z.object({ from: id, to: id, types: z.array(spec).min(1) })) });
const batchDefault = z.object({ inputs: z.array(z.object({ from: id, to: id })) });
const batchRead = z.object({ inputs: z.array(z.object({ id: z.coerce.string(), after: z.string().optional() })) });
const batchArchive = z.object({ inputs: z.array(z.object({ from: id, to: z.array(id) })) });

const typeSpec = (t: AssociationType) => ({ category: t.category, typeId: t.typeId, label: t.label });

/** `/crm/v4` associations: labels, associate with labels or by default, read, remove, batch forms. */
export function associationRoutes(router: Router, portal: Portal): void {
  const store = portal.associations;
  const pair = (fromRaw: string, toRaw: string) => ({ from: objectType(fromRaw), to: objectType(toRaw) });

  /** `LabelsBetweenObjectPair`: ids are numbers in HubSpot's v4 responses. */
  const labelsBetween = (from: string, fromId: string, to: string, toId: string) => {
    const f = objectType(from);
    const t = objectType(to);
    const typeIds = store.list(f.name, fromId, t.name).find((a) => a.toId === toId)?.typeIds ?? [];
    return {
      fromObjectTypeId: f.typeId, fromObjectId: Number(fromId), toObjectTypeId: t.typeId, toObjectId: Number(toId),
      labels: typeIds.map((typeId) => store.type(typeId)?.label).filter((l): l is string => typeof l === 'string'),
    };
  };

  // The client library calls both spellings of the labels path.
  for (const base of ['/crm/v4/associations', '/crm/associations/v4']) {
    router.get(`${base}/:fromObjectType/:toObjectType/labels`, (req, res) => {
      const { from, to } = pair(param(req, 'fromObjectType'), param(req, 'toObjectType'));
      res.json({ results: store.labels(from.name, to.name).map(typeSpec) });
    });
    router.post(`${base}/:fromObjectType/:toObjectType/labels`, (req, res) => {
      const { from, to } = pair(param(req, 'fromObjectType'), param(req, 'toObjectType'));
      const created = store.createLabel(from.name, to.name, parseBody(labelInput, req.body));
      res.json({ results: created.map(typeSpec) });
    });
  }

  router.put('/crm/v4/objects/:fromObjectType/:fromObjectId/associations/default/:toObjectType/:toObjectId', (req, res) => {
    const startedAt = portal.clock();
    const [from, fromId, to, toId] = ['fromObjectType', 'fromObjectId', 'toObjectType', 'toObjectId'].map((n) => param(req, n)) as [string, string, string, string];
    const typeId = portal.associateDefault(from, fromId, to, toId);
    const typeIdBack = store.type(typeId)!.inverseTypeId;
    const spec = (t: number) => ({ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: t });
    res.json(batchBody([
      { from: { id: fromId }, to: { id: toId }, associationSpec: spec(typeId) },
      { from: { id: toId }, to: { id: fromId }, associationSpec: spec(typeIdBack) },
    ], [], startedAt, portal.clock()));
  });

  router.put('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', (req, res) => {
    const [from, fromId, to, toId] = ['objectType', 'objectId', 'toObjectType', 'toObjectId'].map((n) => param(req, n)) as [string, string, string, string];
    portal.associate(from, fromId, to, toId, parseBody(z.array(spec).min(1), req.body));
    res.status(201).json(labelsBetween(from, fromId, to, toId));
  });

  router.delete('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType/:toObjectId', (req, res) => {
    const { from, to } = pair(param(req, 'objectType'), param(req, 'toObjectType'));
    store.remove(from.name, param(req, 'objectId'), to.name, param(req, 'toObjectId'));
    res.status(204).end();
  });

  router.get('/crm/v4/objects/:objectType/:objectId/associations/:toObjectType', (req, res) => {
    const { from, to } = pair(param(req, 'objectType'), param(req, 'toObjectType'));
    const limit = queryInt(req, 'limit', 500, 500);
    const after = Number(queryString(req, 'after') ?? 0);
    const all = store.list(from.name, param(req, 'objectId'), to.name);
    const page = all.slice(after, after + limit);
    res.json({
      results: page.map((a) => ({ toObjectId: Number(a.toId), associationTypes: a.typeIds.map((t) => typeSpec(store.type(t)!)) })),
      ...(after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {}),
    });
  });

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/create', (req, res) => {
    const { from, to } = pair(param(req, 'fromObjectType'), param(req, 'toObjectType'));
    checkBatchSize(req.body, 2000);
    const startedAt = portal.clock();
    const results: unknown[] = [];
    const errors: BatchError[] = [];
    for (const input of parseBody(batchCreate, req.body).inputs) {
      try {
        portal.associate(from.name, input.from.id, to.name, input.to.id, input.types);
        results.push(labelsBetween(from.name, input.from.id, to.name, input.to.id));
      } catch (error) {
        errors.push(batchError((error as { category?: string }).category ?? 'VALIDATION_ERROR', (error as Error).message,
          { fromId: [input.from.id], toId: [input.to.id] }));
      }
    }
    res.status(errors.length > 0 ? 207 : 201).json(batchBody(results, errors, startedAt, portal.clock()));
  });

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/associate/default', (req, res) => {
    const { from, to } = pair(param(req, 'fromObjectType'), param(req, 'toObjectType'));
    checkBatchSize(req.body, 2000);
    const startedAt = portal.clock();
    const results = parseBody(batchDefault, req.body).inputs.map((input) => {
      const typeId = portal.associateDefault(from.name, input.from.id, to.name, input.to.id);
      return { from: input.from, to: input.to, associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: typeId } };
    });
    res.json(batchBody(results, [], startedAt, portal.clock()));
  });

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/read', (req, res) => {
    const { from, to } = pair(param(req, 'fromObjectType'), param(req, 'toObjectType'));
    checkBatchSize(req.body, 1000);
    const startedAt = portal.clock();
    const results: unknown[] = [];
    const errors: BatchError[] = [];
    for (const input of parseBody(batchRead, req.body).inputs) {
      const associated = store.list(from.name, input.id, to.name);
      if (associated.length === 0) {
        errors.push(batchError('OBJECT_NOT_FOUND', `No ${to.singular} is associated with ${from.singular} ${input.id}.`,
          { fromObjectId: [input.id] }, 'crm.associations.NO_ASSOCIATIONS_FOUND'));
        continue;
      }
      results.push({
        from: { id: input.id },
        to: associated.map((a) => ({ toObjectId: Number(a.toId), associationTypes: a.typeIds.map((t) => typeSpec(store.type(t)!)) })),
      });
    }
    res.status(errors.length > 0 ? 207 : 200).json(batchBody(results, errors, startedAt, portal.clock()));
  });

  router.post('/crm/v4/associations/:fromObjectType/:toObjectType/batch/archive', (req, res) => {
    const { from, to } = pair(param(req, 'fromObjectType'), param(req, 'toObjectType'));
    checkBatchSize(req.body, 2000);
    for (const input of parseBody(batchArchive, req.body).inputs) {
      for (const target of input.to) store.remove(from.name, input.from.id, to.name, target.id);
    }
    res.status(204).end();
  });
}
