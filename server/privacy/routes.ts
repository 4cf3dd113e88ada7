import { Router } from 'express';
import { z } from 'zod';
import { normaliseEmail } from '../../src/app/packages/domain/email';
import type { AppContext, Feature } from '../context';
import { AppError, validationError } from '../errors';
import type { HubSpotGateway } from '../hubspot/gateway';
import { eraseSubject, type ErasureCounts, type ErasureOutcome } from './erase-subject';
import { isPseudonym, pseudonymKey } from './pseudonym';

const erasureBody = z
  .object({
    email: z.string().max(320, 'email is too long').optional(),
    contactId: z.string().regex(/^\d+$/, 'contactId must be a HubSpot contact id (digits)').optional(),
  })
  .strict()
  .refine((b) => b.email !== undefined || b.contactId !== undefined, { message: 'give the email address or the contactId of the person to erase' });

export interface PrivacyFeatureOptions {
  gateway?: (ctx: AppContext) => HubSpotGateway;
}

/**
 * `POST /api/privacy/erasures`: an admin erases a person by email (or contact id), for a request
 * made outside HubSpot. The answer says how many rows were erased under which pseudonym, never the
 * address or id it was asked about.
 */
export function createPrivacyFeature(opts: PrivacyFeatureOptions = {}) {
  return (ctx: AppContext): Feature => {
    const gateway = opts.gateway?.(ctx) ?? ctx.gateway;
    const admin = Router();

    admin.post('/privacy/erasures', async (req, res) => {
      const parsed = erasureBody.safeParse(req.body ?? {});
      if (!parsed.success) throw validationError(parsed.error, 'erasure request');
      const key = pseudonymKey(ctx.config);
      let emails: string[] = [];
      if (parsed.data.email !== undefined) {
        const email = normaliseEmail(parsed.data.email);
        if (!email.ok) throw new AppError('VALIDATION_FAILED', `Invalid erasure request: email: ${email.message}`, { issues: [{ path: 'email', message: email.message }] });
        // Normalised first: an erasure that finds no contact is logged under the pseudonym of this one.
        emails = [...new Set([email.normalised, email.email])];
      }
      const contactIds = new Set<string>(parsed.data.contactId ? [parsed.data.contactId] : []);
      for (const id of await contactsWithEmails(ctx, gateway, emails)) contactIds.add(id);

      const actor = req.actor ?? { type: 'admin' as const, id: null };
      const outcomes: ErasureOutcome[] = [];
      // One transaction per contact: a failure part-way leaves each contact wholly erased or untouched,
      // and repeating the request finishes the rest.
      for (const contactId of contactIds.size ? contactIds : [undefined]) {
        outcomes.push(await eraseSubject(ctx.database, key, ctx.clock(), { subject: { contactId, emails }, trigger: 'admin', actor }));
      }
      ctx.logger.info({ subjects: outcomes.map((o) => o.subject), actor: actor.type }, 'personal data erased on request');
      res.json({ erasures: outcomes, erased: total(outcomes.map((o) => o.erased)) });
    });

    return { admin };
  };
}

export const privacyFeature = createPrivacyFeature();

/**
 * The contacts behind an address: those the ledger linked to a referral under it, and the one HubSpot
 * holds with it now (a referrer's address is only in HubSpot). Read by `idProperty: email`, which is
 * not search-indexed, so a contact created moments ago is found too.
 */
async function contactsWithEmails(ctx: AppContext, gateway: HubSpotGateway, emails: string[]): Promise<string[]> {
  if (emails.length === 0) return [];
  const lowered = emails.map((e) => e.toLowerCase());
  const linked = await ctx.database.db.selectFrom('referrals').select('referred_contact_id')
    .where('email_normalised', 'in', lowered).execute();
  let found: string[];
  try {
    const batch = await gateway.call('read', 'read the contacts with an email address to erase', (c) =>
      c.crm.contacts.batchApi.read({ idProperty: 'email', inputs: emails.map((id) => ({ id })), properties: ['email'], propertiesWithHistory: [] }),
    );
    found = batch.results.map((r) => r.id);
  } catch {
    throw new AppError('UPSTREAM_FAILED', 'HubSpot could not be asked which contact has this email address; nothing was erased, try again');
  }
  return [...linked.map((r) => r.referred_contact_id).filter((id) => /^\d+$/.test(id) && !isPseudonym(id)), ...found];
}

function total(counts: ErasureCounts[]): ErasureCounts {
  const sum = { enrolmentsClosed: 0, referralsAsReferrer: 0, referralsAsFriend: 0, rewards: 0, workflowDecisions: 0, ownerTasks: 0, jobsCanceled: 0, rowsScrubbed: 0 };
  for (const c of counts) for (const k of Object.keys(sum) as Array<keyof ErasureCounts>) sum[k] += c[k];
  return sum;
}
