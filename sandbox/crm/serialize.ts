import type { Portal } from '../portal';
import { findObjectType, type ObjectTypeInfo } from './object-types';
import { propertyHistory, type CrmRecord } from './records';

export interface ReadOptions {
  properties?: string[] | undefined;
  propertiesWithHistory?: string[] | undefined;
  associations?: string[] | undefined;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** HubSpot always returns these three next to the requested properties. */
const alwaysReturned = (type: ObjectTypeInfo) => ['hs_object_id', type.createdProperty, type.lastModifiedProperty];

/**
 * A record as the v3 objects API returns it (`SimplePublicObject`): requested properties that
 * have no value come back as null; names that are not properties are ignored like HubSpot does.
 */
export function toApiObject(portal: Portal, type: ObjectTypeInfo, record: CrmRecord, options: ReadOptions = {}): Record<string, unknown> {
  const requested = options.properties && options.properties.length > 0
    ? [...new Set([...options.properties, ...alwaysReturned(type)])]
    : type.defaultProperties;
  const properties: Record<string, string | null> = {};
  for (const name of requested) {
    if (portal.properties.find(type.name, name)) properties[name] = record.properties[name] ?? null;
  }
  const body: Record<string, unknown> = {
    id: record.id,
    properties,
    createdAt: iso(record.createdAt),
    updatedAt: iso(record.updatedAt),
    archived: record.archived,
  };
  if (record.archivedAt !== undefined) body.archivedAt = iso(record.archivedAt);
  if (options.propertiesWithHistory && options.propertiesWithHistory.length > 0) {
    const history: Record<string, unknown[]> = {};
    for (const name of options.propertiesWithHistory) {
      if (!portal.properties.find(type.name, name)) continue;
      history[name] = propertyHistory(record, name).slice().reverse().map((v) => ({
        value: v.value, timestamp: iso(v.timestamp), sourceType: v.sourceType, ...(v.sourceId ? { sourceId: v.sourceId } : {}),
      }));
    }
    body.propertiesWithHistory = history;
  }
  if (options.associations && options.associations.length > 0) {
    const associations: Record<string, { results: Array<{ id: string; type: string }> }> = {};
    for (const toName of options.associations) {
      const toType = findObjectType(toName)?.name;
      if (!toType) continue;
      const store = portal.associations;
      const results = store.list(type.name, record.id, toType).flatMap((a) =>
        a.typeIds.map((typeId) => ({ id: a.toId, type: store.type(typeId)?.name ?? String(typeId) })));
      if (results.length > 0) associations[toType] = { results };
    }
    if (Object.keys(associations).length > 0) body.associations = associations;
  }
  return body;
}
