import type { DatabaseHandle } from '../db/database';
import type { ActionRequest, ActionResponse } from './action-request';
import { enqueue, type NewJob } from '../jobs/queue';
import type { Logger } from '../logger';

/**
 * Group commit for workflow action deliveries that are answered at once and decided later.
 * Deliveries read in the same turn of the event loop are written together: one transaction with
 * one insert of their decision rows and one of their jobs, not a transaction each: under a flood, a
 * commit of its own would be most of a delivery's cost. A delivery waits at most for the end of the
 * turn it arrived in.
 *
 * Exactly once is still the database's: decision rows are keyed by callbackId and inserted with
 * ON CONFLICT DO NOTHING, and only the rows actually inserted get a job. A callbackId repeated in
 * one group is accepted once.
 *
 * One delivery never fails the others of its group: if the group's transaction fails, each delivery
 * is committed again in a transaction of its own, so only a delivery that cannot be written fails
 * (5xx, HubSpot redelivers it). A 5xx is retried for three days, so failing a whole group for one
 * bad row would turn one poisoned delivery into a flood of redeliveries of good ones.
 */
export interface Acceptance {
  /** The action's name, as stored with its decision rows. */
  action: string;
  request: ActionRequest;
  programId: string;
  answer: ActionResponse;
  job: NewJob;
}

interface Waiting extends Acceptance {
  settle(accepted: boolean): void;
  fail(err: unknown): void;
}

/** Bound on one group's size: a statement's parameters stay far below SQLite's and PostgreSQL's limits. */
export const MAX_GROUP = 500;

/** The group still taking deliveries in this turn of the event loop; one per service (`AppContext.acceptGroups`). */
export class AcceptGroups {
  open: Waiting[] | undefined;
}

/** What a group commit reads of the service's context (which holds the groups, so this module names no more of it). */
export interface GroupCommitDeps {
  acceptGroups: AcceptGroups;
  database: DatabaseHandle;
  clock: () => number;
  logger: Pick<Logger, 'warn'>;
}

/** Resolves true when this delivery's decision row was inserted, false when the callback was already accepted. */
export function acceptWithGroup(ctx: GroupCommitDeps, acceptance: Acceptance): Promise<boolean> {
  const groups = ctx.acceptGroups;
  let group = groups.open;
  if (!group || group.length >= MAX_GROUP) {
    const next: Waiting[] = [];
    groups.open = next;
    setImmediate(() => {
      if (groups.open === next) groups.open = undefined;
      void commit(ctx, next);
    });
    group = next;
  }
  const members = group;
  return new Promise((settle, fail) => members.push({ ...acceptance, settle, fail }));
}

async function commit(ctx: GroupCommitDeps, group: Waiting[]): Promise<void> {
  try {
    await commitTogether(ctx, group);
  } catch (err) {
    if (group.length === 1) return group[0]!.fail(err);
    ctx.logger.warn({ deliveries: group.length, error: err instanceof Error ? err.message : String(err) }, 'group commit failed; committing its deliveries one by one');
    for (const w of group) {
      try {
        await commitTogether(ctx, [w]);
      } catch (own) {
        w.fail(own);
      }
    }
  }
}

/** One transaction for the whole group; settles every member when it commits, throws when it fails. */
async function commitTogether(ctx: GroupCommitDeps, group: Waiting[]): Promise<void> {
  const first = new Map<string, Waiting>();
  for (const w of group) if (!first.has(w.request.callbackId)) first.set(w.request.callbackId, w);
  const now = ctx.clock();
  const inserted = await ctx.database.db.transaction().execute(async (trx) => {
    const rows = await trx
      .insertInto('action_decisions')
      .values(
        [...first.values()].map(({ action, request, programId, answer }) => ({
          callback_id: request.callbackId,
          action,
          program_id: programId,
          object_type: request.object.objectType,
          object_id: request.object.objectId,
          execution_state: answer.outputFields.hs_execution_state,
          response: JSON.stringify(answer),
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.column('callback_id').doNothing())
      .returning('callback_id')
      .execute();
    const ids = new Set(rows.map((r) => r.callback_id));
    await enqueue(trx, [...first.values()].filter((w) => ids.has(w.request.callbackId)).map((w) => w.job), now);
    return ids;
  });
  for (const w of group) w.settle(inserted.has(w.request.callbackId) && first.get(w.request.callbackId) === w);
}
