import type { Selectable } from 'kysely';
import { normaliseCode } from '../../src/app/packages/domain/codes';
import { normaliseEmail } from '../../src/app/packages/domain/email';
import type { Program } from '../../src/app/packages/domain/program';
import type { RiskFlag } from '../../src/app/packages/domain/risk-flags';
import type { DatabaseHandle } from '../db/database';
import type { ReferralTable } from '../db/schema';
import { findEnrolmentByCode, type EnrolmentRow } from '../enrolment/repository';
import { AppError } from '../errors';
import { existingIdFromConflict, HubSpotCallFailed, type HubSpotGateway } from '../hubspot/gateway';
import { P } from '../hubspot/properties';
import { newId } from '../ids';
import { enqueue } from '../jobs/queue';
import { recordTransition } from '../ledger/audit';
import type { Logger } from '../logger';
import { findProgram } from '../programs/repository';
import { isUniqueViolation } from '../db/unique-violation';
import { syncContactJob } from '../sync/jobs';
import { chooseOwner } from './owner-routing';
import type { ReferralInput } from './referral-input';

export type ReferralRow = Selectable<ReferralTable>;

export interface CaptureDeps {
  database: DatabaseHandle;
  gateway: HubSpotGateway;
  clock: () => number;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** The "Referred by" association type id (looked up once per process). */
  referredByTypeId: () => Promise<number>;
}

export interface ReferralView {
  id: string;
  programId: string;
  referrerContactId: string;
  referredContactId: string;
  email: string;
  status: ReferralRow['status'];
  flags: string[];
  capturedAt: string;
}

export function referralView(row: ReferralRow): ReferralView {
  return {
    id: row.id, programId: row.program_id, referrerContactId: row.referrer_contact_id, referredContactId: row.referred_contact_id,
    email: row.email, status: row.status, flags: JSON.parse(row.flags) as string[], capturedAt: new Date(row.captured_at).toISOString(),
  };
}

export interface CaptureResult {
  referral: ReferralView;
  /** The same person was already referred in this program: nothing new was created. */
  duplicate: boolean;
  program: Program;
}

/** A contact a HubSpot form created this recently is the submission's own, not a prior contact. */
const FORM_CONTACT_FRESH_MS = 10 * 60_000;
/** Marks a referral claimed in the ledger whose HubSpot contact is being created. */
const PENDING = 'pending:';

/**
 * Turns a submission into a referral: the referred person becomes a HubSpot contact (or is matched
 * to one, which is then left untouched and flagged) attributed to the referrer.
 *
 * Exactly one referral and one contact per person and program, also under concurrent duplicate
 * submissions on several replicas: the ledger row is claimed first (unique on program + normalised
 * email), before HubSpot is touched, so only the claimant creates the contact; the others get the
 * claimant's referral back.
 */
