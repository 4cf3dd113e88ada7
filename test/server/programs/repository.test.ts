import { activeProgram, findProgram, listPrograms, programOrNotFound, saveProgram } from '../../../server/programs/repository';
import { AppError } from '../../../server/errors';
import type { Program } from '../../../src/app/packages/domain/program';
import { createTestDatabase, dialects, type TestDatabase } from '../../support/databases';
import { buildProgram } from '../../support/harness';

const NOW = Date.UTC(2026, 10, 2, 9, 0, 0);

describe.each(dialects)('program lookups (%s)', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.drop());

  const save = (overrides: Parameters<typeof buildProgram>[0] = {}) => saveProgram(database.db, buildProgram(overrides), NOW);

  it('every reader gets the one shared parse, frozen to the leaves, so no reader can change it for the others', async () => {
    await save({ status: 'active' });

    const first = await findProgram(database.db, 'spring');
    const second = await programOrNotFound(database.db, 'spring');

    expect(second).toBe(first);
    expect((await listPrograms(database.db))[0]).toBe(first);
    expect(first).toMatchObject({ id: 'spring', status: 'active', rewards: { referrer: { amount: 5000 } } });
    expect(() => { (first as Program).status = 'paused'; }).toThrow(TypeError);
    expect(() => { (first!.rewards.referrer as { amount: number }).amount = 1; }).toThrow(TypeError);
    expect((await findProgram(database.db, 'spring'))!.rewards.referrer.amount).toBe(5000);
  });

  it('saving gives readers the new configuration and leaves the program an earlier reader holds as it was', async () => {
    await save({ status: 'active' });
    const before = await findProgram(database.db, 'spring');

    await save({ status: 'paused' });

    expect((await findProgram(database.db, 'spring'))!.status).toBe('paused');
    expect(before!.status).toBe('active');
  });

  it('a missing program: undefined where that is an answer, 404 naming the id where a request named it', async () => {
    expect(await findProgram(database.db, 'nope')).toBeUndefined();
    const missing = await programOrNotFound(database.db, 'nope').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toMatchObject({ code: 'NOT_FOUND', status: 404, message: 'No program with id "nope"' });
  });

  it('only an active program takes referrals: a draft or paused one is answered as none', async () => {
    await save({ id: 'live', status: 'active' });
    await save({ id: 'paused', status: 'paused' });
    await save({ id: 'draft', status: 'draft', ownerId: undefined });

    expect((await activeProgram(database.db, 'live'))?.id).toBe('live');
    expect(await activeProgram(database.db, 'paused')).toBeUndefined();
    expect(await activeProgram(database.db, 'draft')).toBeUndefined();
    expect(await activeProgram(database.db, 'nope')).toBeUndefined();
  });
});
