import type { AppContext } from '../context';
import { hubspotStatus } from '../hubspot/client';
import type { BatchJobHandler, JobHandler, NewJob } from '../jobs/queue';
import { isPseudonym } from '../privacy/pseudonym';
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
      // An erased person's rows are under a pseudonym: there is no HubSpot record to write to.
      if (isPseudonym(contactId)) return;
      const properties = await contactReferralProperties(ctx.database.db, contactId);
      if (Object.keys(properties).length === 0) return;
      await ctx.hubspot.crm.contacts.basicApi.update(contactId, { properties });
    },
  };
}

interface Completion {
  callbackId: string;
  outputFields: Record<string, string>;
}

/**
 * Callback completions go to HubSpot a hundred at a time. A batch with one callback HubSpot refuses
 * (expired, unknown) completes none, so then each is sent alone to tell which.
 */
export function hubspotBatchHandlers(ctx: AppContext): Record<string, BatchJobHandler> {
  const completed = (callbackIds: string[]) => ctx.database.db
    .updateTable('action_decisions')
    .set({ completed_at: ctx.clock() })
    .where('callback_id', 'in', callbackIds)
    .execute();

  const completeOne = async ({ callbackId, outputFields }: Completion): Promise<unknown> => {
    try {
      await ctx.hubspot.automation.actions.callbacksApi.complete(callbackId, { outputFields });
    } catch (err) {
      if (!isRefused(err)) return err;
      ctx.logger.warn({ callbackId, status: hubspotStatus(err) }, 'workflow callback could not be completed (expired or unknown); the ledger decision stands');
      return undefined;
    }
    await completed([callbackId]);
    return undefined;
  };

  return {
    [COMPLETE_CALLBACK]: async (jobs) => {
      const inputs = jobs.map(({ payload }) => payload as Completion);
      if (inputs.length === 1) return [await completeOne(inputs[0]!)];
      try {
        await ctx.hubspot.automation.actions.callbacksApi.completeBatch({ inputs });
      } catch (err) {
        if (!isRefused(err)) throw err;
        const outcomes: unknown[] = [];
        for (const input of inputs) outcomes.push(await completeOne(input));
        return outcomes;
      }
      await completed(inputs.map((i) => i.callbackId));
      return inputs.map(() => undefined);
    },
  };
}

/** An expired or already completed callback will never accept a completion: retrying is pointless. */
function isRefused(err: unknown): boolean {
  const status = hubspotStatus(err);
  return status === 404 || status === 400;
}