export async function captureReferral(deps: CaptureDeps, input: ReferralInput): Promise<CaptureResult> {
  const email = normaliseEmail(input.email);
  if (!email.ok) throw new AppError('VALIDATION_FAILED', email.message, { issues: [{ path: 'email', message: email.message }] });
  if (input.source !== 'hubspot_form' && !input.consent) {
    throw new AppError('VALIDATION_FAILED', 'Please tick the consent box to continue', { issues: [{ path: 'consent', message: 'Consent is required' }] });
  }
  const { enrolment, program } = await referrerFor(deps, input);
  const { db } = deps.database;

  const earlier = await findByEmail(deps, program.id, email.normalised);
  if (earlier) return { referral: referralView(earlier), duplicate: true, program };

  const referrer = await deps.gateway.call('read', `read referrer contact ${enrolment.contact_id}`, (c) =>
    c.crm.contacts.basicApi.getById(enrolment.contact_id, ['email', 'hubspot_owner_id']),
  );
  const referrerEmail = referrer.properties.email ? normaliseEmail(referrer.properties.email) : undefined;
  if (referrerEmail?.ok && referrerEmail.normalised === email.normalised) throw selfReferral();

  const now = deps.clock();
  const claim: ReferralRow = {
    id: newId('ref'), program_id: program.id, enrolment_id: enrolment.id, referrer_contact_id: enrolment.contact_id,
    referred_contact_id: '', email: email.email, email_normalised: email.normalised, source: input.source,
    flags: '[]', status: 'captured', reason: null, evidence: null, deal_id: null, captured_at: now, qualified_at: null, decided_at: null,
  };
  claim.referred_contact_id = `${PENDING}${claim.id}`;
  const inserted = await db.insertInto('referrals').values(claim).onConflict((oc) => oc.doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const winner = await findByEmail(deps, program.id, email.normalised);
    if (winner) return { referral: referralView(winner), duplicate: true, program };
    throw new AppError('CONFLICT', 'This referral is being recorded by another request; try again in a moment');
  }

  try {
    const contact = await findOrCreateContact(deps, { input, email: email.email, normalised: email.normalised, program, enrolment, referrerOwnerId: referrer.properties.hubspot_owner_id, claim });
    if (contact.id === enrolment.contact_id) throw selfReferral();
    return await finalise(deps, program, claim, contact);
  } catch (err) {
    // Nothing happened that a retry would not redo: release the claim.
    await db.deleteFrom('referrals').where('id', '=', claim.id).execute();
    if (err instanceof DuplicateContact) return { referral: referralView(err.existing), duplicate: true, program };
    throw err;
  }
}

const selfReferral = () =>
  new AppError('VALIDATION_FAILED', "That is the referrer's own email address: referral links are for inviting someone else", {
    issues: [{ path: 'email', message: 'Self-referral' }],
  });

async function referrerFor(deps: CaptureDeps, input: ReferralInput): Promise<{ enrolment: EnrolmentRow; program: Program }> {
  const code = input.code ? normaliseCode(input.code) : null;
  const enrolment = code ? await findEnrolmentByCode(deps.database.db, code) : undefined;
  if (!enrolment || enrolment.status !== 'active') {
    throw new AppError('VALIDATION_FAILED', 'This referral link is not valid any more: ask your friend to send it again', {
      issues: [{ path: 'code', message: input.code ? 'Unknown or closed referral code' : 'No referral code' }],
    });
  }
  if (input.programId && input.programId !== enrolment.program_id) {
    throw new AppError('VALIDATION_FAILED', 'This referral code belongs to a different program', { issues: [{ path: 'code', message: 'Code of another program' }] });
  }
  const program = await findProgram(deps.database.db, enrolment.program_id);
  if (!program || program.status !== 'active') throw new AppError('INVALID_STATE', 'This referral program is not accepting referrals right now');
  return { enrolment, program };
}

/** The finished referral, or the one in progress, for this person (pending claims included). */
async function findByEmail(deps: CaptureDeps, programId: string, normalised: string): Promise<ReferralRow | undefined> {
  return deps.database.db.selectFrom('referrals').selectAll()
    .where('program_id', '=', programId).where('email_normalised', '=', normalised).executeTakeFirst();
}

export interface ContactMatch {
  id: string;
  existing: boolean;
}

interface ContactRequest {
  input: ReferralInput;
  email: string;
  normalised: string;
  program: Program;
  enrolment: EnrolmentRow;
  referrerOwnerId: string | null | undefined;
  claim: ReferralRow;
}

async function findOrCreateContact(deps: CaptureDeps, req: ContactRequest): Promise<ContactMatch> {
  const found = await searchByEmail(deps.gateway, req.email, req.normalised);
  if (found) {
    const fresh = req.input.source === 'hubspot_form' && deps.clock() - Date.parse(found.properties.createdate ?? '') < FORM_CONTACT_FRESH_MS
      && !found.properties[P.referredByCode];
    if (!fresh) return { id: found.id, existing: true };
    // The form submission itself created this contact moments ago: attribute it, keeping what the form set.
    await attributeFormContact(deps, req, found);
    return { id: found.id, existing: false };
  }
  const properties = await newContactProperties(deps, req);
  const typeId = await deps.referredByTypeId();
  return createContactUnlessTaken(deps.gateway, 'create the referred contact', {
    properties,
    associations: [{ to: { id: req.enrolment.contact_id }, types: [{ associationCategory: 'USER_DEFINED', associationTypeId: typeId }] }],
  } as ContactCreateInput);
}

