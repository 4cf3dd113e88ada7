import { openDatabase } from '../../../server/db/database';
import { DatabaseWindowCounters, MemoryWindowCounters, RATE_WINDOW_MS, secondsLeftInWindow } from '../../../server/http/window-counters';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';

const T = Date.parse('2026-05-01T10:00:00Z');

describe.each(dialects)('rate-limit counts in the database on %s', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.drop());

  it('counts concurrent requests from two connections exactly: every count is handed out once', async () => {
    const second = openDatabase(database.url);
    try {
      const counters = [new DatabaseWindowCounters(database.db), new DatabaseWindowCounters(second.db)];
      const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => counters[i % 2]!.add(['k', `own-${i}`], T + i)));
      expect(answers.map(([k]) => k).sort((x, y) => x! - y!)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(answers.every(([, own]) => own === 1)).toBe(true);
      expect(await counters[1]!.read(['k', 'never'], T)).toEqual([40, 0]);
    } finally {
      await second.close();
    }
  });

  it('starts each minute from zero and sweeps the rows of past minutes', async () => {
    const counters = new DatabaseWindowCounters(database.db);
    await counters.add(['a', 'b'], T);
    await counters.add(['a'], T + RATE_WINDOW_MS - 1);
    expect(await counters.read(['a', 'b'], T + 30_000)).toEqual([2, 1]);
    expect(await counters.add(['a'], T + RATE_WINDOW_MS)).toEqual([1]);
    const rows = await database.db.selectFrom('rate_limit_windows').selectAll().execute();
    expect(rows).toEqual([{ key: 'a', window_start: T + RATE_WINDOW_MS, hits: 1 }]);
  });
});

describe('rate-limit counts in memory', () => {
  it('reads without adding and starts each minute from zero', async () => {
    const counters = new MemoryWindowCounters();
    expect(await counters.add(['a', 'b'], T)).toEqual([1, 1]);
    expect(await counters.add(['a'], T + 1)).toEqual([2]);
    expect(await counters.read(['a'], T + 59_999)).toEqual([2]);
    expect(await counters.read(['a'], T + 60_000)).toEqual([0]);
  });

  it('tells a client how many seconds are left in the minute', () => {
    expect(secondsLeftInWindow(T)).toBe(60);
    expect(secondsLeftInWindow(T + 59_500)).toBe(1);
    expect(secondsLeftInWindow(T + 20_000)).toBe(40);
  });
});
