import type { Selectable } from 'kysely';
import { contactUrl } from '../../src/app/packages/ui-shared/format';
import type { AppContext } from '../context';
import type { OwnerTaskTable } from '../db/schema';
import { enqueue, type JobHandler, type JobRow } from '../jobs/queue';
import { hubspotStatus } from '../hubspot/client';
import { JOB_CALL_ATTEMPTS, type HubSpotGateway } from '../hubspot/gateway';
import { findProgram } from '../programs/repository';
import { completeTask, contactName, createTask, findTaskByMarker, taskMarker } from './hubspot-task';
import { parseItemKey } from './item-keys';
import { describeItem, itemForDeadJob, itemStillOpen, type ItemDescription } from './items';
import { OWNER_TASK_COMPLETE, OWNER_TASK_CREATE, OWNER_TASK_KINDS, raiseOwnerTaskJob, type RaisePayload } from './jobs';

type OwnerTaskRow = Selectable<OwnerTaskTable>;

const DAY_MS = 86_400_000;

export function ownerTaskHandlers(ctx: AppContext): Record<string, JobHandler> {
  const gateway = ctx.gateway.withMaxAttempts(JOB_CALL_ATTEMPTS);
  return {
    [OWNER_TASK_CREATE]: (payload) => raiseOwnerTask(ctx, gateway, payload as RaisePayload),
    [OWNER_TASK_COMPLETE]: (payload) => completeOwnerTask(ctx, gateway, (payload as { item: string }).item),
  };
}

/**
 * The worker's `onDead` hook: a fulfilment or HubSpot write that gave up becomes a task for the
 * program owner. The owner-task jobs themselves only log, or a HubSpot outage would feed itself.
 */
export function raiseOwnerTaskOnDead(ctx: AppContext): (job: JobRow, error: string) => Promise<void> {
  return async (job, error) => {
    if (OWNER_TASK_KINDS.includes(job.kind)) {
      ctx.logger.error({ job: { id: job.id, kind: job.kind }, error }, 'owner task could not be written to HubSpot');
      return;
    }
    const item = itemForDeadJob(job);
    if (!item) return;
    try {
      await enqueue(ctx.database.db, raiseOwnerTaskJob({ item, detail: error }), ctx.clock());
    } catch (err) {
      ctx.logger.error({ err, item }, 'queueing the owner task failed');
    }
  };
}

/**
 * One HubSpot task per item. The row is written before HubSpot is called, and marked while a create
 * call is under way: a re-run after a crash or a lost answer looks for the task by its marker before
 * creating another. A create HubSpot refused outright leaves nothing to look for.
 */
async function raiseOwnerTask(ctx: AppContext, gateway: HubSpotGateway, { item, detail, portalId }: RaisePayload): Promise<void> {
  const db = ctx.database.db;
  const description = await describeItem(db, item, detail);
  if (!description) {
    ctx.logger.warn({ item }, 'no owner task: the item names no program and contact this service knows');
    return;
  }
  const program = await findProgram(db, description.programId);
  if (!program?.ownerId) {
    ctx.logger.warn({ item, program: description.programId }, 'no owner task: the program names no owner');
    return;
  }
  const row = await claimItem(ctx, item, description, program.ownerId);
  if (!row || row.hubspot_task_id) return;

  const marker = taskMarker(item);
  let taskId = row.create_started_at !== null ? await findTaskByMarker(gateway, description.contactId, marker) : undefined;
  if (!taskId) {
    if (row.status === 'completed') return; // resolved before any task reached HubSpot
    const dueDays = parseItemKey(item).kind === 'review' ? program.review.expirationDays : 0;
    const task = {
      subject: description.subject(await contactName(gateway, description.contactId)),
      body: taskBody(ctx, description, marker, portalId),
      ownerId: program.ownerId,
      contactId: description.contactId,
      priority: description.priority,
      dueAt: ctx.clock() + dueDays * DAY_MS,
    };
    await setRow(ctx, item, { create_started_at: ctx.clock() });
    try {
      taskId = await createTask(gateway, task);
    } catch (err) {
      if (refused(err)) await setRow(ctx, item, { create_started_at: null });
      throw err;
    }
  }
  await setRow(ctx, item, { hubspot_task_id: taskId, create_started_at: null });
  // Resolved while HubSpot was creating it: the completion job found no task id, so finish here.
  const { status } = await db.selectFrom('owner_tasks').select('status').where('item_key', '=', item).executeTakeFirstOrThrow();
  if (status === 'completed') await completeTask(gateway, taskId);
}

/** HubSpot answered and refused (not rate limited): the task surely does not exist. */
function refused(err: unknown): boolean {
  const status = hubspotStatus(err);
  return status !== undefined && status >= 400 && status < 500 && status !== 429;
}

async function setRow(ctx: AppContext, item: string, values: Partial<Pick<OwnerTaskRow, 'hubspot_task_id' | 'create_started_at'>>) {
  await ctx.database.db.updateTable('owner_tasks').set({ ...values, updated_at: ctx.clock() }).where('item_key', '=', item).execute();
}

/** Inserts the item's row unless it exists; undefined when the item no longer needs a person. */
async function claimItem(ctx: AppContext, item: string, d: ItemDescription, ownerId: string): Promise<OwnerTaskRow | undefined> {
  return ctx.database.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('owner_tasks').selectAll().where('item_key', '=', item).executeTakeFirst();
    if (existing) return existing;
    if (!(await itemStillOpen(trx, ctx.database.dialect, item))) return undefined;
    const now = ctx.clock();
    const row: OwnerTaskRow = {
      item_key: item, program_id: d.programId, contact_id: d.contactId, owner_id: ownerId, hubspot_task_id: null,
      create_started_at: null, status: 'open', reason: d.reason, created_at: now, updated_at: now,
    };
    await trx.insertInto('owner_tasks').values(row).execute();
    return row;
  });
}

/**
 * The link back: the contact record (where the referral card acts on rewards) when the portal id is
 * known, which it is for items raised by a workflow action; otherwise the service's reward list for
 * the contact (admin API).
 */
function taskBody(ctx: AppContext, d: ItemDescription, marker: string, portalId: number | undefined): string {
  const link = portalId !== undefined
    ? `Contact record: ${contactUrl(portalId, d.contactId)}`
    : `Rewards of this contact: ${ctx.config.publicBaseUrl}/api/rewards?contact=${d.contactId}`;
  return [d.reason, d.nextStep, link, `Reference: ${marker}`].join('\n');
}

async function completeOwnerTask(ctx: AppContext, gateway: HubSpotGateway, item: string): Promise<void> {
  const row = await ctx.database.db.selectFrom('owner_tasks').selectAll().where('item_key', '=', item).executeTakeFirst();
  // No task id yet: the raise still running will see the row completed and finish the task itself.
  if (!row?.hubspot_task_id) return;
  if ((await completeTask(gateway, row.hubspot_task_id)) === 'gone') {
    ctx.logger.info({ item, task: row.hubspot_task_id }, 'owner task was deleted in HubSpot; nothing to complete');
  }
}
