import { sql } from 'kysely';
import type { DatabaseHandle, Db } from '../db/database';

/** Every rate limit counts in windows of one minute, aligned to the clock so replicas agree. */
export const RATE_WINDOW_MS = 60_000;

export function windowStart(now: number): number {
  return Math.floor(now / RATE_WINDOW_MS) * RATE_WINDOW_MS;
}

/** Seconds until the window containing `now` ends: what a 429's Retry-After says. */
export function secondsLeftInWindow(now: number): number {
  return Math.max(1, Math.ceil((windowStart(now) + RATE_WINDOW_MS - now) / 1000));
}

/** Fixed-window request counts by key. */
export interface WindowCounters {
  /** Adds one to each key in the window containing `now`; answers the new counts, in order. */
  add(keys: string[], now: number): Promise<number[]>;
  /** The counts of the window containing `now`, without adding. */
  read(keys: string[], now: number): Promise<number[]>;
}

/**
 * Counts in this process. Right for SQLite, which serves one instance: a database write per public
 * request would compete with the ledger's writes for SQLite's single writer.
 */
export class MemoryWindowCounters implements WindowCounters {
  private start = -1;
  private counts = new Map<string, number>();

  private turn(now: number) {
    const start = windowStart(now);
    // A new window drops every old count at once, so memory stays bounded by one window's keys.
    if (start !== this.start) {
      this.start = start;
      this.counts = new Map();
    }
  }

  async add(keys: string[], now: number): Promise<number[]> {
    this.turn(now);
    return keys.map((key) => {
      const hits = (this.counts.get(key) ?? 0) + 1;
      this.counts.set(key, hits);
      return hits;
    });
  }

  async read(keys: string[], now: number): Promise<number[]> {
    this.turn(now);
    return keys.map((key) => this.counts.get(key) ?? 0);
  }
}

/**
 * Counts in the `rate_limit_windows` table, so every replica on one PostgreSQL sees the same count.
 * The increment is one upsert, atomic in the database: concurrent requests on different replicas
 * never both read the same count.
 */
export class DatabaseWindowCounters implements WindowCounters {
  private sweptBefore = -1;

  constructor(private readonly db: Db) {}

  async add(keys: string[], now: number): Promise<number[]> {
    const start = windowStart(now);
    await this.sweep(start);
    const unique = [...new Set(keys)];
    if (unique.length === 0) return [];
    const rows = await this.db
      .insertInto('rate_limit_windows')
      .values(unique.map((key) => ({ key, window_start: start, hits: 1 })))
      .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ hits: sql<number>`rate_limit_windows.hits + 1` }))
      .returning(['key', 'hits'])
      .execute();
    const byKey = new Map(rows.map((r) => [r.key, Number(r.hits)]));
    return keys.map((key) => byKey.get(key) ?? 0);
  }

  async read(keys: string[], now: number): Promise<number[]> {
    if (keys.length === 0) return [];
    const rows = await this.db
      .selectFrom('rate_limit_windows')
      .select(['key', 'hits'])
      .where('window_start', '=', windowStart(now))
      .where('key', 'in', keys)
      .execute();
    const byKey = new Map(rows.map((r) => [r.key, Number(r.hits)]));
    return keys.map((key) => byKey.get(key) ?? 0);
  }

  /** Once per window and process: rows of past windows are never read again. */
  private async sweep(start: number) {
    if (start === this.sweptBefore) return;
    this.sweptBefore = start;
    await this.db.deleteFrom('rate_limit_windows').where('window_start', '<', start).execute();
  }
}

/**
 * The counters every limiter of one service uses (`AppContext.rateLimitCounters`): in the database on
 * PostgreSQL (replicas share it), in memory on SQLite (one instance).
 */
export function windowCountersFor(database: DatabaseHandle): WindowCounters {
  return database.dialect === 'postgres' ? new DatabaseWindowCounters(database.db) : new MemoryWindowCounters();
}
