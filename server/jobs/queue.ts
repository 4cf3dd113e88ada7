import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { DatabaseHandle } from '../db/database';
import type { Database, JobTable } from '../db/schema';
import type { Logger } from '../logger';
import { PollingLoop } from './polling-loop';

/**
 * Durable jobs: HubSpot writes, callback completions and fulfilments are inserted in the same
 * transaction as the ledger change that needs them, then run until they succeed. Several service
 * replicas may run workers against one PostgreSQL: claiming uses SKIP LOCKED, so a job runs on one.
 */
export type JobRow = Selectable<JobTable>;

export interface NewJob {
  kind: string;
  payload: unknown;
  /** At most one pending job per key; a later enqueue with the same key is a no-op until it ran. */
  dedupeKey?: string;
  runAt?: number;
}

/** Queues one job or several (one statement); a job whose dedupe key is already queued is skipped. */
export async function enqueue(trx: Kysely<Database> | Transaction<Database>, jobs: NewJob | NewJob[], now: number): Promise<void> {
  const list = Array.isArray(jobs) ? jobs : [jobs];
  if (list.length === 0) return;
  await trx
    .insertInto('jobs')
    .values(
      list.map((job) => ({
        kind: job.kind,
        dedupe_key: job.dedupeKey ?? null,
        payload: JSON.stringify(job.payload),
        status: 'pending' as const,
        attempts: 0,
        run_at: job.runAt ?? now,
        locked_by: null,
        locked_until: null,
        last_error: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

export type JobHandler = (payload: unknown, job: JobRow) => Promise<void>;

/**
 * Runs the due jobs of one kind together (one HubSpot call for many records). Returns each job's
 * outcome in order: undefined when it succeeded, else the error it failed with.
 */
export type BatchJobHandler = (jobs: Array<{ payload: unknown; job: JobRow }>) => Promise<Array<unknown>>;

export class RetryLater extends Error {
  constructor(readonly afterMs: number, message: string) {
    super(message);
  }
}

/** The job cannot succeed any more: it is dead now, whatever its attempt count (and `onDead` runs). */
export class GiveUp extends Error {}

export interface WorkerOptions {
  handlers: Record<string, JobHandler>;
  batchHandlers?: Record<string, BatchJobHandler>;
  clock: () => number;
  logger: Logger;
  maxAttempts?: number;
  /** How long a claim lasts before another worker may take the job (a crashed worker's jobs come back). */
  leaseMs?: number;
  /** Called once when a job gives up, e.g. to raise a task for the program owner. */
  onDead?: (job: JobRow, error: string) => Promise<void>;
}

/** Exponential backoff with a ceiling: 2 s, 4 s, … up to 1 h. */
export function backoffMs(attempts: number): number {
  return Math.min(2000 * 2 ** Math.max(0, attempts - 1), 3_600_000);
}

export class JobWorker {
  private readonly id = `worker-${randomUUID().slice(0, 8)}`;
  private readonly loop: PollingLoop;
  private readonly kinds: string[];

  constructor(private readonly database: DatabaseHandle, private readonly opts: WorkerOptions) {
    this.loop = new PollingLoop(() => this.runDue(), opts.logger, 'job worker tick failed');
    this.kinds = [...Object.keys(opts.handlers), ...Object.keys(opts.batchHandlers ?? {})];
  }

  /** Claim and run every due job once; returns how many ran. Tests call this directly. */
  async runDue(limit = 100): Promise<number> {
    const jobs = await this.claim(limit);
    const batches = new Map<string, JobRow[]>();
    for (const job of jobs) {
      if (!this.opts.batchHandlers?.[job.kind]) await this.runOne(job);
      else if (batches.has(job.kind)) batches.get(job.kind)!.push(job);
      else batches.set(job.kind, [job]);
    }
    for (const [kind, batch] of batches) await this.runBatch(this.opts.batchHandlers![kind]!, batch);
    return jobs.length;
  }

  /** Run until no job is due (jobs may enqueue follow-up jobs). */
  async drain(maxRounds = 20): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.runDue()) === 0) return;
  }

  start(intervalMs = 1000): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async claim(limit: number): Promise<JobRow[]> {
    const now = this.opts.clock();
    const lease = now + (this.opts.leaseMs ?? 60_000);
    const { db, dialect } = this.database;
    const due = db
      .selectFrom('jobs')
      .select('id')
      .where('status', '=', 'pending')
      // Only kinds this worker can run: another worker may handle the rest.
      .where('kind', 'in', this.kinds)
      .where('run_at', '<=', now)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
      .orderBy('run_at')
      .limit(limit);
    // SQLite has one writer at a time, so the update is already exclusive there.
    const dueIds = dialect === 'postgres' ? due.modifyEnd(sql`for update skip locked`) : due;
    return db
      .updateTable('jobs')
      .set({ locked_by: this.id, locked_until: lease, updated_at: now })
      .where('id', 'in', dueIds)
      .returningAll()
      .execute();
  }

  private async runOne(job: JobRow): Promise<void> {
    const handler = this.opts.handlers[job.kind]!;
    try {
      await handler(JSON.parse(job.payload), job);
      await this.succeeded(job);
    } catch (err) {
      await this.failed(job, err);
    }
  }

  private async runBatch(handler: BatchJobHandler, jobs: JobRow[]): Promise<void> {
    let outcomes: unknown[];
    try {
      outcomes = await handler(jobs.map((job) => ({ payload: JSON.parse(job.payload), job })));
    } catch (err) {
      outcomes = jobs.map(() => err);
    }
    for (const [i, job] of jobs.entries()) {
      const outcome = outcomes[i];
      if (outcome === undefined) await this.succeeded(job);
      else await this.failed(job, outcome);
    }
  }

  /**
   * Settles a job only while this worker's claim on it still stands: a worker that outlived its
   * lease may find the job reclaimed (and perhaps settled) by another, whose outcome must not be
   * overwritten. The claim is this worker's id with the lease it set, so an older claim of the same
   * worker does not count either.
   */
  private async settle(job: JobRow, changes: Updateable<JobTable>): Promise<boolean> {
    const result = await this.database.db
      .updateTable('jobs')
      .set(changes)
      .where('id', '=', job.id)
      .where('locked_by', '=', this.id)
      .where('locked_until', '=', job.locked_until)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return true;
    this.opts.logger.warn(
      { job: { id: job.id, kind: job.kind }, worker: this.id },
      'job outcome discarded: this worker\'s lease ran out and the job was claimed again',
    );
    return false;
  }

  private async succeeded(job: JobRow): Promise<void> {
    // Clearing the key lets the same kind of work be queued again later.
    await this.settle(job, {
      status: 'done', dedupe_key: null, attempts: job.attempts + 1, locked_by: null, locked_until: null, last_error: null, updated_at: this.opts.clock(),
    });
  }

  private async failed(job: JobRow, err: unknown): Promise<void> {
    const now = this.opts.clock();
    const message = err instanceof Error ? err.message : String(err);
    const attempts = job.attempts + 1;
    const dead = err instanceof GiveUp || attempts >= (this.opts.maxAttempts ?? 12);
    const delay = err instanceof RetryLater ? err.afterMs : backoffMs(attempts);
    const settled = await this.settle(job, {
      status: dead ? 'dead' : 'pending',
      dedupe_key: dead ? null : job.dedupe_key,
      attempts,
      run_at: now + delay,
      locked_by: null,
      locked_until: null,
      last_error: message.slice(0, 2000),
      updated_at: now,
    });
    if (!settled) return;
    this.opts.logger.warn({ job: { id: job.id, kind: job.kind, attempts }, error: message }, dead ? 'job gave up' : 'job will retry');
    if (dead && this.opts.onDead) await this.opts.onDead(job, message);
  }
}
