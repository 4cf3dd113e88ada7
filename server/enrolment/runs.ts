import type { Kysely, Selectable } from 'kysely';
import type { BulkRunTable, Database } from '../db/schema';
import { AppError } from '../errors';
import { newId } from '../ids';

/**
 * Bulk enrolment runs and their durable progress. A run belongs to the process that last touched
 * it (`updated_at` is its heartbeat, renewed every page); a run whose process stopped — crashed,
 * killed, or failed — is taken over by the next start for the same program and resumes at its
 * cursor instead of starting again.
 */
export type RunRow = Selectable<BulkRunTable>;

export const RUN_KIND = 'enrolment';
/** A running run not heard from for this long is presumed dead and may be taken over. */
export const RUN_LEASE_MS = 30_000;

export interface RunCounts {
  /** Contacts returned by searches and handled. */
  seen: number;
  /** Contacts given a code in this run (dry run: would be). */
  enrolled: number;
  /** Contacts that already had an enrolment in the ledger; their code was written back (dry run: would be). */
  alreadyEnrolled: number;
  /** Contacts HubSpot refused to update (after retries); listed in failedContactIds (first 100). */
  failed: number;
  failedContactIds: string[];
  searches: number;
  batchUpdates: number;
  /** HubSpot requests sent, retries included. */
  apiCalls: number;
  retries: number;
  /** Matching contacts not yet handled, from the last search's total. */
  remaining: number | null;
  /** Milliseconds spent running, across resumes (rate and ETA use it). */
  activeMs: number;
  resumes: number;
  lastError: string | null;
}

export const emptyCounts = (): RunCounts => ({
  seen: 0, enrolled: 0, alreadyEnrolled: 0, failed: 0, failedContactIds: [], searches: 0, batchUpdates: 0,
  apiCalls: 0, retries: 0, remaining: null, activeMs: 0, resumes: 0, lastError: null,
});

export function parseCounts(row: Pick<RunRow, 'counts'>): RunCounts {
  return { ...emptyCounts(), ...(JSON.parse(row.counts) as Partial<RunCounts>) };
}

/** Progress as the API and the CLI show it. */
export interface RunView {
  id: string;
  programId: string;
  status: RunRow['status'];
  dryRun: boolean;
  cursor: string | null;
  counts: RunCounts;
  /** Contacts handled per second of running time. */
  ratePerSecond: number | null;
  etaSeconds: number | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export function runView(row: RunRow): RunView {
  const counts = parseCounts(row);
  const handled = counts.enrolled + counts.alreadyEnrolled + counts.failed;
  const rate = counts.activeMs > 0 && handled > 0 ? handled / (counts.activeMs / 1000) : null;
  const eta = row.status === 'done' ? 0 : rate && counts.remaining !== null ? counts.remaining / rate : null;
  return {
    id: row.id,
    programId: row.program_id,
    status: row.status,
    dryRun: row.dry_run === 1,
    cursor: row.cursor,
    counts,
    ratePerSecond: rate === null ? null : Math.round(rate * 10) / 10,
    etaSeconds: eta === null ? null : Math.ceil(eta),
    startedAt: new Date(row.started_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at).toISOString(),
  };
}

export async function getRun(db: Kysely<Database>, id: string): Promise<RunRow> {
  const row = await db.selectFrom('bulk_runs').selectAll().where('id', '=', id).where('kind', '=', RUN_KIND).executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', `No enrolment run with id "${id}"`);
  return row;
}

export type ClaimResult =
  | { kind: 'new' | 'resumed'; run: RunRow }
  /** Another process is running one for this program right now. */
  | { kind: 'busy'; run: RunRow };

/**
 * Starts a run for the program, or takes over its unfinished one (dry runs are never resumed: they
 * change nothing, so starting over costs only searches). The takeover is a compare-and-set on the
 * heartbeat, so two processes cannot both resume the same run.
 */
export async function claimRun(db: Kysely<Database>, programId: string, dryRun: boolean, now: number): Promise<ClaimResult> {
  if (!dryRun) {
    const open = await db.selectFrom('bulk_runs').selectAll()
      .where('program_id', '=', programId).where('kind', '=', RUN_KIND).where('dry_run', '=', 0)
      .where('status', 'in', ['running', 'failed'])
      .orderBy('started_at', 'desc').executeTakeFirst();
    if (open) {
      if (open.status === 'running' && now - open.updated_at < RUN_LEASE_MS) return { kind: 'busy', run: open };
      const counts = parseCounts(open);
      const taken = await db.updateTable('bulk_runs')
        .set({ status: 'running', updated_at: now, counts: JSON.stringify({ ...counts, resumes: counts.resumes + 1, lastError: null }) })
        .where('id', '=', open.id).where('updated_at', '=', open.updated_at).where('status', '=', open.status)
        .executeTakeFirst();
      const run = await getRun(db, open.id);
      return Number(taken.numUpdatedRows) === 1 ? { kind: 'resumed', run } : { kind: 'busy', run };
    }
  }
  const run: RunRow = {
    id: newId('run'), program_id: programId, kind: RUN_KIND, status: 'running', dry_run: dryRun ? 1 : 0,
    cursor: null, counts: JSON.stringify(emptyCounts()), started_at: now, updated_at: now, finished_at: null,
  };
  await db.insertInto('bulk_runs').values(run).execute();
  return { kind: 'new', run };
}

export async function saveProgress(db: Kysely<Database>, id: string, cursor: string | null, counts: RunCounts, now: number): Promise<void> {
  await db.updateTable('bulk_runs').set({ cursor, counts: JSON.stringify(counts), updated_at: now }).where('id', '=', id).execute();
}

export async function finishRun(db: Kysely<Database>, id: string, status: 'done' | 'failed', counts: RunCounts, now: number): Promise<void> {
  await db.updateTable('bulk_runs')
    .set({ status, counts: JSON.stringify(counts), updated_at: now, finished_at: status === 'done' ? now : null })
    .where('id', '=', id).execute();
}
