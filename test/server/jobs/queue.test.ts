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
});
