import { isRiskFlag, RISK_FLAG_LABELS, type RiskSignal } from '../../src/app/packages/domain/risk-flags';
import type { DatabaseHandle } from '../db/database';
import type { Actor } from '../ledger/actor';
import { enqueue } from '../jobs/queue';
import { recordTransition } from '../ledger/audit';
import type { Logger } from '../logger';
import { syncContactJob } from '../sync/jobs';
import { releaseClaim, type ClaimRow, type ReferralRow } from './claim';
import type { ContactMatch } from './referred-contact';

export interface FinaliseDeps {
  database: DatabaseHandle;
  clock: () => number;
  logger: Pick<Logger, 'info'>;
}

export interface Finalised {
  referral: ReferralRow;
  /** The person (or their contact, under another address) was already referred: nothing new was recorded. */
  duplicate: boolean;
}

/**
 * Turns the claim into the referral, in one transaction with its audit event, the referrer's count
 * refresh and the end of the claim. Idempotent: a second finaliser of the same claim (a recovery job
 * racing a resubmission) finds the referral and adds nothing. The referral keeps the claim's id and
 * capture time, so reports place it where the person submitted.
 */
export async function finaliseReferral(deps: FinaliseDeps, claim: ClaimRow, contact: ContactMatch, actor: Actor): Promise<Finalised> {
  const signals = claimSignals(claim);
  if (contact.existing) signals.push({ flag: 'existing_contact', reason: RISK_FLAG_LABELS.existing_contact });
  const flags = signals.map((s) => s.flag);
  const now = deps.clock();
  const outcome = await deps.database.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('referrals').values({
      id: claim.id, program_id: claim.program_id, enrolment_id: claim.enrolment_id, referrer_contact_id: claim.referrer_contact_id,
      referred_contact_id: contact.id, email: claim.email, email_normalised: claim.email_normalised, source: claim.source,
      flags: JSON.stringify(flags), flag_reasons: JSON.stringify(Object.fromEntries(signals.map((s) => [s.flag, s.reason]))), status: 'captured', reason: null, evidence: null, deal_id: null,
      captured_at: claim.captured_at, qualified_at: null, decided_at: null,
    }).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    await releaseClaim(trx, claim.id);
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
      // Unique on id, on program + email, and on program + contact (the same person under another address).
      const existing = await trx.selectFrom('referrals').selectAll().where('program_id', '=', claim.program_id)
        .where((eb) => eb.or([eb('id', '=', claim.id), eb('email_normalised', '=', claim.email_normalised), eb('referred_contact_id', '=', contact.id)]))
        .executeTakeFirstOrThrow();
      return { referral: existing, duplicate: true };
    }
    await recordTransition(trx, {
      entity: 'referral', entityId: claim.id, from: null, to: 'captured', actor,
      reason: contact.existing ? 'referred person was already a HubSpot contact' : 'referred person became a HubSpot contact',
      data: { source: claim.source, flags, referredContactId: contact.id, enrolmentId: claim.enrolment_id }, at: now,
    });
    await enqueue(trx, syncContactJob(claim.referrer_contact_id), now);
    // The friend's referral_flags, for HubSpot lists and workflows.
    if (flags.length > 0) await enqueue(trx, syncContactJob(contact.id), now);
    const referral = await trx.selectFrom('referrals').selectAll().where('id', '=', claim.id).executeTakeFirstOrThrow();
    return { referral, duplicate: false };
  });
  if (!outcome.duplicate) deps.logger.info({ referral: claim.id, program: claim.program_id, flags, actor: actor.type }, 'referral captured');
  return outcome;
}

function claimSignals(claim: ClaimRow): RiskSignal[] {
  const parsed = JSON.parse(claim.signals ?? '[]') as Array<{ flag: string; reason: string }>;
  return parsed.filter((s): s is RiskSignal => isRiskFlag(s.flag));
}
