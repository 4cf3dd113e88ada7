import { validationError } from './errors';

/** The CRM object types the sandbox stores; HubSpot accepts the plural name, singular name or type id. */
export interface ObjectTypeInfo {
  name: string;
  singular: string;
  typeId: string;
  /** Properties returned when a request names none (HubSpot's documented defaults). */
  defaultProperties: string[];
  /** Properties the free-text `query` of a search looks in. */
  queryProperties: string[];
  /** The property that holds the last-modified timestamp (contacts differ from the rest). */
  lastModifiedProperty: string;
  createdProperty: string;
}

const types: ObjectTypeInfo[] = [
  {
    name: 'contacts', singular: 'contact', typeId: '0-1',
    defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
    queryProperties: ['email', 'firstname', 'lastname', 'phone', 'company'],
    lastModifiedProperty: 'lastmodifieddate', createdProperty: 'createdate',
  },
  {
    name: 'companies', singular: 'company', typeId: '0-2',
    defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
    queryProperties: ['name', 'domain', 'website', 'phone'],
    lastModifiedProperty: 'hs_lastmodifieddate', createdProperty: 'createdate',
  },
  {
    name: 'deals', singular: 'deal', typeId: '0-3',
    defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'],
    queryProperties: ['dealname'],
    lastModifiedProperty: 'hs_lastmodifieddate', createdProperty: 'createdate',
  },
  {
    name: 'tasks', singular: 'task', typeId: '0-27',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    queryProperties: ['hs_task_subject', 'hs_task_body'],
    lastModifiedProperty: 'hs_lastmodifieddate', createdProperty: 'hs_createdate',
  },
  {
    name: 'notes', singular: 'note', typeId: '0-46',
    defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
    queryProperties: ['hs_note_body'],
    lastModifiedProperty: 'hs_lastmodifieddate', createdProperty: 'hs_createdate',
  },
];

const byAlias = new Map<string, ObjectTypeInfo>();
for (const t of types) {
  for (const alias of [t.name, t.singular, t.typeId]) byAlias.set(alias.toLowerCase(), t);
}

export const objectTypeNames = types.map((t) => t.name);

export function findObjectType(nameOrId: string): ObjectTypeInfo | undefined {
  return byAlias.get(nameOrId.toLowerCase());
}

/** Resolves a path segment like `contacts`, `contact` or `0-1`; unknown types are a 400 as in HubSpot. */
export function objectType(nameOrId: string): ObjectTypeInfo {
  const found = findObjectType(nameOrId);
  if (!found) throw validationError(`Unable to infer object type from: ${nameOrId}`);
  return found;
}
