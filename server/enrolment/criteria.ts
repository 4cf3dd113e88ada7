import type { Filter, FilterGroup } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { MAX_FILTERS } from '../../src/domain/program';
import type { Program } from '../../src/domain/program';
import { AppError } from '../errors';
import { P } from '../hubspot/properties';

/** HubSpot returns at most this many records per search page. */
export const SEARCH_PAGE_SIZE = 200;

const filter = (f: { propertyName: string; operator: string; value?: string; values?: string[]; highValue?: string }) => f as Filter;

/**
 * The program's criteria (ORed filter groups) narrowed to contacts without a referral code and
 * past `afterId`. Slicing by `hs_object_id GT` instead of paging with `after` keeps each query
 * far below HubSpot's 10,000-results-per-query cap, however many contacts match.
 */
export function enrolmentSearchGroups(program: Program, afterId: string | null): FilterGroup[] {
  const extra = [
    filter({ propertyName: P.code, operator: 'NOT_HAS_PROPERTY' }),
    ...(afterId ? [filter({ propertyName: 'hs_object_id', operator: 'GT', value: afterId })] : []),
  ];
  return withFilters(program, extra);
}

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
