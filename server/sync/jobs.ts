import type { AppContext } from '../context';
import { hubspotStatus } from '../hubspot/client';
import type { JobHandler, NewJob } from '../jobs/queue';
import { contactReferralProperties } from './contact-properties';

export const SYNC_CONTACT = 'hubspot.sync-contact';
export const COMPLETE_CALLBACK = 'hubspot.complete-callback';

/** One pending sync per contact is enough: it writes the ledger's state at the time it runs. */
export function syncContactJob(contactId: string): NewJob {
  return { kind: SYNC_CONTACT, payload: { contactId }, dedupeKey: `${SYNC_CONTACT}:${contactId}` };
}

export function completeCallbackJob(callbackId: string, outputFields: Record<string, string>): NewJob {
  return { kind: COMPLETE_CALLBACK, payload: { callbackId, outputFields }, dedupeKey: `${COMPLETE_CALLBACK}:${callbackId}` };
}

export function hubspotJobHandlers(ctx: AppContext): Record<string, JobHandler> {
  return {
    [SYNC_CONTACT]: async (payload) => {
      const { contactId } = payload as { contactId: string };
      const properties = await contactReferralProperties(ctx.database.db, contactId);
      if (Object.keys(properties).length === 0) return;
      await ctx.hubspot.crm.contacts.basicApi.update(contactId, { properties });
    },
    [COMPLETE_CALLBACK]: async (payload) => {
      const { callbackId, outputFields } = payload as { callbackId: string; outputFields: Record<string, string> };
      try {
        await ctx.hubspot.automation.actions.callbacksApi.complete(callbackId, { outputFields });
      } catch (err) {
        // An expired or already completed callback will never accept a completion: retrying is pointless.
        const status = hubspotStatus(err);
        if (status === 404 || status === 400) {
          ctx.logger.warn({ callbackId, status }, 'workflow callback could not be completed (expired or unknown); the ledger decision stands');
          return;
        }
        throw err;
      }
      await ctx.database.db
        .updateTable('action_decisions')
        .set({ completed_at: ctx.clock() })
        .where('callback_id', '=', callbackId)
        .execute();
    },
  };
}
