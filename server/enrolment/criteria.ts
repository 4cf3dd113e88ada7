import type { Filter, FilterGroup } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { MAX_FILTERS } from '../../src/app/packages/domain/program';
import type { Program } from '../../src/app/packages/domain/program';
import { AppError } from '../errors';
import { P } from '../hubspot/properties';
import type { IdRange } from './id-ranges';

/** HubSpot returns at most this many records per search page. */
export const SEARCH_PAGE_SIZE = 200;

const filter = (f: { propertyName: string; operator: string; value?: string; values?: string[]; highValue?: string }) => f as Filter;

/**
 * The program's criteria (ORed filter groups) narrowed to contacts without a referral code inside
 * an id range. Slicing by `hs_object_id GT` instead of paging with `after` keeps each query far
 * below HubSpot's 10,000-results-per-query cap, however many contacts match.
 */
export function enrolmentSearchGroups(program: Program, range: IdRange): FilterGroup[] {
  const extra = [
    filter({ propertyName: P.code, operator: 'NOT_HAS_PROPERTY' }),
    ...(range.after ? [filter({ propertyName: 'hs_object_id', operator: 'GT', value: range.after })] : []),
    ...(range.upTo ? [filter({ propertyName: 'hs_object_id', operator: 'LTE', value: range.upTo })] : []),
  ];
  return withFilters(program, extra);
}

/**
 * Whether the program's criteria leave room for both id bounds in every group; a program that uses
 * nearly all of HubSpot's filters is walked as one range instead of several in parallel.
 */
export function rangesFit(program: Program): boolean {
  const criteria = program.enrolment.criteria;
  const groups = Math.max(1, criteria.length);
  const used = criteria.reduce((n, g) => n + g.filters.length, 0);
  return used + 3 * groups <= MAX_FILTERS && criteria.every((g) => g.filters.length + 3 <= MAX_FILTERS_PER_GROUP);
}

/** HubSpot's limit on the filters of one filter group. */
const MAX_FILTERS_PER_GROUP = 10;

/** The criteria restricted to one contact: does this contact match the program? */
export function contactMatchGroups(program: Program, contactId: string): FilterGroup[] {
  return withFilters(program, [filter({ propertyName: 'hs_object_id', operator: 'EQ', value: contactId })]);
}

function withFilters(program: Program, extra: Filter[]): FilterGroup[] {
  const criteria = program.enrolment.criteria;
  const groups: FilterGroup[] = criteria.length === 0
    ? [{ filters: extra }]
    : criteria.map((g) => ({ filters: [...g.filters.map((f) => filter(f)), ...extra] }));
  const total = groups.reduce((n, g) => n + g.filters.length, 0);
  if (total > MAX_FILTERS) {
    throw new AppError('VALIDATION_FAILED',
      `Program "${program.id}": its enrolment criteria use ${total - extra.length * groups.length} filters, and enrolment adds ${extra.length} to each of its ${groups.length} group(s); HubSpot allows ${MAX_FILTERS} in all. Merge or remove filter groups.`);
  }
  return groups;
}

/** Sort for walking contacts in id order (the object form HubSpot documents; the client types it as string). */
export const BY_ID_ASCENDING = [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }] as unknown as string[];
export const BY_ID_DESCENDING = [{ propertyName: 'hs_object_id', direction: 'DESCENDING' }] as unknown as string[];
