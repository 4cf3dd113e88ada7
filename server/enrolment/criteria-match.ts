import type { SearchFilter } from '../../src/app/packages/domain/program';

type Criteria = ReadonlyArray<{ filters: readonly SearchFilter[] }>;
type Properties = Record<string, string | null | undefined>;

/** The property names a contact must be read with to evaluate the criteria. */
export function criteriaProperties(criteria: Criteria): string[] {
  return [...new Set(criteria.flatMap((g) => g.filters.map((f) => f.propertyName)))];
}

/**
 * Evaluates enrolment criteria against a contact as read by id, the way HubSpot's search applies
 * them (groups ORed, filters ANDed, text case-insensitive, numbers and dates by value). Reading by
 * id is not delayed like search, so this judges a contact written moments ago by what it is now.
 */
export function matchesCriteriaNow(criteria: Criteria, properties: Properties): boolean {
  return criteria.some((group) => group.filters.every((filter) => matchesFilter(filter, present(properties[filter.propertyName]))));
}

export interface FilterVerdict {
  filter: SearchFilter;
  /** The contact's value of the filter's property as read; null when unset. */
  value: string | null;
  matched: boolean;
}

/**
 * Every group's and every filter's verdict, for explaining an answer of `matchesCriteriaNow` (which
 * is true exactly when a group has every filter matched): a filter group of a contact that does not
 * match shows which condition failed and the value it failed on.
 */
export function criteriaVerdicts(criteria: Criteria, properties: Properties): Array<{ matched: boolean; filters: FilterVerdict[] }> {
  return criteria.map((group) => {
    const filters = group.filters.map((filter) => {
      const value = present(properties[filter.propertyName]);
      return { filter, value: value ?? null, matched: matchesFilter(filter, value) };
    });
    return { matched: filters.every((f) => f.matched), filters };
  });
}

const present = (value: string | null | undefined): string | undefined => (value === null || value === undefined || value === '' ? undefined : value);

function matchesFilter(filter: SearchFilter, value: string | undefined): boolean {
  const target = filter.value ?? '';
  switch (filter.operator) {
    case 'HAS_PROPERTY': return value !== undefined;
    case 'NOT_HAS_PROPERTY': return value === undefined;
    // A contact without the property is "not equal" to anything (as HubSpot's search treats it).
    case 'EQ': return value !== undefined && compare(value, target) === 0;
    case 'NEQ': return value === undefined || compare(value, target) !== 0;
    case 'IN': return value !== undefined && (filter.values ?? []).some((v) => compare(value, v) === 0);
    case 'NOT_IN': return value === undefined || !(filter.values ?? []).some((v) => compare(value, v) === 0);
    case 'LT': return value !== undefined && compare(value, target) < 0;
    case 'LTE': return value !== undefined && compare(value, target) <= 0;
    case 'GT': return value !== undefined && compare(value, target) > 0;
    case 'GTE': return value !== undefined && compare(value, target) >= 0;
    case 'BETWEEN': return value !== undefined && compare(value, target) >= 0 && compare(value, filter.highValue ?? '') <= 0;
    case 'CONTAINS_TOKEN': return value !== undefined && containsToken(value, target);
    case 'NOT_CONTAINS_TOKEN': return value === undefined || !containsToken(value, target);
  }
}

const NUMBER = /^-?\d+(\.\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/** Numbers (also dates as epoch milliseconds) compare by value, dates by time, everything else as lower-cased text. */
function comparable(raw: string): number | string {
  const text = raw.trim();
  if (NUMBER.test(text)) return Number(text);
  if (ISO_DATE.test(text)) {
    const ms = Date.parse(text);
    if (Number.isFinite(ms)) return ms;
  }
  return text.toLowerCase();
}

function compare(value: string, target: string): number {
  const a = comparable(value);
  const b = comparable(target);
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = value.toLowerCase();
  const y = target.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A whole word of the value (or the whole value) matches the token; `*` is a wildcard. */
function containsToken(value: string, token: string): boolean {
  const escaped = token.toLowerCase().split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  const pattern = new RegExp(`^${escaped}$`);
  const lower = value.toLowerCase();
  return pattern.test(lower) || lower.split(/[\s@,;:/]+/).some((word) => pattern.test(word));
}
