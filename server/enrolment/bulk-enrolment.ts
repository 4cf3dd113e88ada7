import type { SimplePublicObject } from '@hubspot/api-client/lib/codegen/crm/contacts';
import { cryptoRandom } from '../../src/app/packages/domain/codes';
import type { Program } from '../../src/app/packages/domain/program';
import type { Actor } from '../ledger/actor';
import { HubSpotCallFailed } from '../hubspot/gateway';
import { P } from '../hubspot/properties';
import type { Logger } from '../logger';
import { BULK_PROPERTIES, BY_ID_ASCENDING, BY_ID_DESCENDING, SEARCH_PAGE_SIZE, enrolmentSearch, rangesFit } from './criteria';
import { enrolmentProperties, type EnrolDeps } from './enrol-contact';
import { formatCursor, inRange, parseCursor, splitRange, type IdRange } from './id-ranges';
import { reserveEnrolments } from './repository';
import { SearchAhead } from './search-ahead';
import { finishRun, getRun, parseCounts, runView, saveProgress, type RunRow, type RunView } from './runs';

/** HubSpot's batch endpoints take at most 100 inputs. */
export const BATCH_SIZE = 100;
const MAX_LISTED_FAILURES = 100;

export interface BulkDeps extends EnrolDeps {
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Id ranges walked in parallel (default `PARALLEL_RANGES`). */
  parallelRanges?: number;
}

/**
 * Three chains keep HubSpot's 5 searches a second busy while one of them waits out a retry (an
 * injected or real 429 without Retry-After costs a chain a second); more only adds partial last pages.
 */
export const PARALLEL_RANGES = 3;
/** A range is split only when every part gets at least this many pages: a split costs a partial page. */
const MIN_PAGES_PER_RANGE = 2;
/** Pages each walk searches ahead of its writes. */
const SEARCH_DEPTH = 2;

/** Points where tests (and the benchmark) observe a run or stop it as a crash would. */
export interface BulkHooks {
  /** A page's enrolments are in the ledger; HubSpot is not written yet. Pages are numbered in the order they are handled. */
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

/** One id range being searched and enrolled page by page. */
interface Walk {
  range: IdRange;
  /** The last id its searches have reached (pages fetched ahead included): a split starts above it. */
  searchedTo: string | null;
  /** Matching contacts estimated left in the range (for the ETA and for choosing what to split). */
  left: number;
  pages: SearchAhead<SearchPage>;
  finished: Promise<void>;
  active: boolean;
}

/**
 * Enrols every contact matching the program's criteria that has no referral code yet.
 *
 * The id space is walked as up to `PARALLEL_RANGES` disjoint ranges in parallel (see id-ranges.ts):
 * a first search sorted by id descending finds the highest matching id, and what lies above the
 * first walk's position is cut into ranges of equal id width; a walk that finishes early takes
 * half of the largest range left. Per page of 200 (searched by id order, sliced with
 * `hs_object_id GT cursor` and `LTE end`): the enrolments are stored first, then written to HubSpot
 * in batches of 100, then the range's cursor moves past the page. A crash anywhere leaves each
 * cursor before its page: the resumed run searches again from there, finds the ledger rows (same
 * codes, nothing issued twice) and skips contacts whose write already landed (they have a code now).
 */
export async function executeRun(deps: BulkDeps, program: Program, run: RunRow, actor: Actor, hooks: BulkHooks = {}): Promise<RunView> {
  const { db } = deps.database;
  const dryRun = run.dry_run === 1;
  const counts = parseCounts(run);
  const ranges = parseCursor(run.cursor);
  const parallel = rangesFit(program) ? Math.max(1, deps.parallelRanges ?? PARALLEL_RANGES) : 1;
  const segmentStart = deps.clock();
  const activeBefore = counts.activeMs;
  const statsBefore = { ...deps.gateway.stats };
  const track = () => {
    counts.apiCalls += deps.gateway.stats.requests - statsBefore.requests;
    counts.retries += deps.gateway.stats.retries - statsBefore.retries;
    Object.assign(statsBefore, deps.gateway.stats);
    counts.activeMs = activeBefore + (deps.clock() - segmentStart);
  };
  const walks: Walk[] = [];
  let pageNumber = 0;
  let failure: { error: unknown } | undefined;
  /** Highest matching id seen by the first search, to split a range that has no end. */
  let highest: string | null = null;

  const search = async (range: IdRange, sorts: string[], limit: number, properties: string[]): Promise<SearchPage> => {
    // Built outside the call: criteria that do not fit are refused at once, not retried as a failed call.
    const body = enrolmentSearch(program, range, sorts, limit, properties);
    const found = await deps.gateway.call('search', `search contacts to enrol in ${program.id}`, (c) => c.crm.contacts.searchApi.doSearch(body));
    counts.searches++;
    return found;
  };

  // Saves run one after another, each writing the state as it is then, so the last save is the newest.
  let saving: Promise<void> = Promise.resolve();
  const save = (): Promise<void> => {
    saving = saving.catch(() => undefined).then(async () => {
      track();
      counts.remaining = walks.filter((w) => w.active).reduce((n, w) => n + w.left, 0);
      await saveProgress(db, run.id, formatCursor(ranges), counts, deps.clock());
      hooks.onProgress?.(runView(await getRun(db, run.id)));
    });
    return saving;
  };

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
    counts.failedContactIds.push(...failed.slice(0, Math.max(0, MAX_LISTED_FAILURES - counts.failedContactIds.length)));
    await hooks.afterBatch?.(page, batch);
  };

