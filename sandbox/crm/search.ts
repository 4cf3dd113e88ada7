import { z } from 'zod';
import type { Portal } from '../portal';
import type { PropertyDefinition } from './default-properties';
import { validationError } from './errors';
import type { ObjectTypeInfo } from './object-types';
import { toEpochMillis } from './property-values';
import type { CrmRecord } from './records';
import { toApiObject } from './serialize';

/**
 * HubSpot's search limits, the strictest documented: the 2026-03 reference allows 6 filters per
 * group and 18 in all (the August 2024 changelog said 10 and 25), one sort and a 3,000-character body.
 */
export const searchLimits = {
  maxFilterGroups: 5,
  maxFiltersPerGroup: 6,
  maxFilters: 18,
  maxSorts: 1,
  maxBodyChars: 3000,
  maxLimit: 200,
  maxResults: 10_000,
} as const;

/** The body is measured as sent (whitespace included), so the route passes its raw length. */
export function checkBodyLength(chars: number): void {
  if (chars > searchLimits.maxBodyChars) {
    throw validationError(`The search request body is ${chars} characters long. The maximum is ${searchLimits.maxBodyChars}.`, [],
      { requestBody: [String(chars)] });
  }
}

const operators = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY',
  'NOT_HAS_PROPERTY', 'CONTAINS_TOKEN', 'NOT_CONTAINS_TOKEN'] as const;
const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);

const filterSchema = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(operators),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});
type Filter = z.infer<typeof filterSchema>;

