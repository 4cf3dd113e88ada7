import { BULK_PROPERTIES, BY_ID_ASCENDING, BY_ID_DESCENDING, SEARCH_PAGE_SIZE } from './criteria';
import { inRange, splitRange, type IdRange } from './id-ranges';
import type { Contact, SearchPage } from './bulk-page';
import type { RunState } from './run-state';
import { SearchAhead } from './search-ahead';

/** A range is split only when every part gets at least this many pages: a split costs a partial page. */
const MIN_PAGES_PER_RANGE = 2;
/** Pages each walk searches ahead of its writes. */
const SEARCH_DEPTH = 2;

export interface RangeWalksOptions {
  state: RunState;
  /** Most walks at once. */
  parallel: number;
  /** One search of the run's contacts inside a range. */
  search(range: IdRange, sorts: string[], limit: number, properties: string[]): Promise<SearchPage>;
  /** Handles one page; pages are numbered from 1 in the order they are handled. */
  handlePage(page: number, contacts: Contact[]): Promise<void>;
}

/** One id range being searched and handled page by page. */
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
 * Walks the run's id ranges (see id-ranges.ts) in parallel, up to `parallel` at once. A first
 * search sorted by id descending finds the highest matching id, and what lies above the first
 * walk's position is cut into ranges of equal id width; a walk that finishes early takes half of
 * the largest range left. A range's start moves past a page only once the page is handled, and
 * progress is saved after every page, so a crash leaves each saved cursor before its page.
 */
export class RangeWalks {
  private readonly walks: Walk[] = [];
  private pageNumber = 0;
  private failure: { error: unknown } | undefined;
  /** Highest matching id seen by the first search, to split a range that has no end. */
  private highest: string | null = null;

  constructor(private readonly opts: RangeWalksOptions) {}

  /** Walks every range to its end, or until something fails: then returns that failure. */
  async walkAll(): Promise<{ error: unknown } | undefined> {
    const planned = await this.planRanges().catch((err: unknown) => { this.fail(err); return undefined; });
    if (this.failure) return this.failure;
    for (const range of [...this.opts.state.ranges]) this.startWalk(range, planned?.get(range) ?? 0);
    if (planned) await this.save();
    // Walks started meanwhile are appended, so this waits for them too.
    for (let i = 0; i < this.walks.length; i++) await this.walks[i]!.finished;
    await this.opts.state.settled();
    return this.failure;
  }

  private save(): Promise<void> {
    return this.opts.state.save(() => this.walks.filter((w) => w.active).reduce((n, w) => n + w.left, 0));
  }

  private fail(error: unknown): void {
    this.failure ??= { error };
    for (const walk of this.walks) walk.pages.stop();
  }

  private startWalk(range: IdRange, left: number): void {
    const walk = { range, searchedTo: range.after, left, active: true } as Walk;
    // Searches run ahead of the handling (a crash discards the pages fetched ahead: the searches a resume repeats).
    walk.pages = new SearchAhead<SearchPage>(async (after) => {
      const found = await this.opts.search({ after, upTo: walk.range.upTo }, BY_ID_ASCENDING, SEARCH_PAGE_SIZE, BULK_PROPERTIES);
      // A split while this search was out may have moved the range's end below some of what it found.
      const results = found.results.filter((c) => inRange({ after: null, upTo: walk.range.upTo }, c.id));
      const last = results[results.length - 1];
      if (last) walk.searchedTo = last.id;
      const more = last !== undefined && results.length === found.results.length && found.total > found.results.length;
      return { page: { total: found.total, results }, next: more ? last.id : null };
    }, range.after, SEARCH_DEPTH);
    walk.finished = this.consume(walk);
    this.walks.push(walk);
  }

  private async consume(walk: Walk): Promise<void> {
    try {
      for (;;) {
        const found = await walk.pages.next();
        if (!found || this.failure) break;
        const last = found.results[found.results.length - 1];
        if (last) {
          await this.opts.handlePage(++this.pageNumber, found.results);
          walk.range.after = last.id;
        }
        walk.left = Math.max(0, found.total - found.results.length);
        await this.save();
      }
      if (this.failure) return;
      walk.active = false;
      const { ranges } = this.opts.state;
      ranges.splice(ranges.indexOf(walk.range), 1);
      this.splitLargest();
      await this.save();
    } catch (err) {
      this.fail(err);
    }
  }

  /** A walk ended: give half of the largest range left to a new walk, so all ranges end together. */
  private splitLargest(): void {
    const running = this.walks.filter((w) => w.active);
    if (running.length >= this.opts.parallel) return;
    const largest = running.reduce<Walk | undefined>((big, w) => (!big || w.left > big.left ? w : big), undefined);
    const end = largest?.range.upTo ?? this.highest;
    if (!largest || end === null || largest.left < 2 * MIN_PAGES_PER_RANGE * SEARCH_PAGE_SIZE) return;
    const parts = splitRange(largest.range, largest.searchedTo, end, 2);
    if (parts.length < 2) return;
    largest.left = Math.floor(largest.left / 2);
    this.divide(largest, parts, largest.left);
  }

  /** Narrows a walk to the first part and starts walks on the others. */
  private divide(walk: Walk, parts: IdRange[], leftEach: number): void {
    walk.range.upTo = parts[0]!.upTo;
    for (const part of parts.slice(1)) {
      this.opts.state.ranges.push(part);
      this.startWalk(part, leftEach);
    }
  }

  /**
   * Finds the highest matching id of the open-ended range and cuts it into parallel ranges before any
   * walk searches: planned while a walk already runs, the cut would depend on how far that walk got.
   */
  private async planRanges(): Promise<Map<IdRange, number> | undefined> {
    const { parallel } = this.opts;
    const { ranges } = this.opts.state;
    const open = ranges.find((r) => r.upTo === null);
    if (!open || ranges.length >= parallel) return undefined;
    const top = await this.opts.search(open, BY_ID_DESCENDING, 1, ['hs_object_id']);
    this.highest = top.results[0]?.id ?? null;
    const pages = Math.floor(top.total / SEARCH_PAGE_SIZE);
    const parts = Math.min(parallel - ranges.length + 1, Math.floor(pages / MIN_PAGES_PER_RANGE));
    if (this.highest === null || parts < 2) return undefined;
    const cut = splitRange(open, open.after, this.highest, parts);
    if (cut.length < 2) return undefined;
    open.upTo = cut[0]!.upTo;
    ranges.push(...cut.slice(1));
    // Matching contacts left in each part, estimated as an even share (for the ETA and later splits).
    const leftEach = Math.floor(top.total / cut.length);
    return new Map([open, ...cut.slice(1)].map((range) => [range, leftEach]));
  }
}
