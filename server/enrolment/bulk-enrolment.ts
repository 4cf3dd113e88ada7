import type { SimplePublicObject } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { cryptoRandom } from '../../src/domain/codes';
import type { Program } from '../../src/domain/program';
import type { Actor } from '../http/auth';
import { HubSpotCallFailed } from '../hubspot/gateway';
import { P } from '../hubspot/properties';
import type { Logger } from '../logger';
import { BY_ID_ASCENDING, SEARCH_PAGE_SIZE, enrolmentSearchGroups } from './criteria';
import { enrolmentProperties, type EnrolDeps } from './enrol-contact';
import { reserveEnrolments } from './repository';
import { SearchAhead } from './search-ahead';
import { finishRun, getRun, parseCounts, runView, saveProgress, type RunRow, type RunView } from './runs';

/** HubSpot's batch endpoints take at most 100 inputs. */
export const BATCH_SIZE = 100;
const MAX_LISTED_FAILURES = 100;

export interface BulkDeps extends EnrolDeps {
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** Points where tests (and the benchmark) observe a run or stop it as a crash would. */
export interface BulkHooks {
  /** A page's enrolments are in the ledger; HubSpot is not written yet. */
  afterReserve?(page: number): void | Promise<void>;
  /** One batch update of a page went through. */
  afterBatch?(page: number, batch: number): void | Promise<void>;
  /** Progress was saved (after every page). */
  onProgress?(run: RunView): void;
}

type Contact = Pick<SimplePublicObject, 'id' | 'properties'>;
interface SearchPage {
  total: number;
  results: Contact[];
}

/**
 * Enrols every contact matching the program's criteria that has no referral code yet.
 *
 * Per page of 200 (searched by id order, sliced with `hs_object_id GT cursor`): the enrolments are
 * stored first, then written to HubSpot in batches of 100, then the cursor moves past the page. A
 * crash anywhere leaves the cursor before the page: the resumed run searches again from there,
 * finds the ledger rows (same codes, nothing issued twice) and skips contacts whose write already
 * landed (they have a code now). Searches run up to three pages ahead of the writes, so a run is
 * paced by the search limit rather than by round trips or retries.
 */
export async function executeRun(deps: BulkDeps, program: Program, run: RunRow, actor: Actor, hooks: BulkHooks = {}): Promise<RunView> {
  const { db } = deps.database;
  const dryRun = run.dry_run === 1;
  const counts = parseCounts(run);
  let cursor = run.cursor;
  const segmentStart = deps.clock();
  const activeBefore = counts.activeMs;
  const statsBefore = { ...deps.gateway.stats };
  const track = () => {
    counts.apiCalls += deps.gateway.stats.requests - statsBefore.requests;
    counts.retries += deps.gateway.stats.retries - statsBefore.retries;
    Object.assign(statsBefore, deps.gateway.stats);
    counts.activeMs = activeBefore + (deps.clock() - segmentStart);
  };

  const search = (after: string | null): Promise<SearchPage> =>
    deps.gateway.call('search', `search contacts to enrol in ${program.id}`, (c) =>
      c.crm.contacts.searchApi.doSearch({
        filterGroups: enrolmentSearchGroups(program, after), sorts: BY_ID_ASCENDING, properties: ['firstname', P.code], limit: SEARCH_PAGE_SIZE,
      }),
    );

  /** Counts move per batch that landed, so a crash leaves them exact for the resumed run. */
  const write = async (page: number, batch: number, inputs: Array<{ id: string; properties: Record<string, string>; created: boolean }>) => {
    const done = await updateContacts(deps, inputs.map(({ id, properties }) => ({ id, properties })));
    counts.batchUpdates++;
    counts.seen += inputs.length;
    for (const input of inputs) {
      if (!done.has(input.id)) continue;
      if (input.created) counts.enrolled++;
      else counts.alreadyEnrolled++;
    }
    const failed = inputs.filter((i) => !done.has(i.id)).map((i) => i.id);
    counts.failed += failed.length;
    counts.failedContactIds.push(...failed.slice(0, MAX_LISTED_FAILURES - counts.failedContactIds.length));
    await hooks.afterBatch?.(page, batch);
  };

  const handlePage = async (page: number, contacts: Contact[]) => {
    if (dryRun) {
      const known = await db.selectFrom('enrolments').select('contact_id')
        .where('program_id', '=', program.id).where('contact_id', 'in', contacts.map((c) => c.id)).execute();
      counts.alreadyEnrolled += known.length;
      counts.enrolled += contacts.length - known.length;
      counts.seen += contacts.length;
      return;
    }
    const reserved = await reserveEnrolments(db, {
      program, contacts: contacts.map((c) => ({ id: c.id, firstName: c.properties.firstname })), source: 'bulk', actor,
      publicBaseUrl: deps.publicBaseUrl, now: deps.clock(), random: deps.random ?? cryptoRandom,
    });
    await hooks.afterReserve?.(page);
    const inputs = contacts.map((c) => {
      const { row, created } = reserved.get(c.id)!;
      return { id: c.id, properties: enrolmentProperties(row), created };
    });
    const batches: Array<typeof inputs> = [];
    for (let i = 0; i < inputs.length; i += BATCH_SIZE) batches.push(inputs.slice(i, i + BATCH_SIZE));
    // Let every batch of the page settle before reporting a failure, so the saved counts include all that landed.
    const outcomes = await Promise.allSettled(batches.map((b, i) => write(page, i, b)));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failure) throw failure.reason;
  };

