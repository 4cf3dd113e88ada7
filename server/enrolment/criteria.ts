import type { Filter, FilterGroup } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { SEARCH_LIMITS, enrolmentSearchIssues, type Program } from '../../src/app/packages/domain/program';
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

/** The longest id a range bound can be: what a search body must leave room for. */
const LONGEST_ID = '9'.repeat(20);

/** Properties a bulk run reads from each contact it finds. */
export const BULK_PROPERTIES = ['firstname', P.code];

/** The search a bulk run sends for one page of a range. */
export function enrolmentSearch(program: Program, range: IdRange, sorts: string[], limit: number, properties: string[]) {
  return { filterGroups: enrolmentSearchGroups(program, range), sorts, properties, limit };
}

/**
 * Whether the program's criteria leave room for both id bounds (`GT` and `LTE`, ids of any length)
 * in one search; a program that uses nearly all of HubSpot's room is walked as one range instead
 * of several in parallel, paged by `GT` alone.
 */
export function rangesFit(program: Program): boolean {
  try {
    return fitsOneSearch(enrolmentSearch(program, { after: LONGEST_ID, upTo: LONGEST_ID }, BY_ID_ASCENDING, SEARCH_PAGE_SIZE, BULK_PROPERTIES));
  } catch {
    return false;
  }
}

/** HubSpot's limits on one search request (as `SEARCH_LIMITS` states them), measured on the body as sent. */
export function fitsOneSearch(body: { filterGroups: FilterGroup[] }): boolean {
  const groups = body.filterGroups;
  const total = groups.reduce((n, g) => n + g.filters.length, 0);
  return groups.length <= SEARCH_LIMITS.maxFilterGroups && total <= SEARCH_LIMITS.maxFilters &&
    groups.every((g) => g.filters.length <= SEARCH_LIMITS.maxFiltersPerGroup) && JSON.stringify(body).length <= SEARCH_LIMITS.maxBodyChars;
}

/** The criteria restricted to one contact: does this contact match the program? */
export function contactMatchGroups(program: Program, contactId: string): FilterGroup[] {
  return withFilters(program, [filter({ propertyName: 'hs_object_id', operator: 'EQ', value: contactId })]);
}

/**
 * The criteria with `extra` added to every group. Saving a program checks that they fit
 * (`enrolmentSearchIssues`); criteria stored before HubSpot's stricter limits may not, and are
 * refused here with the reasons, before HubSpot refuses the search.
 */
function withFilters(program: Program, extra: Filter[]): FilterGroup[] {
  return criteriaSearchGroups(program.enrolment.criteria, extra, `Program "${program.id}": its enrolment criteria`, 'Edit and save the program.');
}

/**
 * Enrolment criteria as HubSpot search filter groups, `extra` added to every group; criteria that
 * would not fit enrolment's own searches are refused with each issue's path (`enrolment.criteria.…`).
 * No criteria and no `extra`: no groups, which searches every contact.
 */
export function criteriaSearchGroups(criteria: Program['enrolment']['criteria'], extra: Filter[] = [], subject = 'The enrolment criteria', advice = ''): FilterGroup[] {
  const groups: FilterGroup[] = criteria.length === 0
    ? (extra.length === 0 ? [] : [{ filters: extra }])
    : criteria.map((g) => ({ filters: [...g.filters.map((f) => filter(f)), ...extra] }));
  const issues = enrolmentSearchIssues(criteria);
  if (issues.length > 0) {
    throw new AppError('VALIDATION_FAILED',
      `${subject} do not fit one HubSpot search: ${issues.map((i) => i.message).join('; ')}.${advice ? ` ${advice}` : ''}`,
      { issues });
  }
  return groups;
}

/** Sort for walking contacts in id order (the object form HubSpot documents; the client types it as string). */
export const BY_ID_ASCENDING = [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }] as unknown as string[];
export const BY_ID_DESCENDING = [{ propertyName: 'hs_object_id', direction: 'DESCENDING' }] as unknown as string[];
