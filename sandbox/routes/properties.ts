import type { Router } from 'express';
import { z } from 'zod';
import type { PropertyDefinition } from '../crm/default-properties';
import { objectType } from '../crm/object-types';
import { parseBody } from '../http/respond';
import type { Portal } from '../portal';
import { param, queryBoolean } from './query';

const optionInput = z.object({
  label: z.string(), value: z.string(), displayOrder: z.number().int().optional(),
  hidden: z.boolean().optional(), description: z.string().optional(),
});
const propertyType = z.enum(['string', 'number', 'date', 'datetime', 'enumeration', 'bool']);
const createProperty = z.object({
  name: z.string().min(1), label: z.string().min(1), type: propertyType, fieldType: z.string().min(1), groupName: z.string().min(1),
  description: z.string().optional(), options: z.array(optionInput).optional(), displayOrder: z.number().int().optional(),
  hasUniqueValue: z.boolean().optional(), hidden: z.boolean().optional(),
});
const updateProperty = createProperty.omit({ name: true, hasUniqueValue: true }).partial();
const createGroup = z.object({ name: z.string().min(1), label: z.string().min(1), displayOrder: z.number().int().optional() });

const iso = (ms: number) => new Date(ms).toISOString();

/** A property as `/crm/v3/properties` returns it. */
export function toApiProperty(def: PropertyDefinition): Record<string, unknown> {
  return {
    updatedAt: iso(def.updatedAt), createdAt: iso(def.createdAt), name: def.name, label: def.label, type: def.type,
    fieldType: def.fieldType, description: def.description, groupName: def.groupName,
    options: [...def.options].sort((a, b) => a.displayOrder - b.displayOrder),
    displayOrder: def.displayOrder, calculated: false, externalOptions: def.externalOptions, hasUniqueValue: def.hasUniqueValue,
    hidden: def.hidden, hubspotDefined: def.hubspotDefined,
    modificationMetadata: { archivable: !def.hubspotDefined, readOnlyDefinition: def.hubspotDefined, readOnlyValue: def.readOnlyValue },
    formField: !def.readOnlyValue, archived: def.archived, dataSensitivity: 'non_sensitive',
  };
}

/** `/crm/v3/properties/{type}` and its groups. */
export function propertyRoutes(router: Router, portal: Portal): void {
  const registry = portal.properties;
  // Owner, pipeline and stage options live elsewhere in the portal; resolve them on read.
  const withOptions = (type: string, def: PropertyDefinition) => toApiProperty(portal.propertyDefinition(type, def.name) ?? def);

  router.get('/crm/v3/properties/:objectType/groups', (req, res) => {
    res.json({ results: registry.listGroups(objectType(param(req, 'objectType')).name) });
  });
  router.post('/crm/v3/properties/:objectType/groups', (req, res) => {
    res.status(201).json(registry.createGroup(objectType(param(req, 'objectType')).name, parseBody(createGroup, req.body)));
  });
  router.get('/crm/v3/properties/:objectType/groups/:groupName', (req, res) => {
    res.json(registry.getGroup(objectType(param(req, 'objectType')).name, param(req, 'groupName')));
  });

  router.get('/crm/v3/properties/:objectType', (req, res) => {
    const type = objectType(param(req, 'objectType')).name;
    res.json({ results: registry.list(type, queryBoolean(req, 'archived')).map((d) => withOptions(type, d)) });
  });
  router.post('/crm/v3/properties/:objectType', (req, res) => {
    const type = objectType(param(req, 'objectType')).name;
    res.status(201).json(toApiProperty(registry.create(type, parseBody(createProperty, req.body))));
  });
  router.get('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const type = objectType(param(req, 'objectType')).name;
    res.json(withOptions(type, registry.get(type, param(req, 'propertyName'))));
  });
  router.patch('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    const type = objectType(param(req, 'objectType')).name;
    res.json(withOptions(type, registry.update(type, param(req, 'propertyName'), parseBody(updateProperty, req.body))));
  });
  router.delete('/crm/v3/properties/:objectType/:propertyName', (req, res) => {
    registry.archive(objectType(param(req, 'objectType')).name, param(req, 'propertyName'));
    res.status(204).end();
  });
}
