import type { AppContext } from '../context';
import { JOB_CALL_ATTEMPTS } from '../hubspot/gateway';
import type { Actor } from '../ledger/actor';
import { RetryLater, type JobHandler } from '../jobs/queue';
import type { Logger } from '../logger';
import { findProgram } from '../programs/repository';
import { CLAIM_LEASE_MS, failedForGood, RECOVER_CLAIM_JOB, releaseClaim, takeLease, type ClaimDeps } from './claim';
import { finaliseReferral } from './finalise';
import { settleReferredContact, type ContactDeps, type ContactMatch } from './referred-contact';
import { referredByTypeIdLookup } from './referred-by-type';

export type RecoveryDeps = ClaimDeps & ContactDeps & { logger: Pick<Logger, 'info' | 'warn'> };

export type RecoveryOutcome = 'absent' | 'completed' | 'released';

const SYSTEM: Actor = { type: 'system', id: null };

/**
 * Ends a claim its capture left behind. Runs from the job queued with the claim, once the claim's
 * lease is over, on whichever replica claims the job; the lease (compare and set) keeps it from
 * racing a capture still at work or a resubmission that took the claim over.
 *
 * The referral is completed as the capture would have completed it, from what the claim holds:
 * the contact the capture created (or matched) is found by email, else created now. So a submission
 * the service accepted, or answered for while another capture of the same person was at work, is
 * never lost. The claim is released only when the address has since become the referrer's own, its
 * program is gone, or HubSpot refuses the contact for good (a 4xx other than 429).
 */
export async function recoverClaim(deps: RecoveryDeps, claimId: string): Promise<RecoveryOutcome> {
  const { db } = deps.database;
  const claim = await db.selectFrom('referral_claims').selectAll().where('id', '=', claimId).executeTakeFirst();
  if (!claim) return 'absent';
  const leaseMs = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
  const heldFor = Number(claim.claimed_at) + leaseMs - deps.clock();
  if (heldFor > 0) throw new RetryLater(heldFor, `referral claim ${claim.id} is held by a capture at work`);
  const held = await takeLease(deps, claim);
  if (!held) throw new RetryLater(leaseMs, `referral claim ${claim.id} was just taken over`);

  const enrolment = await db.selectFrom('enrolments').selectAll().where('id', '=', claim.enrolment_id).executeTakeFirstOrThrow();
  const program = await findProgram(db, claim.program_id);
  let contact: ContactMatch | undefined;
  try {
    contact = program
      ? await settleReferredContact(deps, { claim: held, program, enrolment, referrerOwnerId: await referrerOwner(deps, enrolment.contact_id) })
      : undefined;
  } catch (err) {
    if (!failedForGood(err)) throw err;
    deps.logger.warn({ claim: claim.id, program: claim.program_id, error: err instanceof Error ? err.message : String(err) },
      'HubSpot refused the contact of a referral claim; released');
    contact = undefined;
  }
  if (!contact || contact.id === enrolment.contact_id) {
    await releaseClaim(db, claim.id);
    deps.logger.info({ claim: claim.id, program: claim.program_id }, 'released a referral claim that can no longer be a referral');
    return 'released';
  }
  await finaliseReferral(deps, held, contact, SYSTEM);
  deps.logger.info({ claim: claim.id, program: claim.program_id }, 'completed a referral whose capture was cut off');
  return 'completed';
}

async function referrerOwner(deps: RecoveryDeps, contactId: string): Promise<string | undefined> {
  const referrer = await deps.gateway.call('read', `read referrer contact ${contactId}`, (c) => c.crm.contacts.basicApi.getById(contactId, ['hubspot_owner_id']));
  return referrer.properties.hubspot_owner_id ?? undefined;
}

export function captureJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  const gateway = ctx.gateway.withMaxAttempts(JOB_CALL_ATTEMPTS);
  const deps: RecoveryDeps = {
    database: ctx.database, gateway, clock: ctx.clock, logger: ctx.logger, referredByTypeId: referredByTypeIdLookup(gateway),
  };
  return {
    [RECOVER_CLAIM_JOB]: async (payload) => {
      await recoverClaim(deps, (payload as { claimId: string }).claimId);
    },
  };
}