  const handlePage = async (page: number, found: Contact[]) => {
    const contacts = await withoutCodesNow(deps, found);
    if (contacts.length === 0) return;
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
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  };

  const fail = (error: unknown) => {
    failure ??= { error };
    for (const walk of walks) walk.pages.stop();
  };

  const startWalk = (range: IdRange, left: number) => {
    const walk = { range, searchedTo: range.after, left, active: true } as Walk;
    // Searches run ahead of the writes (a crash discards the pages fetched ahead: the searches a resume repeats).
    walk.pages = new SearchAhead<SearchPage>(async (after) => {
      const found = await search({ after, upTo: walk.range.upTo }, BY_ID_ASCENDING, SEARCH_PAGE_SIZE, BULK_PROPERTIES);
      // A split while this search was out may have moved the range's end below some of what it found.
      const results = found.results.filter((c) => inRange({ after: null, upTo: walk.range.upTo }, c.id));
      const last = results[results.length - 1];
      if (last) walk.searchedTo = last.id;
      const more = last !== undefined && results.length === found.results.length && found.total > found.results.length;
      return { page: { total: found.total, results }, next: more ? last.id : null };
    }, range.after, SEARCH_DEPTH);
    walk.finished = consume(walk);
    walks.push(walk);
  };

  const consume = async (walk: Walk): Promise<void> => {
    try {
      for (;;) {
        const found = await walk.pages.next();
        if (!found || failure) break;
        const last = found.results[found.results.length - 1];
        if (last) {
          await handlePage(++pageNumber, found.results);
          walk.range.after = last.id;
        }
        walk.left = Math.max(0, found.total - found.results.length);
        await save();
      }
      if (failure) return;
      walk.active = false;
      ranges.splice(ranges.indexOf(walk.range), 1);
      splitLargest();
      await save();
    } catch (err) {
      fail(err);
    }
  };

