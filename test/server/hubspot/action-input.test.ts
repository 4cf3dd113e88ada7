import request from 'supertest';
import { signRequest } from '../../../sandbox';
import { ACTION_REQUEST_LIMITS } from '../../../server/hubspot/action-request';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness';

const QUALIFY = '/hubspot/actions/qualify-referral';
const ENROL = '/hubspot/actions/enrol-contact';

function delivery(callbackId: string, inputFields: unknown = { program: 'spring' }, extra: Record<string, unknown> = {}) {
  return {
    callbackId,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: 501, objectType: 'CONTACT', properties: {} },
    inputFields,
    ...extra,
  };
}

/** Signed as HubSpot signs; the body is sent byte for byte as signed. */
function post(h: Harness, path: string, body: unknown) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + path, body: raw, timestamp: Date.now() });
  return request(h.url).post(path).set({ ...headers }).set('content-type', 'application/json').send(raw);
}

function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '"x"' + '}'.repeat(depth);
}

async function count(h: Harness, table: 'action_decisions' | 'jobs' | 'enrolments') {
  return Number((await h.database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
}

describe.each(dialects)('hostile input to the workflow actions on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect, setUp: false });
    await createProgram(h);
  });
  afterAll(() => h.close());

  it.each([QUALIFY, ENROL])('%s answers 400 naming the field when an input is not a text, number or true/false value', async (path) => {
    const before = [await count(h, 'action_decisions'), await count(h, 'jobs'), await count(h, 'enrolments')];
    for (const program of [{ toString: 1 }, ['spring'], { valueOf: 'spring' }]) {
      const res = await post(h, path, delivery(`ap-bad-input-${path}-${JSON.stringify(program)}`, { program }));
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.error.message).toBe('Invalid workflow action request: inputFields.program: must be a text, number or true/false value');
    }
    const nul = await post(h, path, delivery(`ap-nul-input-${path}`, { program: 'spr\u0000ing' }));
    expect({ status: nul.status, message: nul.body.error?.message }).toEqual({
      status: 400, message: 'Invalid request: inputFields.program: must not contain NUL characters',
    });
    const milestone = await post(h, path, delivery(`ap-bad-milestone-${path}`, { program: 'spring', milestone_kind: { toString: 1 } }));
    if (path === QUALIFY) expect(milestone.body.error.message).toMatch(/inputFields\.milestone_kind: must be a text/);
    expect([await count(h, 'action_decisions'), await count(h, 'jobs'), await count(h, 'enrolments')]).toEqual(before);
  });

  it.each([QUALIFY, ENROL])('%s refuses a delivery nested, wide or long beyond HubSpot\'s shape with a 4xx naming the bound', async (path) => {
    const before = await count(h, 'action_decisions');
    const deep = await post(h, path, `{"callbackId":"ap-deep","origin":{"portalId":1},"object":{"objectId":1,"objectType":"CONTACT"},"inputFields":{"program":${nested(5000)}}}`);
    expect({ status: deep.status, message: deep.body.error?.message }).toEqual({
      status: 400, message: `Invalid workflow action request: nested deeper than ${ACTION_REQUEST_LIMITS.maxDepth} levels`,
    });
    const wide = await post(h, path, delivery('ap-wide', Object.fromEntries(Array.from({ length: 1200 }, (_, i) => [`f${i}`, 'x']))));
    expect({ status: wide.status, message: wide.body.error?.message }).toEqual({
      status: 400, message: `Invalid workflow action request: more than ${ACTION_REQUEST_LIMITS.maxKeys} fields`,
    });
    const long = await post(h, path, delivery('ap-long', { program: 'spring', note: 'x'.repeat(ACTION_REQUEST_LIMITS.maxChars) }));
    expect({ status: long.status, code: long.body.error?.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    const nul = await post(h, path, delivery('ap-\u0000-nul'));
    expect({ status: nul.status, message: nul.body.error?.message }).toEqual({
      status: 400, message: 'Invalid request: callbackId: must not contain NUL characters',
    });
    expect(await count(h, 'action_decisions')).toBe(before);
  });

  it.each([QUALIFY, ENROL])('%s answers 400 to a signed request whose body is not JSON', async (path) => {
    const headers = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + path, body: '', timestamp: Date.now() });
    const res = await request(h.url).post(path).set({ ...headers }).set('content-type', 'text/plain').send('');
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('120 valid deliveries sent together with a poisoned one are all accepted; the poisoned one alone is refused', async () => {
    const before = await count(h, 'action_decisions');
    const valid = Array.from({ length: 120 }, (_, i) => delivery(`ap-flood-${i}`));
    const poisoned = `{"callbackId":"ap-flood-poison","origin":{"portalId":1},"object":{"objectId":1,"objectType":"CONTACT"},"inputFields":{"program":"spring","x":${nested(20_000)}}}`;
    const sent = [...valid.slice(0, 60).map((b) => post(h, QUALIFY, b)), post(h, QUALIFY, poisoned), ...valid.slice(60).map((b) => post(h, QUALIFY, b))];

    const answers = await Promise.all(sent);

    const poison = answers.splice(60, 1)[0]!;
    expect(poison.status).toBe(400);
    expect(answers.map((a) => `${a.status} ${a.body.outputFields?.hs_execution_state}`)).toEqual(valid.map(() => '200 BLOCK'));
    expect(await count(h, 'action_decisions')).toBe(before + 120);
  });
});
