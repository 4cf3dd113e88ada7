import request from 'supertest';
import type { Express } from 'express';
import { signedHeaders } from '../../../sandbox';
import { createApp } from '../../../server/app';
import { loadConfig } from '../../../server/config';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness';
import { listRoutes } from '../../fuzz/routes';

const ACTIONS = ['/hubspot/actions/qualify-referral', '/hubspot/actions/enrol-contact'];

function actionBody(callbackId: string) {
  return JSON.stringify({
    callbackId,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: 501, objectType: 'CONTACT', properties: {} },
    inputFields: { program: 'spring' },
  });
}

/** HubSpot's headers for a request, or only its v2 pair: a captured request replayed without its timestamp. */
function headers(h: Harness, path: string, body: string, only: 'v2' | 'v3+v2', timestamp = Date.now()): Record<string, string> {
  return signedHeaders({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + path, body, timestamp }, only);
}

const send = (app: Express, path: string, body: string, hdrs: Record<string, string>) =>
  request(app).post(path).set(hdrs).set('content-type', 'application/json').send(body);

async function rowCounts(h: Harness) {
  const db = h.database.db;
  const count = async (table: 'action_decisions' | 'jobs' | 'enrolments' | 'webhook_events') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  return { decisions: await count('action_decisions'), jobs: await count('jobs'), enrolments: await count('enrolments'), webhooks: await count('webhook_events') };
}

describe.each(dialects)('replay protection of signed routes on %s', (dialect) => {
  let h: Harness;
  let app: Express;
  beforeAll(async () => {
    h = await startHarness({ dialect, setUp: false });
    await createProgram(h);
    app = createApp(h.service.ctx);
  });
  afterAll(() => h.close());

  // Webhook deliveries are deduplicated by eventId, so they accept HubSpot's older signatures (test/server/webhooks).
  const REPLAY_SAFE = [...ACTIONS, '/hubspot/webhooks'];

  it('every signed route other than a workflow action or the webhooks refuses a v2-only request, and writes nothing', async () => {
    const signedRoutes = listRoutes(app).filter((r) => r.path.startsWith('/hubspot/'));
    // The list is read from the app, so a signed route added later is held to the same rule.
    expect(signedRoutes.map((r) => r.path)).toEqual(expect.arrayContaining([...ACTIONS, '/hubspot/webhooks', '/hubspot/options/programs']));
    const before = await rowCounts(h);
    for (const route of signedRoutes.filter((r) => !REPLAY_SAFE.includes(r.path))) {
      const body = JSON.stringify({ inputFields: {}, fetchOptions: {} });
      const v2Only = await send(app, route.path, body, headers(h, route.path, body, 'v2'));
      expect({ route: route.path, status: v2Only.status, code: v2Only.body.error?.code }).toEqual({ route: route.path, status: 401, code: 'INVALID_SIGNATURE' });
      expect(v2Only.body.error.message).toMatch(/needs a v3 signature/);
      // The same request with its v3 headers passes the gate.
      const v3 = await send(app, route.path, body, headers(h, route.path, body, 'v3+v2'));
      expect({ route: route.path, status: v3.status }).toEqual({ route: route.path, status: 200 });
    }
    expect(await rowCounts(h)).toEqual(before);
  });

  it('a workflow action accepts a v2-only delivery, and its replay gets the first answer and changes nothing', async () => {
    const path = '/hubspot/actions/qualify-referral';
    const body = actionBody('ap-replayed-1');
    const first = await send(app, path, body, headers(h, path, body, 'v2'));
    expect(first.status).toBe(200);
    const afterFirst = await rowCounts(h);
    const replay = await send(app, path, body, headers(h, path, body, 'v2', Date.now() - 30 * 24 * 3600_000));
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(first.body);
    expect(await rowCounts(h)).toEqual(afterFirst);
  });

  it('HUBSPOT_REQUIRE_V3 refuses v2-only deliveries on the workflow actions and the webhooks too', async () => {
    const strict = createApp({ ...h.service.ctx, config: { ...h.service.ctx.config, requireSignatureV3: true } });
    const before = await rowCounts(h);
    const event = JSON.stringify([{ eventId: 9001, subscriptionType: 'object.propertyChange', objectId: 1, propertyName: 'dealstage', propertyValue: 'closedlost', occurredAt: Date.now() }]);
    const webhook = await send(strict, '/hubspot/webhooks', event, headers(h, '/hubspot/webhooks', event, 'v2'));
    expect({ status: webhook.status, code: webhook.body.error?.code }).toEqual({ status: 401, code: 'INVALID_SIGNATURE' });
    for (const path of ACTIONS) {
      const body = actionBody(`ap-strict-${path.length}`);
      const v2Only = await send(strict, path, body, headers(h, path, body, 'v2'));
      expect({ path, status: v2Only.status, code: v2Only.body.error?.code }).toEqual({ path, status: 401, code: 'INVALID_SIGNATURE' });
    }
    expect(await rowCounts(h)).toEqual(before);
    const path = ACTIONS[0]!;
    const body = actionBody('ap-strict-v3');
    expect((await send(strict, path, body, headers(h, path, body, 'v3+v2'))).status).toBe(200);
  });
});

describe('the HUBSPOT_REQUIRE_V3 setting', () => {
  it('is off unless set, and a value that is not a yes or no stops the service naming the variable', () => {
    expect(loadConfig({}).requireSignatureV3).toBe(false);
    expect(loadConfig({ HUBSPOT_REQUIRE_V3: 'true' }).requireSignatureV3).toBe(true);
    expect(loadConfig({ HUBSPOT_REQUIRE_V3: 'false' }).requireSignatureV3).toBe(false);
    expect(() => loadConfig({ HUBSPOT_REQUIRE_V3: 'sometimes' })).toThrow(/^Invalid configuration: HUBSPOT_REQUIRE_V3 must be true or false$/);
  });
});
