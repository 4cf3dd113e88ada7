import request from 'supertest';
import { signedHeaders, VirtualScheduler } from '../../../sandbox';
import { dialects } from '../../support/databases';
import { createProgram, SANDBOX_TOKEN, startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness';
import { qualifyByWonDeal } from '../../support/qualify-action';

const WEBHOOK_PATH = '/hubspot/webhooks';
const MINUTE = 60_000;

const rewardStatuses = (h: Harness, referralId: string) =>
  h.database.db.selectFrom('rewards').select('status').where('referral_id', '=', referralId).execute().then((rows) => rows.map((r) => r.status));

describe.each(dialects)('HubSpot webhook signatures on %s', (dialect) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ dialect, setUp: false });
  });
  afterAll(() => h.close());

  const body = JSON.stringify([{ eventId: 1, subscriptionId: 1, portalId: 1, occurredAt: 1, subscriptionType: 'object.propertyChange', attemptNumber: 0, objectId: 5, objectTypeId: '0-3', propertyName: 'amount', propertyValue: '1' }]);
  const url = () => h.url + WEBHOOK_PATH;
  const send = (headers: Record<string, string>, payload = body) => request(h.url).post(WEBHOOK_PATH).set(headers).type('json').send(payload);
  const v3 = (overrides: { timestamp?: number; secret?: string; payload?: string } = {}) =>
    signedHeaders({ clientSecret: overrides.secret ?? TEST_CLIENT_SECRET, method: 'POST', url: url(), body: overrides.payload ?? body, timestamp: overrides.timestamp ?? Date.now() }, 'v3');
  const v1 = (payload = body) => signedHeaders({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: url(), body: payload, timestamp: Date.now() }, 'v1');
  const v2 = () => signedHeaders({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: url(), body, timestamp: Date.now() }, 'v2');
  let refusedEventId = 100;
  const recorded = () => h.database.db.selectFrom('webhook_events').select('event_id').execute();

  it.each([
    ['v3 with v1 alongside (what HubSpot sends today)', () => ({ ...v3(), ...v1() })],
    ['v3 alone', () => v3()],
    ['v1 alone (webhook subscriptions historically)', () => v1()],
    ['v2 (the other older version the guide names)', () => v2()],
  ])('accepts %s', async (_name, headers) => {
    const res = await send(headers());
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([{ eventId: '1', outcome: expect.stringMatching(/^(ignored|duplicate)$/) }]);
  });

  it.each([
    ['no signature', (_sent: string) => ({}), /no HubSpot signature/],
    ['a v3 timestamp six minutes old', (sent: string) => v3({ timestamp: Date.now() - 6 * MINUTE, payload: sent }), /more than 5 minutes/],
    ['a v3 signature made with another secret', (sent: string) => v3({ secret: 'someone-else', payload: sent }), /v3 signature does not match/],
    ['a body changed after v3 signing', () => v3(), /v3 signature does not match/],
    ['a body changed after v1 signing', () => v1(), /v1 signature does not match/],
    ['a failing v3 next to a valid v1 (no fallback to the weaker scheme)', (sent: string) => ({ ...v3({ secret: 'someone-else', payload: sent }), ...v1(sent) }), /v3 signature does not match/],
    ['an older signature without its version header', (sent: string) => ({ 'X-HubSpot-Signature': v1(sent)['X-HubSpot-Signature'] }), /X-HubSpot-Signature-Version is missing/],
  ])('refuses %s with 401, writing nothing', async (_name, headersFor, reason) => {
    // Signed over `sent` except in the tampered cases, which were signed over the original `body`.
    const eventId = String(++refusedEventId);
    const sent = body.replace('"eventId":1', `"eventId":${eventId}`).replace('"propertyValue":"1"', '"propertyValue":"2"');
    const res = await send(headersFor(sent), sent);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(reason);
    expect((await recorded()).map((r) => r.event_id)).not.toContain(eventId);
  });
});

