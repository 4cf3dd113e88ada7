import type { Program } from '../../src/app/packages/domain/program';
import { createContactUnlessTaken, findContactByEmail, type ContactMatch } from '../capture/referred-contact';
import { recordVisit, type Visitor } from '../capture/visits';
import { enrolContact, type EnrolDeps } from '../enrolment/enrol-contact';
import type { EnrolmentRow } from '../enrolment/repository';
import { AppError } from '../errors';
import type { HubSpotGateway } from '../hubspot/gateway';
import type { Actor } from '../ledger/actor';
import type { Logger } from '../logger';
import type { SignupInput } from './signup-input';

export interface SignupDeps extends EnrolDeps {
  logger: Pick<Logger, 'info'>;
}

export interface SignupResult {
  program: Program;
  enrolment: EnrolmentRow;
  /** `already_enrolled`: this person had signed up (or been enrolled from HubSpot) before; same link. */
  status: 'enrolled' | 'already_enrolled';
}

/**
 * What the public API answers: the share link alone (public by nature, it is made to be passed on),
 * the same for a first and a repeated sign-up. Anyone may type anyone's address, so nothing says
 * whether that person was enrolled or a contact before, and no ids.
 */
export interface SignupView {
  programId: string;
  code: string;
  link: string;
}

export function signupView(result: SignupResult): SignupView {
  return { programId: result.program.id, code: result.enrolment.code, link: result.enrolment.link };
}

/** The status of every answered sign-up, first or repeated. */
export const SIGNED_UP_STATUS = 200;

const PUBLIC: Actor = { type: 'public', id: null };

/** Why this program takes no sign-ups now, or undefined when it does. */
export function signupRefusal(program: Program): AppError | undefined {
  if (!program.enrolment.paths.includes('signup')) return new AppError('FORBIDDEN', `Sign-up is not open for the program "${program.name}"`);
  if (program.status !== 'active') return new AppError('INVALID_STATE', `The program "${program.name}" is not taking sign-ups right now`);
  return undefined;
}

/**
 * Enrols the person behind a sign-up: the HubSpot contact with this email (never changed apart
 * from the referral properties enrolment writes, and only where none are set), or a new one with
 * email and name. Then the same enrolment as every other path, so the same person always gets the
 * same code, also when two sign-ups race: HubSpot keeps emails unique (the loser of the create
 * gets the winner's contact) and the ledger keeps one enrolment per program and contact.
 */
export async function signUp(deps: SignupDeps, program: Program, input: SignupInput, visitor?: Visitor): Promise<SignupResult> {
  const refused = signupRefusal(program);
  if (refused) throw refused;
  const contact = await findOrCreateContact(deps.gateway, input);
  const outcome = await enrolContact(deps, program, contact.id, 'signup', PUBLIC);
  if (outcome.status === 'not_allowed') throw new AppError('FORBIDDEN', outcome.reason);
  // The browser and address a referrer signs up from: a friend submitting from either is flagged (fraud-signals.ts).
  if (visitor) {
    await recordVisit(deps.database.db, { program_id: program.id, enrolment_id: outcome.enrolment.id, kind: 'signup', ...visitor, at: deps.clock() });
  }
  deps.logger.info(
    { program: program.id, contact: contact.id, existingContact: contact.existing, status: outcome.status },
    'referrer signed up',
  );
  return { program, enrolment: outcome.enrolment, status: outcome.status };
}

/** Read by email, not searched: search lags behind writes, and a contact created a moment ago must be found. */
async function findOrCreateContact(gateway: HubSpotGateway, input: SignupInput): Promise<ContactMatch> {
  const found = await findContactByEmail(gateway, [input.email, input.emailNormalised]);
  if (found) return { id: found.id, existing: true };
  const properties: Record<string, string> = { email: input.email };
  if (input.firstName) properties.firstname = input.firstName;
  if (input.lastName) properties.lastname = input.lastName;
  return createContactUnlessTaken(gateway, 'create the signed-up contact', { properties, associations: [] });
}
