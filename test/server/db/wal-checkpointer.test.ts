import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { openDatabase, type DatabaseHandle } from '../../../server/db/database';
import { FALLBACK_AUTOCHECKPOINT_PAGES } from '../../../server/db/wal-checkpointer';

/** SQLite's WAL is copied into the database by a worker thread, not by the commit that fills it. */
describe('SQLite WAL checkpoints', () => {
  let dir: string;
  let file: string;
  let handle: DatabaseHandle;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'referral-ops-wal-'));
    file = path.join(dir, 'ledger.sqlite');
    handle = openDatabase(`sqlite:${file}`);
  });

  afterEach(async () => {
    await handle.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('moves committed pages into the database file well before SQLite would checkpoint on its own', async () => {
    await sql`create table notes (id integer primary key, body text not null)`.execute(handle.db);
    const before = fs.statSync(file).size;
    // 300 commits of 2 KB: a few hundred pages, below SQLite's default automatic checkpoint (1000).
    for (let i = 0; i < 300; i++) await sql`insert into notes (body) values (${'x'.repeat(2048)})`.execute(handle.db);

    const deadline = Date.now() + 5000;
    while (fs.statSync(file).size < before + 300 * 2048 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fs.statSync(file).size).toBeGreaterThanOrEqual(before + 300 * 2048);
  });

  it('leaves the writer only a far-off fallback, so a commit does not wait on fsync', async () => {
    const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(handle.db);
    expect(rows[0]?.wal_autocheckpoint).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
  });
});
