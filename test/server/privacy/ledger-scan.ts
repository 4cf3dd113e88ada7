import { sql } from 'kysely';
import type { Db } from '../../../server/db/database';

export interface Cell {
  table: string;
  column: string;
  value: string;
}

/** Every table of the ledger as the database itself lists them, so a table added later is scanned too. */
export async function tableNames(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables();
  return tables.map((t) => t.name).filter((name) => !name.startsWith('kysely_')).sort();
}

/** Every text value of every row of every table. */
export async function textCells(db: Db): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const table of await tableNames(db)) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows.rows) {
      for (const [column, value] of Object.entries(row)) if (typeof value === 'string') cells.push({ table, column, value });
    }
  }
  return cells;
}

/** Where any of `needles` (case-insensitive) still appears: `table.column: needle`. */
export function mentions(cells: Cell[], needles: string[]): string[] {
  const found = new Set<string>();
  for (const cell of cells) {
    const value = cell.value.toLowerCase();
    for (const needle of needles) if (value.includes(needle.toLowerCase())) found.add(`${cell.table}.${cell.column}: ${needle}`);
  }
  return [...found].sort();
}

/**
 * Where a contact id is still stored: as a whole value, as a JSON string, or named as a contact in
 * text ("contact 123", "sync-contact:123").
 */
export function contactIdMentions(cells: Cell[], contactId: string): string[] {
  const named = new RegExp(`contacts?[ :=#]+${contactId}(?![0-9])|"${contactId}"`, 'i');
  return [...new Set(cells.filter((c) => c.value === contactId || named.test(c.value)).map((c) => `${c.table}.${c.column}`))].sort();
}

/** All rows of all tables but `except`, in a stable order: to show that nothing else changed. */
export async function snapshot(db: Db, except: string[] = []): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of await tableNames(db)) {
    if (except.includes(table)) continue;
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = rows.rows.map((r) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)]))).sort();
  }
  return out;
}
