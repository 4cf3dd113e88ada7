import type { Program } from '../../src/app/packages/domain/program';
import type { Actor } from '../ledger/actor';
import type { Logger } from '../logger';
import { enrolPage, searchRange, type PageDeps, type PageHooks } from './bulk-page';
import { rangesFit } from './criteria';
import { RangeWalks } from './range-walks';
import { RunState } from './run-state';
import type { RunRow, RunView } from './runs';

export { BATCH_SIZE } from './bulk-page';

export interface BulkDeps extends PageDeps {
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Id ranges walked in parallel (default `PARALLEL_RANGES`). */
  parallelRanges?: number;
}

/**
 * Three chains keep HubSpot's 5 searches a second busy while one of them waits out a retry (an
 * injected or real 429 without Retry-After costs a chain a second); more only adds partial last pages.
 */
export const PARALLEL_RANGES = 3;

/** Points where tests (and the benchmark) observe a run or stop it as a crash would. */
export interface BulkHooks extends PageHooks {
  /** Progress was saved (after every page). */
  onProgress?(run: RunView): void;
}

/**
 * Enrols every contact matching the program's criteria that has no referral code yet.
 *
 * The id space is walked as up to `PARALLEL_RANGES` disjoint ranges in parallel (range-walks.ts).
 * Per page of 200 (searched by id order, sliced with `hs_object_id GT cursor` and `LTE end`), the
 * steps of bulk-page.ts: the enrolments are stored first, then written to HubSpot in batches of
 * 100, then the range's cursor moves past the page. A crash anywhere leaves each cursor before its
 * page: the resumed run searches again from there, finds the ledger rows (same codes, nothing
 * issued twice) and skips contacts whose write already landed (they have a code now).
 */
export async function executeRun(deps: BulkDeps, program: Readonly<Program>, run: RunRow, actor: Actor, hooks: BulkHooks = {}): Promise<RunView> {
  const state = new RunState({ db: deps.database.db, gateway: deps.gateway, clock: deps.clock }, run, hooks.onProgress);
  const walks = new RangeWalks({
    state,
    parallel: rangesFit(program) ? Math.max(1, deps.parallelRanges ?? PARALLEL_RANGES) : 1,
    search: (range, sorts, limit, properties) => searchRange(deps, state, program, range, sorts, limit, properties),
    handlePage: (page, contacts) => enrolPage(deps, state, program, actor, page, contacts, hooks),
  });
  const failure = await walks.walkAll();
  if (failure) {
    await state.fail(failure.error);
    throw failure.error;
  }
  const view = await state.finish();
  deps.logger.info({ run: run.id, program: program.id, counts: { ...state.counts, failedContactIds: undefined } }, 'enrolment run finished');
  return view;
}