type ContactCreateInput = Parameters<HubSpotGateway['client']['crm']['contacts']['basicApi']['create']>[0];

/**
 * Creates a contact. When another request created one with the same email between our search and
 * this create (HubSpot keeps emails unique and names the holder in its 409), that one is the match.
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

async function newContactProperties(deps: CaptureDeps, req: ContactRequest): Promise<Record<string, string>> {
  const owner = await chooseOwner(deps.database.db, {
    program: req.program, referrerOwnerId: req.referrerOwnerId, referral: { id: req.claim.id, capturedAt: req.claim.captured_at },
  });
  const properties: Record<string, string> = {
    email: req.email,
    [P.referredByCode]: req.enrolment.code,
    [P.referredByContact]: req.enrolment.contact_id,
    [P.status]: 'captured',
    lifecyclestage: req.program.capture.lifecycleStage,
  };
  if (req.input.firstName) properties.firstname = req.input.firstName;
  if (req.input.lastName) properties.lastname = req.input.lastName;
  if (owner) properties.hubspot_owner_id = owner;
  return properties;
}

async function attributeFormContact(deps: CaptureDeps, req: ContactRequest, contact: { id: string; properties: Record<string, string | null> }) {
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

/** The contact with this address as typed or in its normalised form (HubSpot matches emails exactly). */
export async function searchByEmail(gateway: HubSpotGateway, email: string, normalised: string) {
  const emails = [...new Set([email, normalised])];
  const result = await gateway.call('search', 'look up a contact by email', (c) =>
    c.crm.contacts.searchApi.doSearch({
      filterGroups: emails.map((value) => ({ filters: [{ propertyName: 'email', operator: 'EQ', value }] })) as never,
      properties: ['email', 'createdate', P.referredByCode],
      limit: 1,
    }),
  );
  return result.results[0];
}

class DuplicateContact extends Error {
  constructor(readonly existing: ReferralRow) {
    super('The contact was already referred in this program');
  }
}

/** Completes the claimed row, audits it and queues the referrer's count refresh, in one transaction. */
async function finalise(deps: CaptureDeps, program: Program, claim: ReferralRow, contact: ContactMatch): Promise<CaptureResult> {
  const flags: RiskFlag[] = contact.existing ? ['existing_contact'] : [];
  const now = deps.clock();
  try {
    const row = await deps.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('referrals').set({ referred_contact_id: contact.id, flags: JSON.stringify(flags) }).where('id', '=', claim.id).execute();
      await recordTransition(trx, {
        entity: 'referral', entityId: claim.id, from: null, to: 'captured', actor: { type: 'public', id: null },
        reason: contact.existing ? 'referred person was already a HubSpot contact' : 'referred person became a HubSpot contact',
        data: { source: claim.source, flags, referredContactId: contact.id, enrolmentId: claim.enrolment_id }, at: now,
      });
      await enqueue(trx, syncContactJob(claim.referrer_contact_id), now);
      return trx.selectFrom('referrals').selectAll().where('id', '=', claim.id).executeTakeFirstOrThrow();
    });
    deps.logger.info({ referral: row.id, program: program.id, flags }, 'referral captured');
    return { referral: referralView(row), duplicate: false, program };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // Same contact already referred in this program under another email address.
    const existing = await deps.database.db.selectFrom('referrals').selectAll()
      .where('program_id', '=', program.id).where('referred_contact_id', '=', contact.id).executeTakeFirst();
    if (!existing) throw err;
    throw new DuplicateContact(existing);
  }
}