describe.each(dialects)('deal-stage webhooks sent by the sandbox on %s', (dialect) => {
  let h: Harness;
  let scheduler: VirtualScheduler;
  beforeEach(async () => {
    scheduler = new VirtualScheduler();
    h = await startHarness({ dialect, clock: () => scheduler.now(), sandbox: { scheduler, webhooks: true } });
  });
  afterEach(() => h.close());

  it('a deal moved out of closed won in the portal reaches the service as HubSpot sends it and cancels the reward', async () => {
    await createProgram(h);
    const { dealId, referralId, outputFields } = await qualifyByWonDeal(h);
    expect(outputFields.referral_status).toBe('qualified');
    expect(await rewardStatuses(h, referralId)).toEqual(['approved']);

    await h.hubspot.crm.deals.basicApi.update(dealId, { properties: { dealstage: 'contractsent', amount: '900' } });
    await h.sandbox.webhooks!.idle();

    expect(await rewardStatuses(h, referralId)).toEqual(['canceled']);
    const deliveries = h.sandbox.webhooks!.deliveries();
    // The deal's creation sent nothing (no object.creation subscription); the amount change neither.
    expect(deliveries).toHaveLength(1);
    const [delivery] = deliveries;
    expect(delivery!.status).toBe('DELIVERED');
    expect(delivery!.attempts[0]!.headers).toMatchObject({ 'X-HubSpot-Signature-Version': 'v1', 'X-HubSpot-Request-Timestamp': String(scheduler.now()) });
    expect(JSON.parse(delivery!.attempts[0]!.body)).toEqual([expect.objectContaining({
      subscriptionType: 'object.propertyChange', objectTypeId: '0-3', objectId: Number(dealId),
      propertyName: 'dealstage', propertyValue: 'contractsent', attemptNumber: 0, eventId: expect.any(Number), occurredAt: scheduler.now(),
    })]);
  });

  it('batches the changes of one batch update into one request', async () => {
    await createProgram(h);
    const deals = await h.hubspot.crm.deals.batchApi.create({
      inputs: [1, 2, 3].map((n) => ({ properties: { dealname: `Deal ${n}`, pipeline: 'default', dealstage: 'appointmentscheduled' }, associations: [] })),
    });
    await h.hubspot.crm.deals.batchApi.update({ inputs: deals.results.map((d) => ({ id: d.id, properties: { dealstage: 'closedlost' } })) });
    await h.sandbox.webhooks!.idle();
    const deliveries = h.sandbox.webhooks!.deliveries();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]!.events.map((e) => String(e.objectId)).sort()).toEqual(deals.results.map((d) => d.id).sort());
    expect(await h.database.db.selectFrom('webhook_events').selectAll().execute()).toHaveLength(3);
  });

  it('retries a delivery the service failed, with attemptNumber counting up, until it is handled', async () => {
    await createProgram(h);
    const { dealId, referralId, outputFields } = await qualifyByWonDeal(h);
    expect(outputFields.referral_status).toBe('qualified');
    // HubSpot's CRM API fails while the service checks the deal: the service answers 5xx.
    const faults = (body: object) => request(h.sandbox.url).post('/sandbox/faults').set('authorization', `Bearer ${SANDBOX_TOKEN}`).send(body);
    expect((await faults({ rate: 1, statuses: [500] })).status).toBe(200);
    // A user moves the deal in HubSpot (an in-portal write, untouched by the API faults).
    h.sandbox.portal.update('deals', dealId, { dealstage: 'closedlost' });
    await h.sandbox.webhooks!.idle();
    expect(h.sandbox.webhooks!.deliveries()[0]).toMatchObject({ status: 'RETRY_SCHEDULED' });
    expect(h.sandbox.webhooks!.deliveries()[0]!.attempts[0]!.status).toBeGreaterThanOrEqual(500);
    expect(await rewardStatuses(h, referralId)).toEqual(['approved']);

    await faults({ rate: 0 });
    await scheduler.advance(MINUTE);
    await h.sandbox.webhooks!.idle();

    const [delivery] = h.sandbox.webhooks!.deliveries();
    expect(delivery!.status).toBe('DELIVERED');
    expect(delivery!.attempts.map((a) => (JSON.parse(a.body) as Array<{ attemptNumber: number }>)[0]!.attemptNumber)).toEqual([0, 1]);
    expect(await rewardStatuses(h, referralId)).toEqual(['canceled']);
  });
});
