import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { GatewayStats } from '../hubspot/gateway';
import { formatCursor, parseCursor, type IdRange } from './id-ranges';
import { finishRun, getRun, parseCounts, runView, saveProgress, type RunCounts, type RunRow, type RunView } from './runs';

/** How many refused contact ids a run lists; the count covers the rest. */
export const MAX_LISTED_FAILURES = 100;

export interface RunStateDeps {
  db: Kysely<Database>;
  /** The gateway the run's HubSpot calls go through: its counters become the run's API calls and retries. */
  gateway: { readonly stats: Readonly<GatewayStats> };
  clock: () => number;
}

/** A contact of a page as written back: `created` says whether this run gave it its code. */
export interface ContactWrite {
  id: string;
  properties: Record<string, string>;
  created: boolean;
}

/**
 * What a bulk run knows while it runs: its counts, the id ranges it has still to walk (its cursor),
 * and the saving of both as progress. Counts move only for work that is done (a search answered, a
 * batch that landed), so whatever a crash leaves saved is exact for the run that resumes it.
 */
export class RunState {
  readonly counts: RunCounts;
  /** The id ranges left to walk; the walks move their starts and split them in place. */
  readonly ranges: IdRange[];
  private readonly segmentStart: number;
  private readonly activeBefore: number;
  private readonly statsSeen: { requests: number; retries: number };
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: RunStateDeps, readonly run: RunRow, private readonly onProgress?: (run: RunView) => void) {
    this.counts = parseCounts(run);
    this.ranges = parseCursor(run.cursor);
    this.segmentStart = deps.clock();
    this.activeBefore = this.counts.activeMs;
    this.statsSeen = { requests: deps.gateway.stats.requests, retries: deps.gateway.stats.retries };
  }

  get dryRun(): boolean {
    return this.run.dry_run === 1;
  }

  /** Folds the HubSpot calls made and the time spent since the last fold into the counts. */
  track(): void {
    const { stats } = this.deps.gateway;
    this.counts.apiCalls += stats.requests - this.statsSeen.requests;
    this.counts.retries += stats.retries - this.statsSeen.retries;
    this.statsSeen.requests = stats.requests;
    this.statsSeen.retries = stats.retries;
    // Time of earlier segments comes from the stored counts: a resumed run's rate spans all of them.
    this.counts.activeMs = this.activeBefore + (this.deps.clock() - this.segmentStart);
  }

  countSearch(): void {
    this.counts.searches++;
  }

  /** One batch update went through; `written` holds the ids HubSpot took, the others failed. */
  countBatch(inputs: readonly ContactWrite[], written: ReadonlySet<string>): void {
    const c = this.counts;
    c.batchUpdates++;
    c.seen += inputs.length;
    for (const input of inputs) {
      if (!written.has(input.id)) continue;
      if (input.created) c.enrolled++;
      else c.alreadyEnrolled++;
    }
    const failed = inputs.filter((i) => !written.has(i.id)).map((i) => i.id);
    c.failed += failed.length;
    c.failedContactIds.push(...failed.slice(0, Math.max(0, MAX_LISTED_FAILURES - c.failedContactIds.length)));
  }

  /** A dry run's page: `known` of its `contacts` already have a ledger row, the rest would be enrolled. */
  countDryRunPage(contacts: number, known: number): void {
    this.counts.alreadyEnrolled += known;
    this.counts.enrolled += contacts - known;
    this.counts.seen += contacts;
  }

  /**
   * Saves counts and cursor. Saves run one after another, each writing the state as it is when its
   * turn comes (`remaining` is asked then too), so the last save is the newest.
   */
  save(remaining: () => number): Promise<void> {
    this.saving = this.saving.catch(() => undefined).then(async () => {
      this.track();
      this.counts.remaining = remaining();
      await saveProgress(this.deps.db, this.run.id, formatCursor(this.ranges), this.counts, this.deps.clock());
      this.onProgress?.(runView(await getRun(this.deps.db, this.run.id)));
    });
    return this.saving;
  }

  /** Waits for the saves under way; a save that failed has already failed the walk that asked for it. */
  settled(): Promise<void> {
    return this.saving.catch(() => undefined);
  }

  /** Every range is walked: the run is done, with nothing remaining. */
  async finish(): Promise<RunView> {
    this.counts.remaining = 0;
    this.track();
    await saveProgress(this.deps.db, this.run.id, formatCursor(this.ranges), this.counts, this.deps.clock());
    await finishRun(this.deps.db, this.run.id, 'done', this.counts, this.deps.clock());
    return runView(await getRun(this.deps.db, this.run.id));
  }

  /**
   * The run stopped on `error`: marked failed with its reason, so the next start resumes it at once.
   * The cursor is the last one saved, which lies before every page not fully written.
   */
  async fail(error: unknown): Promise<void> {
    this.track();
    this.counts.lastError = error instanceof Error ? error.message : String(error);
    // The database may be what failed; the run is then taken over once its heartbeat is old.
    await finishRun(this.deps.db, this.run.id, 'failed', this.counts, this.deps.clock()).catch(() => undefined);
  }
}
