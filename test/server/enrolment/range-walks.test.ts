import { searchRange, type Contact } from '../../../server/enrolment/bulk-page';
import { RangeWalks } from '../../../server/enrolment/range-walks';
import { RunState } from '../../../server/enrolment/run-state';
import { claimRun, getRun, runView, type RunView } from '../../../server/enrolment/runs';
import type { Program } from '../../../src/app/packages/domain/program';
import { addContacts } from '../../support/contacts';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, type Harness } from '../../support/harness';
import { dashboardLinksFor } from '../../../server/dashboard/dashboard-token';

type Ranges = Array<{ after: string | null; upTo: string | null }>;

describe.each(dialects)('walking a run\'s id ranges (%s)', (dialect) => {
  let h: Harness;
  let program: Program;
  afterEach(() => h?.close());

  async function start(contacts: number) {
    h = await startHarness({ dialect, sandbox: { scale: 20 }, features: () => [] });
    program = await createProgram(h);
    return addContacts(h, contacts);
  }

  /** Walks with the real search step; `handle` stands for the page steps. */
  async function walk(parallel: number, handle: (page: number, contacts: Contact[]) => Promise<void>, onSave?: () => void) {
    const claim = await claimRun(h.database.db, program.id, false, Date.now());
    const progress: RunView[] = [];
    const state = new RunState({ db: h.database.db, gateway: h.gateway, clock: Date.now }, claim.run, (v) => {
      progress.push(v);
      onSave?.();
    });
    const deps = { database: h.database, gateway: h.gateway, clock: Date.now, publicBaseUrl: h.url, dashboardLinks: dashboardLinksFor(h.service.ctx.config), logger: h.service.ctx.logger };
    const walks = new RangeWalks({
      state, parallel, handlePage: handle,
      search: (range, sorts, limit, properties) => searchRange(deps, state, program, range, sorts, limit, properties),
    });
    const failure = await walks.walkAll();
    const saved = runView(await getRun(h.database.db, claim.run.id));
    return { failure, state, progress, saved, cursor: (JSON.parse(saved.cursor!) as { ranges: Ranges }).ranges };
  }

  it('hands every matching contact to exactly one page, walking split ranges side by side, and ends with nothing left', async () => {
    const ids = await start(1_000);
    const handled: string[] = [];
    const pages: number[] = [];

    const { failure, state, progress, cursor, saved } = await walk(3, async (page, contacts) => {
      pages.push(page);
      handled.push(...contacts.map((c) => c.id));
    });

    expect(failure).toBeUndefined();
    expect([...handled].sort()).toEqual([...ids].sort());
    expect(pages).toEqual(pages.map((_, i) => i + 1));
    expect(Math.max(...progress.map((v) => (JSON.parse(v.cursor!) as { ranges: Ranges }).ranges.length))).toBeGreaterThan(1);
    expect(state.ranges).toEqual([]);
    expect(cursor).toEqual([]);
    expect(saved.counts.remaining).toBe(0);
  });

  it('one range at a time walks the contacts in id order, saving progress after every page', async () => {
    const ids = await start(450);
    const handled: string[] = [];

    const { progress } = await walk(1, async (_page, contacts) => { handled.push(...contacts.map((c) => c.id)); });

    expect(handled).toEqual(ids);
    const starts = progress.map((v) => (JSON.parse(v.cursor!) as { ranges: Ranges }).ranges[0]?.after ?? 'end');
    expect(starts).toEqual([ids[199], ids[399], ids[449], 'end']);
  });

  it('a page that fails stops the walks and leaves every contact not handled inside a saved range', async () => {
    const ids = await start(1_500);
    const crash = new Error('process killed');
    const handled = new Set<string>();
    let saved: () => void = () => undefined;

    // The page fails only once another walk has saved meanwhile: that save must not claim the failing page done.
    const { failure, cursor, saved: run } = await walk(3, async (page, contacts) => {
      if (page === 3) {
        await new Promise<void>((resolve) => { saved = resolve; });
        throw crash;
      }
      for (const c of contacts) handled.add(c.id);
    }, () => saved());

    expect(failure).toEqual({ error: crash });
    expect(handled.size).toBeGreaterThan(0);
    expect(handled.size).toBeLessThan(ids.length);
    for (const id of ids) {
      const holders = cursor.filter((r) => (r.after === null || BigInt(id) > BigInt(r.after)) && (r.upTo === null || BigInt(id) <= BigInt(r.upTo)));
      expect(holders.length).toBeLessThanOrEqual(1);
      if (!handled.has(id)) expect(holders).toHaveLength(1);
    }
    // The walks only stop; marking the run failed is the caller's step.
    expect(run.status).toBe('running');
  });
});
