import type { Kysely, Selectable } from 'kysely';
import type { DatabaseHandle } from '../db/database';
import type { Database, ReferralClaimTable, ReferralTable } from '../db/schema';
import { AppError } from '../errors';
import { HubSpotCallFailed } from '../hubspot/gateway';
import { newId } from '../ids';
import { enqueue, type NewJob } from '../jobs/queue';
import type { ValidSubmission } from './validate-submission';

export type ClaimRow = Selectable<ReferralClaimTable>;
export type ReferralRow = Selectable<ReferralTable>;

/**
 * How long a capture may work on a claim before a resubmission or the recovery job may take it
 * over. Far longer than a capture takes (a few HubSpot calls), far shorter than the hour after
 * which the funnel report's rollup settles (server/reports/report-rollup.ts), so a recovered
 * referral is still counted in its hour.
 */
export const CLAIM_LEASE_MS = 5 * 60_000;
export const RECOVER_CLAIM_JOB = 'capture.recover-claim';

export interface ClaimDeps {
  database: DatabaseHandle;
  clock: () => number;
  claimLeaseMs?: number;
}

export type ClaimOutcome =
  /** This request holds the claim: it settles the contact and finalises. */
  | { kind: 'claimed'; claim: ClaimRow }
  /** The person is already referred in this program. */
  | { kind: 'referred'; referral: ReferralRow }
  /** Another request is capturing the same person right now. */
  | { kind: 'busy' };

const recoveryKey = (claimId: string) => `${RECOVER_CLAIM_JOB}:${claimId}`;

/** The job that finishes or releases a claim its capture left behind (a crash, a kill, a lost database). */
export function recoverClaimJob(claim: ClaimRow, leaseMs: number): NewJob {
  return { kind: RECOVER_CLAIM_JOB, dedupeKey: recoveryKey(claim.id), payload: { claimId: claim.id }, runAt: claim.claimed_at + leaseMs };
}

/**
 * Claims the person for this program before HubSpot is touched, so only the claimant creates the
 * contact, also with duplicate submissions on several replicas (unique program + normalised email).
 * The claim and its recovery job are committed together: however the capture ends, the claim ends.
 * A claim whose lease is over (its capture died) passes to this request.
 */
export async function claimReferral(deps: ClaimDeps, s: ValidSubmission): Promise<ClaimOutcome> {
  const { db } = deps.database;
  const leaseMs = deps.claimLeaseMs ?? CLAIM_LEASE_MS;
  // A claim can be released between our insert and our read: then the next round claims it.
  for (let round = 0; round < 3; round++) {
    const referral = await findReferral(db, s.program.id, s.normalised);
    if (referral) return { kind: 'referred', referral };
    const now = deps.clock();
    const claim: ClaimRow = {
      id: newId('ref'), program_id: s.program.id, enrolment_id: s.enrolment.id, referrer_contact_id: s.enrolment.contact_id,
      email: s.email, email_normalised: s.normalised, source: s.input.source,
      first_name: s.input.firstName ?? null, last_name: s.input.lastName ?? null, captured_at: now, claimed_at: now,
      signals: JSON.stringify(s.signals ?? []),
    };
    const inserted = await db.transaction().execute(async (trx) => {
      const result = await trx.insertInto('referral_claims').values(claim).onConflict((oc) => oc.doNothing()).executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0) === 0) return 'taken' as const;
      // The claim we waited on may have just become the referral (finalising ends a claim in the same
      // transaction that adds the referral): this statement sees it, the check before the insert did not.
      const finished = await findReferral(trx, s.program.id, s.normalised);
      if (finished) {
        await trx.deleteFrom('referral_claims').where('id', '=', claim.id).execute();
        return finished;
      }
      await enqueue(trx, recoverClaimJob(claim, leaseMs), now);
      return 'claimed' as const;
    });
    if (inserted === 'claimed') return { kind: 'claimed', claim };
    if (inserted !== 'taken') return { kind: 'referred', referral: inserted };

    const held = await db.selectFrom('referral_claims').selectAll()
      .where('program_id', '=', s.program.id).where('email_normalised', '=', s.normalised).executeTakeFirst();
    if (!held) continue;
    const taken = await takeLease(deps, held);
    if (!taken) return { kind: 'busy' };
    await enqueue(db, recoverClaimJob(taken, leaseMs), deps.clock());
    return { kind: 'claimed', claim: taken };
  }
  return { kind: 'busy' };
}

/**
 * Takes over a claim whose lease is over. Compare and set on `claimed_at`: of several replicas,
 * resubmissions and recovery jobs trying at once, exactly one gets it.
 */
export async function takeLease(deps: ClaimDeps, claim: ClaimRow): Promise<ClaimRow | undefined> {
  const now = deps.clock();
  if (Number(claim.claimed_at) + (deps.claimLeaseMs ?? CLAIM_LEASE_MS) > now) return undefined;
  const result = await deps.database.db.updateTable('referral_claims').set({ claimed_at: now })
    .where('id', '=', claim.id).where('claimed_at', '=', claim.claimed_at).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ...claim, claimed_at: now } : undefined;
}

/** Ends a claim: the row and its recovery job, unless that job is running (it then finds nothing to do). */
export async function releaseClaim(db: Kysely<Database>, claimId: string): Promise<void> {
  await db.deleteFrom('referral_claims').where('id', '=', claimId).execute();
  await db.deleteFrom('jobs').where('dedupe_key', '=', recoveryKey(claimId)).where('status', '=', 'pending')
    .where('locked_by', 'is', null).execute();
}

/**
 * Whether a capture failed for good (a refused submission, HubSpot refusing the contact): then its
 * claim is released. Anything else (HubSpot unreachable, rate limited, a database error) keeps the
 * claim for its recovery job, so a submission already answered for is finished once it can be.
 */
export function failedForGood(err: unknown): boolean {
  if (err instanceof AppError) return err.status < 500 && err.status !== 429;
  if (err instanceof HubSpotCallFailed) return err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429;
  return false;
}

export async function findReferral(db: Kysely<Database>, programId: string, normalised: string): Promise<ReferralRow | undefined> {
  return db.selectFrom('referrals').selectAll().where('program_id', '=', programId).where('email_normalised', '=', normalised).executeTakeFirst();
}
