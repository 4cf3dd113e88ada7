import { cryptoRandom, type RandomBytes } from '../../src/app/packages/domain/codes';
import type { Program } from '../../src/app/packages/domain/program';
import type { DashboardLinks } from '../dashboard/dashboard-token';
import type { DatabaseHandle } from '../db/database';
import { AppError } from '../errors';
import { HubSpotCallFailed, type HubSpotGateway } from '../hubspot/gateway';
import { P, hubspotDate } from '../hubspot/properties';
import type { Actor } from '../ledger/actor';
import { contactMatchGroups } from './criteria';
import { criteriaProperties, matchesCriteriaNow } from './criteria-match';
import { reserveEnrolments, type EnrolmentRow, type EnrolmentSource } from './repository';

export interface EnrolDeps {
  database: DatabaseHandle;
  gateway: HubSpotGateway;
  clock: () => number;
  publicBaseUrl: string;
  /** Signs the dashboard link written beside the referral link. */
  dashboardLinks: DashboardLinks;
  random?: RandomBytes;
}

export type EnrolmentStatus = 'enrolled' | 'already_enrolled' | 'not_allowed';

export type EnrolOutcome =
  | { status: 'enrolled' | 'already_enrolled'; enrolment: EnrolmentRow }
  | { status: 'not_allowed'; reason: string };

/** The contact properties an enrolment writes onto the HubSpot record. */
export function enrolmentProperties(row: EnrolmentRow, links: DashboardLinks): Record<string, string> {
  const dashboard = links.urlFor(row);
  return {
    [P.code]: row.code,
    [P.link]: row.link,
    ...(dashboard ? { [P.dashboardLink]: dashboard } : {}),
    [P.program]: row.program_id,
    [P.enrolledDate]: hubspotDate(row.created_at),
  };
}

/** Why this path may not enrol into the program, or undefined when it may. */
function refusal(program: Program, source: EnrolmentSource): string | undefined {
  if (program.status !== 'active') return `Program "${program.name}" is ${program.status}, not active`;
  if (source === 'manual' && !program.enrolment.allowManual) return `Program "${program.name}" does not allow enrolling contacts by hand`;
  if (source === 'workflow' && !program.enrolment.paths.includes('hubspot')) return `Program "${program.name}" does not enrol from HubSpot`;
  if (source === 'signup' && !program.enrolment.paths.includes('signup')) return `Program "${program.name}" does not take sign-ups`;
  return undefined;
}

/**
 * Enrols one contact (workflow action, the card). The same contact and program always get the
 * same code: the ledger row decides, and HubSpot is written after it, so a retry after a failed
 * write finds the row and writes it again. A code already on the record from elsewhere is never
 * overwritten.
 */
export async function enrolContact(deps: EnrolDeps, program: Program, contactId: string, source: EnrolmentSource, actor: Actor): Promise<EnrolOutcome> {
  const refused = refusal(program, source);
  if (refused) return { status: 'not_allowed', reason: refused };

  const criteria = program.enrolment.criteria;
  const contact = await readContact(deps.gateway, contactId, criteriaProperties(criteria));
  const { db } = deps.database;
  const existing = await db.selectFrom('enrolments').selectAll().where('program_id', '=', program.id).where('contact_id', '=', contactId).executeTakeFirst();
  if (!existing && source === 'workflow' && criteria.length > 0 && !(await matchesCriteria(deps.gateway, program, contactId, contact.properties))) {
    return { status: 'not_allowed', reason: `The contact does not meet the enrolment criteria of "${program.name}"` };
  }

  const reserved = existing
    ? { row: existing, created: false }
    : (await reserveEnrolments(db, {
      program, contacts: [{ id: contactId, firstName: contact.properties.firstname }], source, actor,
      publicBaseUrl: deps.publicBaseUrl, now: deps.clock(), random: deps.random ?? cryptoRandom,
    })).get(contactId)!;

  const onRecord = contact.properties[P.code];
  if (!onRecord) {
    await deps.gateway.call('write', `write the referral code to contact ${contactId}`, (c) =>
      c.crm.contacts.basicApi.update(contactId, { properties: enrolmentProperties(reserved.row, deps.dashboardLinks) }),
    );
  } else if (onRecord === reserved.row.code) {
    // Enrolled before dashboards existed, or the write of the link was lost: enrolling again adds it.
    const dashboard = deps.dashboardLinks.urlFor(reserved.row);
    if (dashboard && contact.properties[P.dashboardLink] !== dashboard) {
      await deps.gateway.call('write', `write the dashboard link to contact ${contactId}`, (c) =>
        c.crm.contacts.basicApi.update(contactId, { properties: { [P.dashboardLink]: dashboard } }),
      );
    }
  }
  return { status: reserved.created ? 'enrolled' : 'already_enrolled', enrolment: reserved.row };
}

async function readContact(gateway: HubSpotGateway, contactId: string, extra: string[]) {
  try {
    const properties = [...new Set(['firstname', 'email', P.code, P.dashboardLink, ...extra])];
    return await gateway.call('read', `read contact ${contactId}`, (c) => c.crm.contacts.basicApi.getById(contactId, properties));
  } catch (err) {
    if (err instanceof HubSpotCallFailed && err.status === 404) throw new AppError('NOT_FOUND', `No HubSpot contact with id ${contactId}`);
    throw err;
  }
}

/**
 * A workflow enrols a contact right after the write that made it match, and search takes up to a
 * minute to see that write: the contact as read now decides first. Search, HubSpot's own reading
 * of the filters, is asked only when that says no, so a contact is refused only when both agree.
 */
async function matchesCriteria(gateway: HubSpotGateway, program: Program, contactId: string, now: Record<string, string | null>): Promise<boolean> {
  if (matchesCriteriaNow(program.enrolment.criteria, now)) return true;
  const filterGroups = contactMatchGroups(program, contactId);
  const found = await gateway.call('search', `check contact ${contactId} against the enrolment criteria`, (c) =>
    c.crm.contacts.searchApi.doSearch({ filterGroups, properties: ['hs_object_id'], limit: 1 }),
  );
  return found.total > 0;
}
