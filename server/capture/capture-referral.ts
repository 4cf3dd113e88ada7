import type { Program } from '../../src/app/packages/domain/program';
import type { HubSpotGateway } from '../hubspot/gateway';
import type { Actor } from '../ledger/actor';
import type { Logger } from '../logger';
import { claimReferral, failedForGood, releaseClaim, type ClaimDeps, type ReferralRow } from './claim';
import { finaliseReferral } from './finalise';
import type { ReferralInput } from './referral-input';
import { settleReferredContact } from './referred-contact';
import { selfReferral, validateSubmission } from './validate-submission';
import { recordVisit } from './visits';

export interface CaptureDeps extends ClaimDeps {
  gateway: HubSpotGateway;
  logger: Pick<Logger, 'info' | 'warn'>;
  referredByTypeId: () => Promise<number>;
}

export interface CaptureResult {
  /** `in_progress`: another request is capturing the same person right now; it records the referral. */
  outcome: 'captured' | 'duplicate' | 'in_progress';
  referral: ReferralRow | undefined;
  program: Program;
}

const PUBLIC: Actor = { type: 'public', id: null };

/**
 * Turns a submission into a referral in four steps: validate, claim the person in the ledger, settle
 * their HubSpot contact (matched, or created with attribution), finalise the referral. Exactly one
 * referral and one contact per person and program, also under concurrent submissions on several
 * replicas and across crashes: see claim.ts and claim-recovery.ts.
 */
export async function captureReferral(deps: CaptureDeps, input: ReferralInput): Promise<CaptureResult> {
  const submission = await validateSubmission(deps, input);
  const { program, enrolment } = submission;
  const claimed = await claimReferral(deps, submission);
  if (claimed.kind === 'referred') return { outcome: 'duplicate', referral: claimed.referral, program };
  if (claimed.kind === 'busy') return { outcome: 'in_progress', referral: undefined, program };

  const { claim } = claimed;
  // Counted from the claim on: velocity is about submissions, whether or not HubSpot takes them.
  await recordVisit(deps.database.db, {
    id: claim.id, program_id: program.id, enrolment_id: enrolment.id, kind: 'capture',
    browser: input.visitor?.browser ?? null, ip: input.visitor?.ip ?? null, at: claim.claimed_at,
  });
  try {
    const contact = await settleReferredContact(deps, { claim, program, enrolment, referrerOwnerId: submission.referrerOwnerId });
    if (contact.id === enrolment.contact_id) throw selfReferral();
    const done = await finaliseReferral(deps, claim, contact, PUBLIC);
    return { outcome: done.duplicate ? 'duplicate' : 'captured', referral: done.referral, program };
  } catch (err) {
    if (!failedForGood(err)) {
      deps.logger.warn({ claim: claim.id }, 'referral capture interrupted; its recovery job will finish it');
      throw err;
    }
    // Refused for good: nothing a retry would not redo has happened. Should releasing fail, the recovery job ends the claim.
    await releaseClaim(deps.database.db, claim.id).catch((releaseErr: unknown) => {
      deps.logger.warn({ err: releaseErr, claim: claim.id }, 'could not release a referral claim; its recovery job will');
    });
    throw err;
  }
}