  /** A walk ended: give half of the largest range left to a new walk, so all ranges end together. */
  const splitLargest = () => {
    const running = walks.filter((w) => w.active);
    if (running.length >= parallel) return;
    const largest = running.reduce<Walk | undefined>((big, w) => (!big || w.left > big.left ? w : big), undefined);
    const end = largest?.range.upTo ?? highest;
    if (!largest || end === null || largest.left < 2 * MIN_PAGES_PER_RANGE * SEARCH_PAGE_SIZE) return;
    const parts = splitRange(largest.range, largest.searchedTo, end, 2);
    if (parts.length < 2) return;
    largest.left = Math.floor(largest.left / 2);
    divide(largest, parts, largest.left);
  };

  /** Narrows a walk to the first part and starts walks on the others. */
  const divide = (walk: Walk, parts: IdRange[], leftEach: number) => {
    walk.range.upTo = parts[0]!.upTo;
    for (const part of parts.slice(1)) {
      ranges.push(part);
      startWalk(part, leftEach);
    }
  };

  /** Finds the highest matching id of the open-ended range and cuts it into parallel ranges. */
  const planRanges = async () => {
    const open = walks.find((w) => w.active && w.range.upTo === null);
    if (!open || walks.length >= parallel) return;
    const top = await search(open.range, BY_ID_DESCENDING, 1, ['hs_object_id']);
    highest = top.results[0]?.id ?? null;
    const pages = Math.floor(top.total / SEARCH_PAGE_SIZE);
    const parts = Math.min(parallel - walks.filter((w) => w.active).length + 1, Math.floor(pages / MIN_PAGES_PER_RANGE));
    if (highest === null || !open.active || failure || parts < 2) return;
    const cut = splitRange(open.range, open.searchedTo, highest, parts);
    if (cut.length < 2) return;
    divide(open, cut, Math.floor(top.total / cut.length));
    open.left = Math.floor(top.total / cut.length);
    await save();
  };

  for (const range of ranges) startWalk(range, 0);
  await planRanges().catch(fail);
  // Walks started meanwhile are appended, so this waits for them too.
  for (let i = 0; i < walks.length; i++) await walks[i]!.finished;
  await saving.catch(() => undefined);

  if (failure) {
    const err = failure.error;
    track();
    counts.lastError = err instanceof Error ? err.message : String(err);
    await finishRun(db, run.id, 'failed', counts, deps.clock()).catch(() => undefined);
    throw err;
  }
  counts.remaining = 0;
  track();
  await saveProgress(db, run.id, formatCursor(ranges), counts, deps.clock());
  await finishRun(db, run.id, 'done', counts, deps.clock());
  deps.logger.info({ run: run.id, program: program.id, counts: { ...counts, failedContactIds: undefined } }, 'enrolment run finished');
  return runView(await getRun(db, run.id));
}

/**
 * Search lags behind writes (a minute after an update, in the sandbox's model), so a page may hold
 * contacts given a code moments ago: by this run before a crash, the workflow action, another
 * program. The index still shows them without one. Those the ledger knows are read back (reads are
 * not delayed) and dropped when they have a code now, as a fresh index would have left them out;
 * contacts unknown to the ledger cannot have been given a code by this service, so a fresh run
 * reads nothing back.
 */
async function withoutCodesNow(deps: BulkDeps, contacts: Contact[]): Promise<Contact[]> {
  if (contacts.length === 0) return contacts;
  const known = await deps.database.db.selectFrom('enrolments').select('contact_id').distinct()
    .where('contact_id', 'in', contacts.map((c) => c.id)).execute();
  if (known.length === 0) return contacts;
  const coded = new Set<string>();
  for (let i = 0; i < known.length; i += BATCH_SIZE) {
    const inputs = known.slice(i, i + BATCH_SIZE).map((k) => ({ id: k.contact_id }));
    const read = await deps.gateway.call('read', `read the referral codes of ${inputs.length} contacts`, (c) =>
      c.crm.contacts.batchApi.read({ inputs, properties: [P.code], propertiesWithHistory: [] }));
    for (const contact of read.results) if (contact.properties[P.code]) coded.add(contact.id);
  }
  return contacts.filter((c) => !coded.has(c.id));
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
