import request from 'supertest';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, type Harness } from '../../support/harness';

const TABLES = ['referrals', 'enrolments', 'clicks', 'action_decisions', 'jobs', 'webhook_events'] as const;

describe.each(dialects)('text with NUL characters on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
    await createProgram(h);
  });
  afterAll(() => h.close());

  const counts = async () =>
    Object.fromEntries(await Promise.all(TABLES.map(async (t) => [t, Number((await h.database.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n)])));

  it.each(['/r/%00', '/join/%00', '/refer/sp%00ring'])('GET %s is a 400 naming the address, not a database error', async (path) => {
    const before = await counts();
    const res = await request(h.url).get(path);
    expect({ status: res.status, body: res.body }).toEqual({
      status: 400,
      body: { error: { code: 'VALIDATION_FAILED', message: 'Invalid request: (address): must not contain NUL characters', details: { issues: [{ path: '(address)', message: 'must not contain NUL characters' }] } } },
    });
    expect(await counts()).toEqual(before);
  });

  it('a form field with a NUL is a 400 naming that field, and nothing is written', async () => {
    const before = await counts();
    const res = await request(h.url).post('/api/signups').send({ programId: 'spr\u0000ing', email: 'nul@example.org', consent: true });
    expect(res.status).toBe(400);
    expect(res.body.error.details.issues).toEqual([{ path: 'programId', message: 'must not contain NUL characters' }]);
    expect(await counts()).toEqual(before);
  });
});
