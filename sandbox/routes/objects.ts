import type { Router } from 'express';
import { z } from 'zod';
import { notFound, validationError } from '../crm/errors';
import { objectType } from '../crm/object-types';
import { checkBodyLength, search, searchRequestSchema } from '../crm/search';
import { toApiObject } from '../crm/serialize';
import type { Portal } from '../portal';
import { parseBody } from '../http/respond';
import { param, queryBoolean, queryInt, queryList, queryString } from './query';

const propertyValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]));
export const associationInput = z.object({
  to: z.object({ id: z.coerce.string() }),
  types: z.array(z.object({
    associationCategory: z.enum(['HUBSPOT_DEFINED', 'USER_DEFINED', 'INTEGRATOR_DEFINED']).optional(),
    associationTypeId: z.coerce.number().int(),
  })).min(1),
});
export const createInput = z.object({ properties: propertyValues, associations: z.array(associationInput).optional() });
export const updateInput = z.object({ properties: propertyValues });
export { propertyValues };

/** `/crm/v3/objects/{type}`: read, list, create, update, archive one record, and search. */
export function objectRoutes(router: Router, portal: Portal): void {
  router.get('/crm/v3/objects/:objectType', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    const limit = queryInt(req, 'limit', 10, 100);
    const afterRaw = queryString(req, 'after');
    const after = afterRaw === undefined ? 0 : Number(afterRaw);
    if (!Number.isFinite(after)) throw validationError(`after must be a paging cursor from a previous response, got ${afterRaw}.`);
    const page = [];
    let more = false;
    for (const record of portal.records(type.name, queryBoolean(req, 'archived'))) {
      if (record.numericId <= after) continue;
      if (page.length === limit) { more = true; break; }
      page.push(record);
    }
    const read = readOptions(req);
    const last = page[page.length - 1];
    res.json({
      results: page.map((r) => toApiObject(portal, type, r, read)),
      ...(more && last ? { paging: { next: { after: last.id, link: `?after=${last.id}` } } } : {}),
    });
  });

  router.post('/crm/v3/objects/:objectType/search', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    checkBodyLength(rawBodyChars(req));
    res.json(search(portal, type, parseBody(searchRequestSchema, req.body)));
  });

  router.get('/crm/v3/objects/:objectType/:objectId', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    const record = lookup(portal, type.name, param(req, 'objectId'), queryString(req, 'idProperty'), queryBoolean(req, 'archived'));
    res.json(toApiObject(portal, type, record, readOptions(req)));
  });

  router.post('/crm/v3/objects/:objectType', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    const input = parseBody(createInput, req.body);
    const record = portal.create(type.name, input.properties, { associations: input.associations });
    res.status(201).json(toApiObject(portal, type, record, { properties: Object.keys(record.properties) }));
  });

  router.patch('/crm/v3/objects/:objectType/:objectId', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    const existing = lookup(portal, type.name, param(req, 'objectId'), queryString(req, 'idProperty'), false);
    const input = parseBody(updateInput, req.body);
    const record = portal.update(type.name, existing.id, input.properties);
    res.json(toApiObject(portal, type, record, { properties: Object.keys(record.properties) }));
  });

  router.delete('/crm/v3/objects/:objectType/:objectId', (req, res) => {
    const type = objectType(param(req, 'objectType'));
    portal.archive(type.name, param(req, 'objectId'));
    res.status(204).end();
  });
}

const RAW_LENGTH = Symbol('raw body characters');
type WithRawLength = { [RAW_LENGTH]?: number };

/** `express.json`'s `verify` hook: keeps a search body's length as sent, before parsing drops its whitespace. */
export function keepSearchBodyLength(req: import('node:http').IncomingMessage, _res: unknown, body: Buffer): void {
  if (req.method === 'POST' && req.url?.split('?')[0]?.endsWith('/search')) (req as WithRawLength)[RAW_LENGTH] = body.toString('utf8').length;
}

function rawBodyChars(req: object): number {
  return (req as WithRawLength)[RAW_LENGTH] ?? JSON.stringify((req as { body?: unknown }).body ?? {}).length;
}

export function readOptions(req: Parameters<typeof queryList>[0]) {
  return {
    properties: queryList(req, 'properties'),
    propertiesWithHistory: queryList(req, 'propertiesWithHistory'),
    associations: queryList(req, 'associations'),
  };
}

/** Finds a record by id or by `idProperty` (e.g. `email`), answering HubSpot's 404 when absent. */
export function lookup(portal: Portal, type: string, id: string, idProperty: string | undefined, archived: boolean) {
  const record = archived
    ? portal.findArchived(type, id)
    : idProperty && idProperty !== 'hs_object_id' ? portal.findBy(type, idProperty, id) : portal.find(type, id);
  if (!record) throw notFound('Object not found. objectId are usually numeric.', { id: [id] });
  return record;
}