const sortSchema = z.union([
  z.string().transform((s) => (s.startsWith('-')
    ? { propertyName: s.slice(1), direction: 'DESCENDING' as const }
    : { propertyName: s, direction: 'ASCENDING' as const })),
  z.object({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
]);

export const searchRequestSchema = z.object({
  query: z.string().optional(),
  limit: z.coerce.number().int().min(0).optional(),
  after: z.union([z.string(), z.number()]).optional(),
  sorts: z.array(sortSchema).optional(),
  properties: z.array(z.string()).optional(),
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).optional(),
});
export type SearchRequest = z.infer<typeof searchRequestSchema>;

type Predicate = (record: CrmRecord) => boolean;

/**
 * Runs a search like `POST /crm/v3/objects/{type}/search`, over the records as the search index
 * holds them (see `Portal.searchable`): recent creates and updates are not seen yet.
 */
export function search(portal: Portal, type: ObjectTypeInfo, request: SearchRequest): Record<string, unknown> {
  const groups = request.filterGroups ?? [];
  checkLimits(groups, request);
  const limit = request.limit ?? 10;
  const after = parseAfter(request.after);
  const groupPredicates = groups.map((g) => g.filters.map((f) => compileFilter(portal, type, f)));
  const queryPredicate = request.query ? compileQuery(type, request.query) : undefined;
  const matches: Predicate = (r) =>
    (queryPredicate === undefined || queryPredicate(r)) &&
    (groupPredicates.length === 0 || groupPredicates.some((filters) => filters.every((f) => f(r))));

  const sorts = request.sorts ?? [];
  // Records are kept in id order, so the common "no sort / hs_object_id ascending" walk needs no sort.
  const idOrder = sorts.length === 0 || (sorts.length === 1 && sorts[0]!.propertyName === 'hs_object_id' && sorts[0]!.direction === 'ASCENDING');
  const end = Math.min(after + limit, searchLimits.maxResults);
  const now = portal.clock();
  let total = 0;
  let page: CrmRecord[] = [];
  if (idOrder) {
    for (const stored of portal.recordsAfter(type.name, idLowerBound(groups))) {
      const record = portal.searchable(stored, now);
      if (record === undefined || !matches(record)) continue;
      if (total >= after && total < end) page.push(record);
      total++;
    }
  } else {
    const all: CrmRecord[] = [];
    for (const stored of portal.recordsAfter(type.name, idLowerBound(groups))) {
      const record = portal.searchable(stored, now);
      if (record !== undefined && matches(record)) all.push(record);
    }
    total = all.length;
    page = sortRecords(portal, type, sorts, all).slice(after, end);
  }
  const next = after + page.length;
  const body: Record<string, unknown> = {
    total,
    results: page.map((r) => toApiObject(portal, type, r, { properties: request.properties })),
  };
  if (next < total && page.length > 0) body.paging = { next: { after: String(next) } };
  return body;
}

/**
 * The highest id below which no record can match: when every group bounds hs_object_id from
 * below (the documented way to walk past 10,000 results), the scan starts there.
 */
function idLowerBound(groups: Array<{ filters: Filter[] }>): number {
  if (groups.length === 0) return -Infinity;
  let bound = Infinity;
  for (const group of groups) {
    let groupBound = -Infinity;
    for (const f of group.filters) {
      if (f.propertyName !== 'hs_object_id' || f.value === undefined) continue;
      const v = Number(f.value);
      if (!Number.isFinite(v)) continue;
      if (f.operator === 'GT') groupBound = Math.max(groupBound, v);
      if (f.operator === 'GTE' || f.operator === 'EQ' || f.operator === 'BETWEEN') groupBound = Math.max(groupBound, v - 1);
    }
    bound = Math.min(bound, groupBound);
  }
  return bound;
}

function checkLimits(groups: Array<{ filters: Filter[] }>, request: SearchRequest): void {
  if (groups.length > searchLimits.maxFilterGroups) {
    throw validationError(`Too many filter groups (${groups.length}). The maximum is ${searchLimits.maxFilterGroups}.`, [],
      { filterGroups: [String(groups.length)] });
  }
  const bigGroup = groups.findIndex((g) => g.filters.length > searchLimits.maxFiltersPerGroup);
  if (bigGroup >= 0) {
    throw validationError(`Too many filters in filter group ${bigGroup} (${groups[bigGroup]!.filters.length}). ` +
      `The maximum per group is ${searchLimits.maxFiltersPerGroup}.`, [], { filterGroups: [String(bigGroup)] });
  }
  const filterCount = groups.reduce((n, g) => n + g.filters.length, 0);
  if (filterCount > searchLimits.maxFilters) {
    throw validationError(`Too many filters (${filterCount}). The maximum across all filter groups is ${searchLimits.maxFilters}.`, [],
      { filters: [String(filterCount)] });
  }
  const sorts = request.sorts?.length ?? 0;
  if (sorts > searchLimits.maxSorts) {
    throw validationError(`Too many sorts (${sorts}). The maximum is ${searchLimits.maxSorts}.`, [], { sorts: [String(sorts)] });
  }
  if ((request.limit ?? 0) > searchLimits.maxLimit) {
    throw validationError(`limit ${request.limit} is too large. The maximum is ${searchLimits.maxLimit}.`, [], { limit: [String(request.limit)] });
  }
}

function parseAfter(after: string | number | undefined): number {
  if (after === undefined || after === '') return 0;
  const n = Number(after);
  if (!Number.isInteger(n) || n < 0) throw validationError(`after must be a paging cursor returned by a previous search, got ${after}.`);
  if (n >= searchLimits.maxResults) {
    throw validationError(`Search results are limited to ${searchLimits.maxResults} per query; paging past ${searchLimits.maxResults} is not allowed. ` +
      'Narrow the query, e.g. sort by hs_object_id and filter hs_object_id GT the last id seen.', [], { after: [String(after)] });
  }
  return n;
}

type Comparable = number | string;

/** Reads a record value in the form comparisons need: numbers and dates as numbers, text lower-cased. */
function valueReader(def: PropertyDefinition): (record: CrmRecord) => Comparable | undefined {
  if (def.name === 'hs_object_id') return (r) => r.numericId;
  if (def.type === 'number') return (r) => (r.properties[def.name] === undefined ? undefined : Number(r.properties[def.name]));
  if (def.type === 'date' || def.type === 'datetime') {
    return (r) => { const v = r.properties[def.name]; return v === undefined ? undefined : toEpochMillis(v); };
  }
  return (r) => r.properties[def.name]?.toLowerCase();
}

function filterValue(def: PropertyDefinition, raw: string): Comparable {
  if (def.type === 'number' || def.name === 'hs_object_id') {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw validationError(`${raw} is not a valid number for property ${def.name}.`);
    return n;
  }
  if (def.type === 'date' || def.type === 'datetime') {
    const ms = toEpochMillis(raw);
    if (ms === undefined) throw validationError(`${raw} is not a valid date for property ${def.name}; use epoch milliseconds or ISO 8601.`);
    return ms;
  }
  return raw.toLowerCase();
}

function compileFilter(portal: Portal, type: ObjectTypeInfo, filter: Filter): Predicate {
  const def = portal.properties.find(type.name, filter.propertyName);
  if (!def) {
    throw validationError(`There was a problem with the request: property ${filter.propertyName} does not exist for ${type.name}.`, [],
      { propertyName: [filter.propertyName] });
  }
  const read = valueReader(def);
  const need = (v: string | undefined, field: string): string => {
    if (v === undefined) throw validationError(`Operator ${filter.operator} on ${filter.propertyName} requires '${field}'.`);
    return v;
  };
  const op = filter.operator;
  switch (op) {
    case 'HAS_PROPERTY': return (r) => r.properties[def.name] !== undefined;
    case 'NOT_HAS_PROPERTY': return (r) => r.properties[def.name] === undefined;
    case 'IN':
    case 'NOT_IN': {
      const values = filter.values;
      if (!values || values.length === 0) throw validationError(`Operator ${op} on ${filter.propertyName} requires 'values'.`);
      const set = new Set(values.map((v) => filterValue(def, v)));
      return op === 'IN'
        ? (r) => { const v = read(r); return v !== undefined && set.has(v); }
        : (r) => { const v = read(r); return v === undefined || !set.has(v); };
    }
    case 'BETWEEN': {
      const low = filterValue(def, need(filter.value, 'value'));
      const high = filterValue(def, need(filter.highValue, 'highValue'));
      return (r) => { const v = read(r); return v !== undefined && v >= low && v <= high; };
    }
    case 'CONTAINS_TOKEN':
    case 'NOT_CONTAINS_TOKEN': {
      const matchesToken = tokenMatcher(need(filter.value, 'value'));
      return op === 'CONTAINS_TOKEN'
        ? (r) => { const v = r.properties[def.name]; return v !== undefined && matchesToken(v); }
        : (r) => { const v = r.properties[def.name]; return v === undefined || !matchesToken(v); };
    }
    default: {
      const target = filterValue(def, need(filter.value, 'value'));
      const compare: Record<typeof op, (v: Comparable) => boolean> = {
        EQ: (v) => v === target, NEQ: (v) => v !== target,
        LT: (v) => v < target, LTE: (v) => v <= target, GT: (v) => v > target, GTE: (v) => v >= target,
      };
      const test = compare[op];
      if (op === 'EQ' && typeof target === 'string') {
        // Lower-casing every record's value is the cost of a scan; most differ in length already.
        return (r) => { const v = r.properties[def.name]; return v !== undefined && v.length === target.length && v.toLowerCase() === target; };
      }
      // A record without the property is "not equal" to anything, and fails every other comparison.
      return op === 'NEQ'
        ? (r) => { const v = read(r); return v === undefined || test(v); }
        : (r) => { const v = read(r); return v !== undefined && test(v); };
    }
  }
}

/** CONTAINS_TOKEN matches a whole word of the value (or the whole value); `*` is a wildcard. */
function tokenMatcher(token: string): (value: string) => boolean {
  const pattern = new RegExp(`^${token.toLowerCase().split('*').map(escapeRegExp).join('.*')}$`);
  return (value) => {
    const lower = value.toLowerCase();
    return pattern.test(lower) || lower.split(/[\s@,;:/]+/).some((word) => pattern.test(word));
  };
}

function compileQuery(type: ObjectTypeInfo, query: string): Predicate {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return (r) => words.every((w) => type.queryProperties.some((p) => r.properties[p]?.toLowerCase().includes(w)));
}

/** Sorts with each record's sort keys read once (dates parse once, not per comparison). */
function sortRecords(portal: Portal, type: ObjectTypeInfo, sorts: Array<{ propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }>, records: CrmRecord[]): CrmRecord[] {
  const keys = sorts.map((s) => {
    const def = portal.properties.find(type.name, s.propertyName);
    if (!def) throw validationError(`Cannot sort by ${s.propertyName}: no such property for ${type.name}.`);
    return { read: valueReader(def), sign: s.direction === 'DESCENDING' ? -1 : 1 };
  });
  const decorated = records.map((record) => ({ record, values: keys.map((k) => k.read(record)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const va = a.values[i];
      const vb = b.values[i];
      if (va === vb) continue;
      if (va === undefined) return 1; // records without a value sort last either way
      if (vb === undefined) return -1;
      return (va < vb ? -1 : 1) * keys[i]!.sign;
    }
    return a.record.numericId - b.record.numericId;
  });
  return decorated.map((d) => d.record);
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
