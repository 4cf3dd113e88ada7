import type { Router } from 'express';
import { z } from 'zod';
import { HubSpotError, validationError } from '../crm/errors';
import { objectType, type ObjectTypeInfo } from '../crm/object-types';
import { toApiObject } from '../crm/serialize';
import { parseBody } from '../http/respond';
import type { CrmRecord, Portal } from '../portal';
import { batchBody, batchError, MAX_BATCH_INPUTS, type BatchError } from './batch-response';
import { createInput, propertyValues } from './objects';
import { param } from './query';

const MAX_HISTORY_INPUTS = 50;

const readInput = z.object({
  inputs: z.array(z.object({ id: z.coerce.string() })),
  properties: z.array(z.string()).optional(),
  propertiesWithHistory: z.array(z.string()).optional(),
  idProperty: z.string().optional(),
  archived: z.boolean().optional(),
});
const createBatch = z.object({ inputs: z.array(createInput) });
const updateBatch = z.object({ inputs: z.array(z.object({ id: z.coerce.string(), idProperty: z.string().optional(), properties: propertyValues })) });
const upsertBatch = z.object({ inputs: z.array(z.object({ id: z.coerce.string(), idProperty: z.string().optional(), properties: propertyValues })) });
const archiveBatch = z.object({ inputs: z.array(z.object({ id: z.coerce.string() })) });

/** HubSpot refuses a batch over 100 inputs outright, before looking at any of them. */
export function checkBatchSize(body: unknown, max = MAX_BATCH_INPUTS, what = 'a batch request'): void {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs;
  if (Array.isArray(inputs) && inputs.length > max) {
    throw validationError(`The maximum number of inputs supported in ${what} is ${max}. Please reduce the number of items and try again`,
      [], { inputs: [String(inputs.length)] });
  }
}

const notFoundError = (type: ObjectTypeInfo, ids: string[]): BatchError => batchError('OBJECT_NOT_FOUND',
  `Could not get some ${type.singular.toUpperCase()} objects, they may be deleted or not exist. Check that ids are valid.`, { ids });

/** `/crm/v3/objects/{type}/batch/{read|create|update|upsert|archive}`. */
export function batchRoutes(router: Router, portal: Portal): void {
  const now = () => portal.clock();

  router.post('/crm/v3/objects/:objectType/batch/read', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    checkBatchSize(req.body);
    const input = parseBody(readInput, req.body);
    if ((input.propertiesWithHistory?.length ?? 0) > 0) checkBatchSize(req.body, MAX_HISTORY_INPUTS, 'a batch request for property histories');
    const startedAt = now();
    const found: CrmRecord[] = [];
    const missing: string[] = [];
    for (const { id } of input.inputs) {
      const record = input.archived ? portal.findArchived(type.name, id)
        : input.idProperty && input.idProperty !== 'hs_object_id' ? portal.findBy(type.name, input.idProperty, id) : portal.find(type.name, id);
      if (record) found.push(record); else missing.push(id);
    }
    const results = found.map((r) => toApiObject(portal, type, r, input));
    const errors = missing.length > 0 ? [notFoundError(type, missing)] : [];
    res.status(errors.length > 0 ? 207 : 200).json(batchBody(results, errors, startedAt, now()));
  });

  router.post('/crm/v3/objects/:objectType/batch/create', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    checkBatchSize(req.body);
    const startedAt = now();
    const records = portal.createMany(type.name, parseBody(createBatch, req.body).inputs);
    const results = records.map((r) => toApiObject(portal, type, r, { properties: Object.keys(r.properties) }));
    res.status(201).json(batchBody(results, [], startedAt, now()));
  });

  router.post('/crm/v3/objects/:objectType/batch/update', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    checkBatchSize(req.body);
    const startedAt = now();
    const inputs = parseBody(updateBatch, req.body).inputs;
    const missing: string[] = [];
    const present: Array<{ id: string; properties: z.infer<typeof propertyValues> }> = [];
    for (const input of inputs) {
      const record = input.idProperty && input.idProperty !== 'hs_object_id'
        ? portal.findBy(type.name, input.idProperty, input.id) : portal.find(type.name, input.id);
      if (record) present.push({ id: record.id, properties: input.properties }); else missing.push(input.id);
    }
    const records = portal.updateMany(type.name, present);
    const results = records.map((r) => toApiObject(portal, type, r, { properties: Object.keys(r.properties) }));
    const errors = missing.length > 0 ? [notFoundError(type, missing)] : [];
    res.status(errors.length > 0 ? 207 : 200).json(batchBody(results, errors, startedAt, now()));
  });

  router.post('/crm/v3/objects/:objectType/batch/upsert', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    checkBatchSize(req.body);
    const startedAt = now();
    const inputs = parseBody(upsertBatch, req.body).inputs;
    const results = upsert(portal, type, inputs).map(({ record, created }) => ({
      ...toApiObject(portal, type, record, { properties: Object.keys(record.properties) }), new: created,
    }));
    res.status(200).json(batchBody(results, [], startedAt, now()));
  });

  router.post('/crm/v3/objects/:objectType/batch/archive', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    checkBatchSize(req.body);
    for (const { id } of parseBody(archiveBatch, req.body).inputs) portal.archive(type.name, id);
    res.status(204).end();
  });
}

/**
 * Upsert by a unique property: inputs whose `idProperty` value matches a record update it, the
 * rest create a record carrying that value. Every input is validated before anything is written.
 */
function upsert(portal: Portal, type: ObjectTypeInfo, inputs: Array<{ id: string; idProperty?: string | undefined; properties: z.infer<typeof propertyValues> }>) {
  const plan = inputs.map((input) => {
    const idProperty = input.idProperty ?? 'hs_object_id';
    const existing = portal.findBy(type.name, idProperty, input.id);
    if (!existing && idProperty === 'hs_object_id') {
      throw new HubSpotError(400, 'VALIDATION_ERROR', `Cannot create a record with hs_object_id ${input.id}; upsert by a unique property such as email.`);
    }
    return { input, idProperty, existing };
  });
  const toCreate = plan.filter((p) => !p.existing);
  const updated = portal.updateMany(type.name, plan.filter((p) => p.existing).map((p) => ({ id: p.existing!.id, properties: p.input.properties })));
  const created = portal.createMany(type.name, toCreate.map((p) => ({ properties: { ...p.input.properties, [p.idProperty]: p.input.id } })));
  return [
    ...updated.map((record) => ({ record, created: false })),
    ...created.map((record) => ({ record, created: true })),
  ];
}
