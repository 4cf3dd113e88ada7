import { z } from 'zod';
import type { MatchPreview } from '../../src/app/packages/contracts/explain';
import { criteriaSchema, type Program } from '../../src/app/packages/domain/program';
import { AppError, type FieldIssue } from '../errors';
import { HubSpotCallFailed, type HubSpotGateway } from '../hubspot/gateway';
import type { PortalSettings } from '../hubspot/live-data';
import { P } from '../hubspot/properties';
import { contactLink } from '../explain/contact-link';
import { criteriaSearchGroups } from './criteria';

/** How many matching contacts the preview names. */
export const PREVIEW_EXAMPLES = 5;

/** Where the settings page shows an issue: the criteria's own field paths. */
const CRITERIA_PATH = 'enrolment.criteria';

const previewBody = z.strictObject({ criteria: criteriaSchema });

type Criteria = Program['enrolment']['criteria'];

/**
 * The criteria of a preview request: the draft the admin is editing, not necessarily saved.
 * Issues carry the program's field paths (`enrolment.criteria.0.filters.1.value`).
 */
export function parsePreviewCriteria(body: unknown): Criteria {
  const parsed = previewBody.safeParse(body ?? {});
  if (parsed.success) return parsed.data.criteria;
  const issues = parsed.error.issues.flatMap((i): FieldIssue[] => {
    if (i.code === 'unrecognized_keys') return i.keys.map((key) => ({ path: key, message: `Unknown field "${key}"; send {"criteria": [...]}` }));
    const [head, ...rest] = i.path.map(String);
    return [{ path: head === 'criteria' ? [CRITERIA_PATH, ...rest].join('.') : CRITERIA_PATH, message: i.message }];
  });
  throw new AppError('VALIDATION_FAILED', `Invalid enrolment criteria: ${issues[0]!.path}: ${issues[0]!.message}`, { issues });
}

/**
 * "About N contacts match now": one HubSpot contact search with the criteria as enrolment builds them
 * (criteria.ts), through the account's gateway, so previews share the search limit (5 a second) with
 * bulk runs instead of adding to it. The total is HubSpot's, with its indexing lag: contacts changed
 * in the last minute may be counted by what they were. Criteria enrolment could not search are
 * refused before HubSpot is asked, each issue at its condition.
 */
export async function previewMatches(hubspot: { gateway: HubSpotGateway; portalSettings: PortalSettings }, criteria: Criteria): Promise<MatchPreview> {
  const filterGroups = criteriaSearchGroups(criteria, [], 'These enrolment criteria');
  const [found, portalId] = await Promise.all([
    hubspot.gateway.call('search', 'count the contacts matching the enrolment criteria', (c) => c.crm.contacts.searchApi.doSearch({
      filterGroups, properties: ['firstname', 'lastname', 'email', P.code], limit: PREVIEW_EXAMPLES,
    }), { maxAttempts: 2 }).catch((err: unknown) => {
      throw refusedByHubSpot(err, criteria) ?? err;
    }),
    hubspot.portalSettings.portalId(),
  ]);
  return {
    total: found.total,
    examples: found.results.slice(0, PREVIEW_EXAMPLES).map((c) => ({ ...contactLink(portalId, c.id, c.properties), enrolled: Boolean(c.properties[P.code]) })),
  };
}

/**
 * HubSpot refuses a search it cannot run (a property the portal does not have, a value of the wrong
 * type) with a 400 naming the property: the issue goes to the first condition on that property.
 */
function refusedByHubSpot(err: unknown, criteria: Criteria): AppError | undefined {
  if (!(err instanceof HubSpotCallFailed) || err.status !== 400) return undefined;
  const said = /\((.*)\)$/.exec(err.message)?.[1] ?? err.message;
  let path = CRITERIA_PATH;
  criteria.some((group, g) => group.filters.some((filter, f) => {
    const named = new RegExp(`(^|[^\\w])${filter.propertyName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w]|$)`).test(said);
    if (named) path = `${CRITERIA_PATH}.${g}.filters.${f}.propertyName`;
    return named;
  }));
  const issues: FieldIssue[] = [{ path, message: `HubSpot cannot search this: ${said}` }];
  return new AppError('VALIDATION_FAILED', `HubSpot refused the enrolment criteria: ${said}`, { issues });
}
