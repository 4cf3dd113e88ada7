import { parseProgram, parseStoredProgram, type Program } from '../../src/app/packages/domain/program';
import type { Db } from '../db/database';
import { AppError } from '../errors';

/** Parsed programs by their stored text: every workflow call reads its program, and parsing is not free. */
const parsedByConfig = new Map<string, Program>();
const PARSED_CACHE_SIZE = 100;

/** Programs are stored as their validated configuration; reads re-parse so defaults stay current. */
export function programFromRow(row: { config: string }): Program {
  return structuredClone(parsedProgram(row)) as Program;
}

/** The cached parse itself, frozen: shared by every reader, so nobody may change it. */
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

export async function findProgram(db: Db, id: string): Promise<Program | undefined> {
  const row = await db.selectFrom('programs').select('config').where('id', '=', id).executeTakeFirst();
  return row ? programFromRow(row) : undefined;
}

/** A program to read and not change, without the copy `findProgram` makes: for the hottest paths. */
export async function readProgram(db: Db, id: string): Promise<Readonly<Program> | undefined> {
  const row = await db.selectFrom('programs').select('config').where('id', '=', id).executeTakeFirst();
  return row ? parsedProgram(row) : undefined;
}

export async function getProgram(db: Db, id: string): Promise<Program> {
  const program = await findProgram(db, id);
  if (!program) throw new AppError('NOT_FOUND', `No program with id "${id}"`);
  return program;
}

export async function listPrograms(db: Db): Promise<Program[]> {
  const rows = await db.selectFrom('programs').select('config').orderBy('id').execute();
  return rows.map(programFromRow);
}

/** Validate and store; returns whether it was created. Invalid input writes nothing. */
export async function saveProgram(db: Db, input: unknown, now: number): Promise<{ program: Program; created: boolean }> {
  const parsed = parseProgram(input);
  if (!parsed.ok) {
    const first = parsed.issues[0]!;
    throw new AppError('VALIDATION_FAILED', `Invalid program: ${first.path || '(program)'}: ${first.message}`, { issues: parsed.issues });
  }
  const program = parsed.program;
  const config = JSON.stringify(program);
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('programs')
      .set({ name: program.name, status: program.status, config, updated_at: now })
      .where('id', '=', program.id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return { program, created: false };
    await trx
      .insertInto('programs')
      .values({ id: program.id, name: program.name, status: program.status, config, created_at: now, updated_at: now })
      .execute();
    return { program, created: true };
  });
}
