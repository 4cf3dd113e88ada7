import request from 'supertest';
import { signRequest } from '../../../sandbox';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, TEST_CLIENT_SECRET, createProgram, startHarness, type Harness } from '../../support/harness';
import { QUALIFY_ACTION_PATH } from '../../support/qualify-action';

/**
 * What an endpoint acts on must be what its signature (or its admin key) covered: a body the JSON
 * parser skips would otherwise reach the handler as "no body" and run with the defaults.
 */
describe.each(dialects)('request bodies on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect });
    await createProgram(h);
  });
  afterAll(() => h.close());

  const runs = () => h.database.db.selectFrom('bulk_runs').selectAll().execute();

  it('refuses {"dryRun":true} sent as text/plain to the enrolment-run endpoint, and starts nothing', async () => {
    const res = await request(h.url).post('/api/programs/spring/enrolment-runs').set(ADMIN_HEADERS)
      .set('Content-Type', 'text/plain').send('{"dryRun":true}');
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/^This service reads application\/json .*, not text\/plain$/) });
    expect(await runs()).toEqual([]);
  });

  it('refuses a body without a Content-Type, and a form body, on the admin API', async () => {
    const bare = await request(h.url).post('/api/programs/spring/enrolment-runs').set(ADMIN_HEADERS)
      .set('Content-Type', '').send(Buffer.from('{"dryRun":true}'));
    expect(bare.status).toBe(415);
    const form = await request(h.url).post('/api/programs/spring/enrolment-runs').set(ADMIN_HEADERS).type('form').send({ dryRun: 'true' });
    expect(form.status).toBe(415);
    expect(form.body.error).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'This endpoint reads application/json bodies, not application/x-www-form-urlencoded',
      details: { accepted: ['application/json'] },
    });
    expect(await runs()).toEqual([]);
  });

  it('still takes the same body as JSON, and a POST without any body', async () => {
    const res = await request(h.url).post('/api/programs/spring/enrolment-runs').set(ADMIN_HEADERS).send({ dryRun: true });
    expect(res.status).toBe(202);
    expect(res.body.run.dryRun).toBe(true);
    const unknownReward = await request(h.url).post('/api/rewards/no-such-reward/approve').set(ADMIN_HEADERS);
    expect(unknownReward.status).toBe(404);
  });

  it('asks for the admin key before saying which body types the admin API reads', async () => {
    const res = await request(h.url).post('/api/programs/spring/enrolment-runs').type('form').send({ dryRun: 'true' });
    expect(res.status).toBe(401);
  });

  it('refuses a signed action delivery that is not JSON, even when the signature covers its bytes', async () => {
    const body = JSON.stringify({
      callbackId: 'ap-1-2-3-0', origin: { portalId: 1, actionDefinitionId: 1, actionDefinitionVersion: 1 },
      context: { source: 'WORKFLOWS', workflowId: 1 }, object: { objectId: 904, objectType: 'CONTACT' }, inputFields: { program: 'spring' },
    });
    const signed = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + QUALIFY_ACTION_PATH, body, timestamp: Date.now() });
    const res = await request(h.url).post(QUALIFY_ACTION_PATH).set(signed as unknown as Record<string, string>)
      .set('Content-Type', 'text/plain').send(body);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await h.database.db.selectFrom('action_decisions').selectAll().execute()).toEqual([]);
  });

  it('refuses a public submission in any type but a form or JSON, and writes nothing', async () => {
    const res = await request(h.url).post('/api/referrals').set('Content-Type', 'text/plain')
      .send('{"programId":"spring","email":"finn@example.com","consent":true}');
    expect(res.status).toBe(415);
    expect(res.body.error.message).toBe('This service reads application/json or application/x-www-form-urlencoded bodies, not text/plain');
    expect(await h.database.db.selectFrom('referrals').selectAll().execute()).toEqual([]);
    const signup = await request(h.url).post('/api/signups').set('Content-Type', 'application/xml').send('<signup/>');
    expect(signup.status).toBe(415);
  });
});
