import { normaliseCode } from '../../src/app/packages/domain/codes';
import { normaliseEmail } from '../../src/app/packages/domain/email';
import type { Program } from '../../src/app/packages/domain/program';
import type { RiskSignal } from '../../src/app/packages/domain/risk-flags';
import type { DatabaseHandle } from '../db/database';
import { findEnrolmentByCode, type EnrolmentRow } from '../enrolment/repository';
import { AppError } from '../errors';
import type { HubSpotGateway } from '../hubspot/gateway';
import { findProgram } from '../programs/repository';
import type { ReferralInput } from './referral-input';
import { riskSignals } from './risk-signals';

/** A submission that may become a referral: a valid address, an active code of an active program, not the referrer. */
export interface ValidSubmission {
  input: ReferralInput;
  /** As typed (HubSpot matches emails exactly) and normalised (the ledger's identity of a person). */
  email: string;
  normalised: string;
  enrolment: EnrolmentRow;
  program: Program;
  referrerOwnerId: string | undefined;
  /** Fraud signals of this submission (risk-signals.ts); the claim keeps them for whoever finishes the capture. */
  signals?: RiskSignal[];
}

export interface ValidateDeps {
  database: DatabaseHandle;
  gateway: HubSpotGateway;
  clock: () => number;
}

export const selfReferral = () =>
  new AppError('VALIDATION_FAILED', "That is the referrer's own email address: referral links are for inviting someone else", {
    issues: [{ path: 'email', message: 'Self-referral' }],
  });

/**
 * Checks everything that can be checked before the person is claimed, in the order a person fixes
 * them: the address, consent, the code and its program, then the referrer's own address (read live
 * from HubSpot, since the referrer may have changed it).
 */
export async function validateSubmission(deps: ValidateDeps, input: ReferralInput): Promise<ValidSubmission> {
  const email = normaliseEmail(input.email);
  if (!email.ok) throw new AppError('VALIDATION_FAILED', email.message, { issues: [{ path: 'email', message: email.message }] });
  if (input.source !== 'hubspot_form' && !input.consent) {
    throw new AppError('VALIDATION_FAILED', 'Please tick the consent box to continue', { issues: [{ path: 'consent', message: 'Consent is required' }] });
  }
  const { enrolment, program } = await referrerFor(deps, input);
  const referrer = await deps.gateway.call('read', `read referrer contact ${enrolment.contact_id}`, (c) =>
    c.crm.contacts.basicApi.getById(enrolment.contact_id, ['email', 'hubspot_owner_id']),
  );
  const referrerEmail = referrer.properties.email ? normaliseEmail(referrer.properties.email) : undefined;
  if (referrerEmail?.ok && referrerEmail.normalised === email.normalised) throw selfReferral();
  const signals = await riskSignals(deps.database.db, deps.clock(), {
    program, enrolment, friend: email, referrer: referrerEmail?.ok ? referrerEmail : undefined, visitor: input.visitor,
  });
  return {
    input, email: email.email, normalised: email.normalised, enrolment, program,
    referrerOwnerId: referrer.properties.hubspot_owner_id ?? undefined, signals,
  };
}

async function referrerFor(deps: ValidateDeps, input: ReferralInput): Promise<{ enrolment: EnrolmentRow; program: Program }> {
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
