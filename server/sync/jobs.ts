import type { AppContext } from '../context';
import { HubSpotCallFailed, hubspotStatus } from '../hubspot/client';
import { JOB_CALL_ATTEMPTS } from '../hubspot/gateway';
import { backoffMs, GiveUp, RetryLater, type BatchJobHandler, type JobHandler, type JobRow, type NewJob } from '../jobs/queue';
import { completeCallback, completeCallbacks, type Completion } from './callback-completion';
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
  const gateway = ctx.gateway.withMaxAttempts(JOB_CALL_ATTEMPTS);
  return {
    [SYNC_CONTACT]: async (payload) => {
      const { contactId } = payload as { contactId: string };
      // An erased person's rows are under a pseudonym: there is no HubSpot record to write to.
      if (isPseudonym(contactId)) return;
      const properties = await contactReferralProperties(ctx.database.db, contactId);
      if (Object.keys(properties).length === 0) return;
      await gateway.call('write', "write a contact's referral properties", (client) => client.crm.contacts.basicApi.update(contactId, { properties }));
    },
  };
}

/**
 * Callback completions go to HubSpot a hundred at a time. A batch with one callback HubSpot refuses
 * completes none, so then each is sent alone to tell which.
 *
 * A refusal (400/404) is not final at once. Whether HubSpot accepts a completion that arrives
 * before it has recorded the BLOCK answer is undocumented, and the decision usually follows the
 * answer within seconds: so a refused completion is retried with backoff until
 * `callbackRetryWindowMs` (CALLBACK_RETRY_MINUTES) after the BLOCK was answered. Past that the
 * callback is taken as expired, deleted or unknown: the job gives up and the worker's `onDead` hook
 * raises one owner task, because the workflow will not move on by itself.
 */
export function hubspotBatchHandlers(ctx: AppContext): Record<string, BatchJobHandler> {
  const gateway = ctx.gateway.withMaxAttempts(JOB_CALL_ATTEMPTS);
  const completed = (callbackIds: string[]) => ctx.database.db
    .updateTable('action_decisions')
    .set({ completed_at: ctx.clock() })
    .where('callback_id', 'in', callbackIds)
    .execute();

  const completeOne = async ({ payload, job }: { payload: unknown; job: JobRow }): Promise<unknown> => {
    const completion = payload as Completion;
    try {
      await gateway.call('write', 'complete a callback', (client) => completeCallback(client, completion));
    } catch (err) {
      if (!isRefused(err)) return err;
      return refusal(ctx, completion.callbackId, job, err);
    }
    await completed([completion.callbackId]);
    return undefined;
  };

  return {
    [COMPLETE_CALLBACK]: async (jobs) => {
      if (jobs.length === 1) return [await completeOne(jobs[0]!)];
      const inputs = jobs.map(({ payload }) => payload as Completion);
      try {
        await gateway.call('write', 'complete callbacks', (client) => completeCallbacks(client, inputs));
      } catch (err) {
        if (!isRefused(err)) throw err;
        const outcomes: unknown[] = [];
        for (const job of jobs) outcomes.push(await completeOne(job));
        return outcomes;
      }
      await completed(inputs.map((i) => i.callbackId));
      return inputs.map(() => undefined);
    },
  };
}

/** Retry later while HubSpot may still be recording the BLOCK; give up once that is implausible. */
async function refusal(ctx: AppContext, callbackId: string, job: JobRow, err: unknown): Promise<Error> {
  const answeredAt = (await ctx.database.db.selectFrom('action_decisions').select('created_at')
    .where('callback_id', '=', callbackId).executeTakeFirst())?.created_at ?? job.created_at;
  const giveUpAt = answeredAt + ctx.config.callbackRetryWindowMs;
  const now = ctx.clock();
  const status = hubspotStatus(err);
  // A refusal is answered at once, never retried: HubSpot's own words tell the owner the most.
  const answer = err instanceof HubSpotCallFailed ? err.cause : err;
  const message = answer instanceof Error ? answer.message : String(answer);
  if (now >= giveUpAt) {
    ctx.logger.warn({ callbackId, status }, 'HubSpot still refuses the callback completion; giving up and asking the program owner');
    return new GiveUp(`${message} (still refused ${Math.round((now - answeredAt) / 60_000)} min after the BLOCK answer)`);
  }
  ctx.logger.info({ callbackId, status }, 'HubSpot refused the callback completion; retrying, it may not have recorded the BLOCK yet');
  return new RetryLater(Math.min(backoffMs(job.attempts + 1), giveUpAt - now), message);
}

/** 400/404: HubSpot does not (or not yet) know the callback as waiting for a completion. */
function isRefused(err: unknown): boolean {
  const status = hubspotStatus(err);
  return status === 404 || status === 400;
}
