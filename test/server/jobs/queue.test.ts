import pino from 'pino';
import { enqueue, JobWorker, type WorkerOptions } from '../../../server/jobs/queue';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';

const silent = pino({ level: 'silent' });

describe.each(dialects)('job queue on %s', (dialect) => {
  let database: TestDatabase;
  let now: number;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    now = Date.UTC(2026, 5, 1);
  });
  afterEach(() => database.drop());

  const worker = (opts: Partial<WorkerOptions>) => new JobWorker(database, { handlers: {}, clock: () => now, logger: silent, ...opts });
  const jobs = () => database.db.selectFrom('jobs').select(['kind', 'payload', 'status', 'attempts', 'last_error']).orderBy('id').execute();

  it('hands due jobs of a batch kind to one call and settles each by its own outcome', async () => {
    for (const n of [1, 2, 3]) await enqueue(database.db, { kind: 'echo', payload: { n } }, now);
    const calls: number[][] = [];
    const w = worker({
      batchHandlers: {
        echo: async (batch) => {
          calls.push(batch.map((j) => (j.payload as { n: number }).n));
          return batch.map((j) => ((j.payload as { n: number }).n === 2 ? new Error('two is refused') : undefined));
        },
      },
    });
    expect(await w.runDue()).toBe(3);
    expect(calls).toEqual([[1, 2, 3]]);
    expect((await jobs()).map((j) => [j.status, j.attempts, j.last_error])).toEqual([
      ['done', 1, null], ['pending', 1, 'two is refused'], ['done', 1, null],
    ]);
    // The failed one comes back after its backoff, alone.
    now += 60_000;
    await w.runDue();
    expect(calls).toEqual([[1, 2, 3], [2]]);
  });

  it('claims only the kinds it can run, leaving the rest for another worker', async () => {
    await enqueue(database.db, { kind: 'mine', payload: {} }, now);
    await enqueue(database.db, { kind: 'theirs', payload: {} }, now);
    const ran: string[] = [];
    await worker({ handlers: { mine: async () => { ran.push('mine'); } } }).drain();
    expect(ran).toEqual(['mine']);
    expect((await jobs()).map((j) => [j.kind, j.status, j.attempts])).toEqual([['mine', 'done', 1], ['theirs', 'pending', 0]]);
  });

  it('schedules no further tick once stopped, even when stopped during a tick', async () => {
    let ticks = 0;
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => { release = resolve; });
    await enqueue(database.db, { kind: 'slow', payload: {} }, now);
    const w = new JobWorker(database, {
      handlers: { slow: async () => { ticks++; await blocked; } }, clock: () => Date.now(), logger: silent,
    });
    w.start(1);
    while (ticks === 0) await new Promise((r) => setTimeout(r, 1));
    const stopping = w.stop();
    release();
    await stopping;
    await enqueue(database.db, { kind: 'slow', payload: {} }, Date.now());
    await new Promise((r) => setTimeout(r, 30));
    expect(ticks).toBe(1);
  });

  describe('a worker that outlived its lease', () => {
    const LEASE = 60_000;
    /** A handler that stops at `started` until the test lets it `finish` (or fail). */
    function heldHandler() {
      let entered!: () => void;
      let finish!: (err?: Error) => void;
      const started = new Promise<void>((r) => { entered = r; });
      const done = new Promise<void>((resolve, reject) => { finish = (err) => (err ? reject(err) : resolve()); });
      return { started, finish, handler: async () => { entered(); await done; } };
    }
    const warnings: Array<{ msg: string; job?: { id: number } }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
    const leased = (opts: Partial<WorkerOptions>) => worker({ leaseMs: LEASE, logger, ...opts });
    const row = async () => database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    beforeEach(() => { warnings.length = 0; });

    it('cannot settle a job another worker reclaimed and finished: its failure is discarded and logged', async () => {
      await enqueue(database.db, { kind: 'sync', payload: {} }, now);
      const stale = heldHandler();
      const dead: number[] = [];
      const a = leased({ handlers: { sync: stale.handler }, maxAttempts: 1, onDead: async (job) => { dead.push(job.id); } });
      const running = a.runDue();
      await stale.started;

      now += LEASE + 1;
      const b = leased({ handlers: { sync: async () => {} } });
      expect(await b.runDue()).toBe(1);
      expect(await row()).toMatchObject({ status: 'done', attempts: 1, locked_by: null });

      stale.finish(new Error('the stale attempt failed'));
      await running;
      // With maxAttempts 1 the stale failure would have made the job dead and raised a task.
      expect(await row()).toMatchObject({ status: 'done', attempts: 1, last_error: null });
      expect(dead).toEqual([]);
      expect(warnings.map((w) => w.msg)).toEqual(['job outcome discarded: this worker\'s lease ran out and the job was claimed again']);
    });

    it('cannot mark done a job another worker holds now; the new holder settles it', async () => {
      await enqueue(database.db, { kind: 'sync', payload: {} }, now);
      const stale = heldHandler();
      const current = heldHandler();
      const a = leased({ handlers: { sync: stale.handler } });
      const b = leased({ handlers: { sync: current.handler } });
      const runningA = a.runDue();
      await stale.started;
      now += LEASE + 1;
      const runningB = b.runDue();
      await current.started;

      stale.finish();
      await runningA;
      const held = await row();
      expect(held).toMatchObject({ status: 'pending', attempts: 0, locked_until: now + LEASE });
      expect(held.locked_by).not.toBeNull();

      current.finish(new Error('HubSpot answered 502'));
      await runningB;
      expect(await row()).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HubSpot answered 502', locked_by: null });
      expect(warnings.map((w) => w.msg)).toEqual([
        'job outcome discarded: this worker\'s lease ran out and the job was claimed again',
        'job will retry',
      ]);
    });

    it('an older claim of the same worker does not count: only the claim that holds the job settles it', async () => {
      await enqueue(database.db, { kind: 'sync', payload: {} }, now);
      const first = heldHandler();
      const second = heldHandler();
      const attempts = [first, second];
      const a = leased({ handlers: { sync: () => attempts.shift()!.handler() } });
      const runningFirst = a.runDue();
      await first.started;
      now += LEASE + 1;
      const runningSecond = a.runDue();
      await second.started;

      first.finish(new Error('the first attempt failed late'));
      await runningFirst;
      expect(await row()).toMatchObject({ status: 'pending', attempts: 0, last_error: null, locked_until: now + LEASE });
      second.finish();
      await runningSecond;
      expect(await row()).toMatchObject({ status: 'done', attempts: 1 });
    });

    it('still settles its job when nobody reclaimed it after the lease ran out', async () => {
      await enqueue(database.db, { kind: 'sync', payload: {} }, now);
      const slow = heldHandler();
      const running = leased({ handlers: { sync: slow.handler } }).runDue();
      await slow.started;
      now += LEASE + 1;
      slow.finish();
      await running;
      expect(await row()).toMatchObject({ status: 'done', attempts: 1 });
      expect(warnings).toEqual([]);
    });
  });
});
