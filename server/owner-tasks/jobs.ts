import type { NewJob } from '../jobs/queue';

export const OWNER_TASK_CREATE = 'owner-task.create';
export const OWNER_TASK_COMPLETE = 'owner-task.complete';
export const OWNER_TASK_KINDS: readonly string[] = [OWNER_TASK_CREATE, OWNER_TASK_COMPLETE];

export interface RaisePayload {
  item: string;
  /** The error a failure item is about (a job's last error). */
  detail?: string;
  /** Known when a workflow action raised the item: the task then links to the contact record. */
  portalId?: number;
}

export function raiseOwnerTaskJob(payload: RaisePayload): NewJob {
  return { kind: OWNER_TASK_CREATE, payload, dedupeKey: `${OWNER_TASK_CREATE}:${payload.item}` };
}

export function completeOwnerTaskJob(item: string): NewJob {
  return { kind: OWNER_TASK_COMPLETE, payload: { item }, dedupeKey: `${OWNER_TASK_COMPLETE}:${item}` };
}
