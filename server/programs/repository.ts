import { parseProgram, parseStoredProgram, type Program } from '../../src/app/packages/domain/program';
import type { Db } from '../db/database';
import { AppError } from '../errors';
import type { Actor } from '../ledger/actor';
import { recordTransition } from '../ledger/audit';
import { changedSettings } from './changed-settings';
import { syncFulfilmentSubscription } from '../events/fulfilment-subscription';

/**
 * Programs are read as one shared parse per stored text, deep-frozen: every workflow call reads its
 * program and parsing is not free (BENCHMARKS.md, the action endpoint). Nobody changes a program
 * they read: saving parses the new configuration into a new object. Reads re-parse the stored text,
 * so defaults added to the schema later apply to programs stored before.
 */
// eslint-disable-next-line no-restricted-syntax -- a bounded memo of a pure parse keyed by the stored text: the same answer in every context
const parsedByConfig = new Map<string, Readonly<Program>>();
const PARSED_CACHE_SIZE = 100;

function parsedProgram(row: { config: string }): Readonly<Program> {
  const cached = parsedByConfig.get(row.config);
  if (cached) return cached;
  const parsed = parseStoredProgram(JSON.parse(row.config));
  if (!parsed.ok) throw new Error(`Stored program is invalid: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  if (parsedByConfig.size >= PARSED_CACHE_SIZE) parsedByConfig.delete(parsedByConfig.keys().next().value!);
  const program = deepFreeze(parsed.program);
  parsedByConfig.set(row.config, program);
  return program;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The program, or undefined: for callers to whom a missing program is an answer of their own (a
 * page that shows "not found", a check that reports it, a job that has nothing to do).
 */
export async function findProgram(db: Db, id: string): Promise<Readonly<Program> | undefined> {
  const row = await db.selectFrom('programs').select('config').where('id', '=', id).executeTakeFirst();
  return row ? parsedProgram(row) : undefined;
}

/** The program a request or a job names: it exists, or the request fails with 404 naming the id. */
export async function programOrNotFound(db: Db, id: string): Promise<Readonly<Program>> {
  const program = await findProgram(db, id);
  if (!program) throw new AppError('NOT_FOUND', `No program with id "${id}"`);
  return program;
}

/**
 * The program when it is active, else undefined: referral links and referrals count only for an
 * active program, and a draft, paused or closed one is answered as if there were none.
 */
export async function activeProgram(db: Db, id: string): Promise<Readonly<Program> | undefined> {
  const program = await findProgram(db, id);
  return program?.status === 'active' ? program : undefined;
}

export async function listPrograms(db: Db): Promise<Array<Readonly<Program>>> {
  const rows = await db.selectFrom('programs').select('config').orderBy('id').execute();
  return rows.map(parsedProgram);
}

const SYSTEM: Actor = { type: 'system', id: null };

/**
 * Validate and store; returns whether it was created. Invalid input writes nothing. Every save is
 * audited in its own transaction with who made it and which settings changed; a save that changes
 * nothing is not recorded.
 */
export async function saveProgram(db: Db, input: unknown, now: number, actor: Actor = SYSTEM): Promise<{ program: Program; created: boolean; changed: string[] }> {
  const parsed = parseProgram(input);
  if (!parsed.ok) {
    const first = parsed.issues[0]!;
    throw new AppError('VALIDATION_FAILED', `Invalid program: ${first.path || '(program)'}: ${first.message}`, { issues: parsed.issues });
  }
  const program = parsed.program;
  const config = JSON.stringify(program);
  return db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('programs').select(['status', 'config']).where('id', '=', program.id).executeTakeFirst();
    // Compared as parsed, so a default the schema gained since the last save is not a change.
    const earlier = before ? parseStoredProgram(JSON.parse(before.config)) : undefined;
    const changed = before ? changedSettings(earlier?.ok ? earlier.program : JSON.parse(before.config), program) : [];
    if (before) {
      await trx
        .updateTable('programs')
        .set({ name: program.name, status: program.status, config, updated_at: now })
        .where('id', '=', program.id)
        .execute();
    } else {
      await trx
        .insertInto('programs')
        .values({ id: program.id, name: program.name, status: program.status, config, created_at: now, updated_at: now })
        .execute();
    }
    if (!before || changed.length > 0) {
      await recordTransition(trx, {
        entity: 'program', entityId: program.id, from: before?.status ?? null, to: program.status, actor,
        reason: before ? 'settings saved' : 'program created', data: before ? { changed } : undefined, at: now,
      });
    }
    // The fulfilment webhook is an event subscription derived from this setting.
    await syncFulfilmentSubscription(trx, program, now);
    return { program, created: !before, changed };
  });
}
