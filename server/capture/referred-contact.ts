import type { Program } from '../../src/app/packages/domain/program';
import type { DatabaseHandle } from '../db/database';
import type { EnrolmentRow } from '../enrolment/repository';
import { existingIdFromConflict, HubSpotCallFailed, type HubSpotGateway } from '../hubspot/gateway';
import { P } from '../hubspot/properties';
import type { ClaimRow } from './claim';
import { chooseOwner } from './owner-routing';

export interface ContactMatch {
  id: string;
  /** A contact before this referral: left untouched and flagged. */
  existing: boolean;
}

export interface ContactDeps {
  database: DatabaseHandle;
  gateway: HubSpotGateway;
  /** The "Referred by" association type id (looked up once per process). */
  referredByTypeId: () => Promise<number>;
}

export interface ContactRequest {
  claim: ClaimRow;
  program: Program;
  enrolment: EnrolmentRow;
  referrerOwnerId: string | undefined;
}

/** A HubSpot form submission is forwarded after the form created its contact: that contact is the submission's own. */
const FORM_CONTACT_FRESH_MS = 10 * 60_000;
/**
 * A contact created this shortly before the capture belongs to the same visit (a HubSpot form on the
 * same page, a double submit) and allows for clock drift between HubSpot and this service.
 */
const JUST_CREATED_MS = 60_000;
/** What judging and attributing a contact reads: its creation and every property attribution may set. */
const LOOKUP_PROPERTIES = ['email', 'createdate', 'firstname', 'lastname', 'lifecyclestage', 'hubspot_owner_id', P.referredByCode, P.referredByContact, P.status];

interface HubSpotContact {
  id: string;
  properties: Record<string, string | null>;
}

/**
 * The referred person's HubSpot contact: the one with this address, else a new one created with
 * attribution and the "Referred by" association. Never decided from search, which lags behind
 * writes: a batch read by email and the 409 of a create both see a contact the moment it exists.
 * Whether it was a contact before the referral is judged by its `createdate` against the capture.
 * Everything comes from the claim, so a resubmission or the recovery job settles it the same way.
 */
export async function settleReferredContact(deps: ContactDeps, req: ContactRequest): Promise<ContactMatch> {
  const found = await findContactByEmail(deps.gateway, [req.claim.email, req.claim.email_normalised]);
  if (found) return adopt(deps, req, found);
  const typeId = await deps.referredByTypeId();
  const created = await createContactUnlessTaken(deps.gateway, 'create the referred contact', {
    properties: await newContactProperties(deps, req),
    associations: [{ to: { id: req.enrolment.contact_id }, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }] }],
  } as ContactCreateInput);
  if (!created.existing) return created;
  // Created by someone else between our read and our create: judge it like any contact we find.
  const holder = await deps.gateway.call('read', `read contact ${created.id}`, (c) => c.crm.contacts.basicApi.getById(created.id, LOOKUP_PROPERTIES));
  return adopt(deps, req, holder);
}

/** Our own contact (made for this referral or during this visit) is completed; an earlier one is left as it is. */
async function adopt(deps: ContactDeps, req: ContactRequest, contact: HubSpotContact): Promise<ContactMatch> {
  if (!isOwnContact(req, contact)) return { id: contact.id, existing: true };
  await attribute(deps, req, contact);
  return { id: contact.id, existing: false };
}

export function isOwnContact(req: Pick<ContactRequest, 'claim' | 'enrolment'>, contact: HubSpotContact): boolean {
  const referredBy = contact.properties[P.referredByCode];
  // An earlier attempt at this very referral created it and died before the ledger knew.
  if (referredBy === req.enrolment.code) return true;
  const createdAt = Date.parse(contact.properties.createdate ?? '');
  if (Number.isNaN(createdAt)) return false;
  const capturedAt = Number(req.claim.captured_at);
  if (createdAt >= capturedAt - JUST_CREATED_MS) return true;
  return req.claim.source === 'hubspot_form' && !referredBy && capturedAt - createdAt < FORM_CONTACT_FRESH_MS;
}

/** Reads the contact holding one of these addresses; batch reads by email are not search-indexed, so they never lag. */
export async function findContactByEmail(gateway: HubSpotGateway, emails: string[]): Promise<HubSpotContact | undefined> {
  const inputs = [...new Set(emails)].map((id) => ({ id }));
  const batch = await gateway.call('read', 'read contacts by email', (c) =>
    c.crm.contacts.batchApi.read({ inputs, idProperty: 'email', properties: LOOKUP_PROPERTIES, propertiesWithHistory: [] }),
  );
  return batch.results[0];
}

type ContactCreateInput = Parameters<HubSpotGateway['client']['crm']['contacts']['basicApi']['create']>[0];

/**
 * Creates a contact. When another request created one with the same email in the meantime (HubSpot
 * keeps emails unique and names the holder in its 409), that one is the match.
 */
export async function createContactUnlessTaken(gateway: HubSpotGateway, what: string, input: ContactCreateInput): Promise<ContactMatch> {
  try {
    const created = await gateway.call('write', what, (c) => c.crm.contacts.basicApi.create(input));
    return { id: created.id, existing: false };
  } catch (err) {
    const existingId = existingIdFromConflict(err instanceof HubSpotCallFailed ? err.cause : err);
    if (existingId) return { id: existingId, existing: true };
    throw err;
  }
}

async function newContactProperties(deps: ContactDeps, req: ContactRequest): Promise<Record<string, string>> {
  const owner = await chooseOwner(deps.database.db, {
    program: req.program, referrerOwnerId: req.referrerOwnerId, referral: { id: req.claim.id, capturedAt: Number(req.claim.captured_at) },
  });
  const properties: Record<string, string> = {
    email: req.claim.email,
    [P.referredByCode]: req.enrolment.code,
    [P.referredByContact]: req.enrolment.contact_id,
    [P.status]: 'captured',
    lifecyclestage: req.program.capture.lifecycleStage,
  };
  if (req.claim.first_name) properties.firstname = req.claim.first_name;
  if (req.claim.last_name) properties.lastname = req.claim.last_name;
  if (owner) properties.hubspot_owner_id = owner;
  return properties;
}

/** Sets what the referral adds and the contact lacks (keeping what a form set), and the "Referred by" association. */
async function attribute(deps: ContactDeps, req: ContactRequest, contact: HubSpotContact): Promise<void> {
  const wanted = await newContactProperties(deps, req);
  const missing = Object.fromEntries(Object.entries(wanted).filter(([name]) => !contact.properties[name]));
  if (Object.keys(missing).length > 0) {
    await deps.gateway.call('write', `attribute contact ${contact.id}`, (c) => c.crm.contacts.basicApi.update(contact.id, { properties: missing }));
  }
  const typeId = await deps.referredByTypeId();
  await deps.gateway.call('write', `associate contact ${contact.id} with its referrer`, (c) =>
    c.crm.associations.v4.basicApi.create('contacts', contact.id, 'contacts', req.enrolment.contact_id, [
      { associationCategory: 'USER_DEFINED', associationTypeId: typeId } as never,
    ]),
  );
}