  // Searches run ahead of the writes (a crash discards the pages fetched ahead: the searches a resume repeats).
  const pages = new SearchAhead<SearchPage>(async (after) => {
    const found = await search(after);
    const last = found.results[found.results.length - 1];
    return { page: found, next: last && found.total > found.results.length ? last.id : null };
  }, cursor);
  try {
    for (let page = 1; ; page++) {
      const found = await pages.next();
      if (!found) break;
      counts.searches++;
      const contacts: Contact[] = found.results;
      const last: Contact | undefined = contacts[contacts.length - 1];
      if (!last) break;
      await handlePage(page, contacts);
      counts.remaining = Math.max(0, found.total - contacts.length);
      cursor = last.id;
      track();
      await saveProgress(db, run.id, cursor, counts, deps.clock());
      hooks.onProgress?.(runView(await getRun(db, run.id)));
    }
    counts.remaining = 0;
    track();
    await finishRun(db, run.id, 'done', counts, deps.clock());
    deps.logger.info({ run: run.id, program: program.id, counts: { ...counts, failedContactIds: undefined } }, 'enrolment run finished');
  } catch (err) {
    pages.stop();
    track();
    counts.lastError = err instanceof Error ? err.message : String(err);
    await finishRun(db, run.id, 'failed', counts, deps.clock()).catch(() => undefined);
    throw err;
  }
  return runView(await getRun(db, run.id));
}

/**
 * One batch update; ids HubSpot did not update are retried one by one so a single bad record
 * (deleted meanwhile, say) costs itself, not its 99 neighbours. Returns the ids now written.
 * Temporary failures that outlast the gateway's retries stop the run (it resumes later).
 */
async function updateContacts(deps: BulkDeps, inputs: Array<{ id: string; properties: Record<string, string> }>): Promise<Set<string>> {
  const done = new Set<string>();
  try {
    const result = await deps.gateway.call('write', `update ${inputs.length} contacts`, (c) => c.crm.contacts.batchApi.update({ inputs }));
    for (const r of result.results) done.add(r.id);
  } catch (err) {
    if (!isPermanent(err)) throw err;
    deps.logger.warn({ error: (err as Error).message }, 'batch update refused; updating its contacts one by one');
  }
  for (const input of inputs.filter((i) => !done.has(i.id))) {
    try {
      await deps.gateway.call('write', `update contact ${input.id}`, (c) => c.crm.contacts.basicApi.update(input.id, { properties: input.properties }));
      done.add(input.id);
    } catch (err) {
      if (!isPermanent(err)) throw err;
      deps.logger.warn({ contactId: input.id, error: (err as Error).message }, 'contact could not be enrolled in HubSpot');
    }
  }
  return done;
}

function isPermanent(err: unknown): boolean {
  return err instanceof HubSpotCallFailed && err.status !== undefined && err.status >= 400 && err.status < 500 && err.status !== 429;
}
