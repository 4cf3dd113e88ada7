import { saveProgram } from '../../../server/programs/repository';
import { MAX_LISTED_FAILURES, RunState } from '../../../server/enrolment/run-state';
import { claimRun, getRun, parseCounts, runView, saveProgress, type RunView } from '../../../server/enrolment/runs';
import type { GatewayStats } from '../../../server/hubspot/gateway';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { buildProgram } from '../../support/harness';

const START = Date.UTC(2026, 10, 2, 9, 0, 0);

function stats(requests = 0, retries = 0): GatewayStats {
  return { requests, searches: 0, retries, rateLimited: 0, serverErrors: 0 };
}

describe.each(dialects)('bulk run state (%s)', (dialect) => {
  let database: TestDatabase;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    now = START;
    await saveProgram(database.db, buildProgram(), now);
  });
  afterEach(() => database.drop());

  async function newRun(dryRun = false) {
    const claim = await claimRun(database.db, 'spring', dryRun, now);
    return claim.run;
  }

  it('saves counts and cursor as progress, and each save shows what was done when its turn came', async () => {
    const views: RunView[] = [];
    const state = new RunState({ db: database.db, gateway: { stats: stats() }, clock }, await newRun(), (v) => views.push(v));
    state.countSearch();
    state.ranges[0]!.after = '400';
    let left = 800;

    const first = state.save(() => left);
    state.countBatch([{ id: '401', properties: {}, created: true }], new Set(['401']));
    left = 600;
    await Promise.all([first, state.save(() => left)]);

    const stored = runView(await getRun(database.db, state.run.id));
    expect(JSON.parse(stored.cursor!)).toEqual({ ranges: [{ after: '400', upTo: null }] });
    expect(stored.counts).toMatchObject({ searches: 1, enrolled: 1, seen: 1, remaining: 600 });
    expect(views.map((v) => v.counts.remaining)).toEqual([600, 600]);
  });

  it('counts the HubSpot calls and running time of this segment on top of those before a resume', async () => {
    const run = await newRun();
    await saveProgress(database.db, run.id, null, { ...parseCounts(run), apiCalls: 40, retries: 2, activeMs: 5_000 }, now);
    const gateway = { stats: stats(1_000, 30) };
    const state = new RunState({ db: database.db, gateway, clock }, await getRun(database.db, run.id));

    gateway.stats.requests += 7;
    gateway.stats.retries += 1;
    now += 2_000;
    state.track();
    gateway.stats.requests += 3;
    now += 1_000;
    const done = await state.finish();

    expect(done.counts).toMatchObject({ apiCalls: 50, retries: 3, activeMs: 8_000, remaining: 0 });
    expect(done.status).toBe('done');
    expect(done.finishedAt).toBe(new Date(now).toISOString());
  });

  it('counts a batch: new codes as enrolled, ledger codes as already enrolled, refused ids as failed and listed', () => {
    const state = new RunState({ db: database.db, gateway: { stats: stats() }, clock }, { ...baseRow(), counts: JSON.stringify({ failed: 99, failedContactIds: Array.from({ length: 99 }, (_, i) => `f${i}`) }) });
    const inputs = [
      { id: '1', properties: {}, created: true },
      { id: '2', properties: {}, created: false },
      { id: '3', properties: {}, created: true },
      { id: '4', properties: {}, created: true },
    ];

    state.countBatch(inputs, new Set(['1', '2']));

    expect(state.counts).toMatchObject({ batchUpdates: 1, seen: 4, enrolled: 1, alreadyEnrolled: 1, failed: 101 });
    expect(state.counts.failedContactIds).toHaveLength(MAX_LISTED_FAILURES);
    expect(state.counts.failedContactIds.at(-1)).toBe('3');
  });

  it('a failed run keeps its last saved cursor and its reason, and the next start resumes it', async () => {
    const state = new RunState({ db: database.db, gateway: { stats: stats() }, clock }, await newRun());
    state.ranges[0]!.after = '1200';
    await state.save(() => 300);
    state.ranges[0]!.after = '1400'; // a page handled after the last save: not saved, so done again on resume

    await state.fail(new Error('HubSpot kept answering 503'));

    const failed = runView(await getRun(database.db, state.run.id));
    expect(failed).toMatchObject({ status: 'failed', finishedAt: null, counts: { lastError: 'HubSpot kept answering 503' } });
    expect(JSON.parse(failed.cursor!)).toEqual({ ranges: [{ after: '1200', upTo: null }] });
    now += 1;
    const again = await claimRun(database.db, 'spring', false, now);
    expect(again).toMatchObject({ kind: 'resumed', run: { id: state.run.id } });
    expect(new RunState({ db: database.db, gateway: { stats: stats() }, clock }, again.run).ranges).toEqual([{ after: '1200', upTo: null }]);
  });

  it('a dry run page counts who would be enrolled and who has a ledger row', async () => {
    const state = new RunState({ db: database.db, gateway: { stats: stats() }, clock }, await newRun(true));
    expect(state.dryRun).toBe(true);
    state.countDryRunPage(200, 15);
    expect(state.counts).toMatchObject({ seen: 200, enrolled: 185, alreadyEnrolled: 15, batchUpdates: 0 });
  });
});

function baseRow() {
  return {
    id: 'run_test', program_id: 'spring', kind: 'enrolment', status: 'running' as const, dry_run: 0,
    cursor: null, counts: '{}', started_at: START, updated_at: START, finished_at: null,
  };
}
