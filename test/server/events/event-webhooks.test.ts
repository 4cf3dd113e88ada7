import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import request from 'supertest';
import { EVENT_TYPES, type EventBody } from '../../../src/app/packages/contracts/events';
import { EventDispatcher } from '../../../server/events/delivery';
import { verifySignatureHeader } from '../../../server/events/signature';
import { recordTransition } from '../../../server/ledger/audit';
import { OWNER_TASK_CREATE } from '../../../server/owner-tasks/jobs';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { pendingDeliveries, qualifiedReferral } from '../../support/event-fixtures';

const HOUR = 3_600_000;
const SECRET = 'evsec-test-0123456789abcdef';

interface Received { key: string; type: string; body: string; signature: string; receivedAt: number; status: number }

/**
 * A developer's endpoint on this machine. `answer` decides each request's status from how many came
 * before; `accepted` is what a receiver that deduplicates by Idempotency-Key keeps, in arrival order.
 */
async function startReceiver(clock: { now: number }, answer: (n: number) => number) {
  const calls: Received[] = [];
  let firstCall: () => void = () => undefined;
  const firstCallSeen = new Promise<void>((resolve) => { firstCall = resolve; });
  const app = express();
  app.use(express.text({ type: '*/*' }));
  app.post('/hooks/referrals', (req, res) => {
    const status = answer(calls.length);
    calls.push({
      key: req.get('idempotency-key') ?? '', type: req.get('referral-ops-event') ?? '', body: req.body as string,
      signature: req.get('referral-ops-signature') ?? '', receivedAt: clock.now, status,
    });
    firstCall();
    res.status(status).json({ ok: status === 200 });
  });
  const server: Server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/referrals`;
  const accepted = () => {
    const seen = new Set<string>();
    return calls.filter((c) => c.status === 200 && !seen.has(c.key) && seen.add(c.key));
  };
  return { url, calls, accepted, firstCallSeen, close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

function admin(h: Harness) {
  const auth = (t: request.Test) => t.set('authorization', `Bearer ${TEST_ADMIN_KEY}`).set('x-referral-ops-actor', 'hubspot-user:42:dev@example.org');
  return {
    post: (path: string, body: object = {}) => auth(request(h.url).post(path)).send(body),
    get: (path: string) => auth(request(h.url).get(path)),
    delete: (path: string) => auth(request(h.url).delete(path)),
    patch: (path: string, body: object) => auth(request(h.url).patch(path)).send(body),
  };
}

async function subscribe(h: Harness, url: string, eventTypes: readonly string[] = EVENT_TYPES) {
  const res = await admin(h).post('/api/programs/spring/event-subscriptions', { url, secret: SECRET, eventTypes });
  expect(res.status).toBe(201);
  return res.body.subscription as { id: string };
}

/** Lets every retry fall due (backoff is at most an hour) until the outbox is empty. */
async function deliverEverything(h: Harness, clock: { now: number }, dispatcher = h.service.dispatcher) {
  for (let round = 0; round < 40 && (await pendingDeliveries(h)) > 0; round++) {
    await dispatcher.drain();
    clock.now += HOUR;
  }
  expect(await pendingDeliveries(h)).toBe(0);
}

/** The event types each stream (referral) received, in the order accepted. */
function typesByReferral(accepted: Received[]): Record<string, string[]> {
  const streams: Record<string, string[]> = {};
  for (const c of accepted) {
    const body = JSON.parse(c.body) as EventBody;
    const referralId = 'referral' in body.data ? body.data.referral.id : 'reward' in body.data ? body.data.reward.referralId : body.data.enrolment.id;
    (streams[referralId] ??= []).push(c.type);
  }
  return streams;
}

describe.each(dialects)('Event webhooks on %s', (dialect) => {
  let h: Harness;
  const clock = { now: Date.now() };
  beforeEach(async () => {
    clock.now = Date.now();
    h = await startHarness({ dialect, clock: () => clock.now });
  });
  afterEach(() => h.close());

  it('a subscriber that fails five times then recovers gets every event once per key, signed, in order per referral', async () => {
    await createProgram(h);
    const receiver = await startReceiver(clock, (n) => (n < 5 ? 500 : 200));
    await subscribe(h, receiver.url);
    const referrals = [];
    for (let i = 0; i < 3; i++) referrals.push(await qualifiedReferral(h, clock));
    for (const { rewardId } of referrals) {
      expect((await admin(h).post(`/api/rewards/${rewardId}/issue`, { reference: `PAY-${rewardId}` })).status).toBe(200);
    }

    await deliverEverything(h, clock);
    await receiver.close();

    const events = await h.database.db.selectFrom('event_deliveries').select(['event_id', 'status']).orderBy('id').execute();
    expect(events).toHaveLength(9);
    expect(events.every((e) => e.status === 'delivered')).toBe(true);
    // Five refusals, then each event exactly once: nothing lost, nothing acknowledged twice.
    expect(receiver.calls.filter((c) => c.status === 500)).toHaveLength(5);
    expect(receiver.calls.filter((c) => c.status === 200).map((c) => c.key).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect(typesByReferral(receiver.accepted())).toEqual(Object.fromEntries(referrals.map(({ referralId }) =>
      [referralId, ['referral.qualified', 'reward.approved', 'reward.issued']])));

    for (const call of receiver.calls) {
      expect(verifySignatureHeader(SECRET, call.body, call.signature, call.receivedAt)).toMatchObject({ ok: true });
      const body = JSON.parse(call.body) as EventBody;
      expect(body).toMatchObject({ id: call.key, type: call.type, programId: 'spring' });
    }
    const issued = receiver.accepted().find((c) => c.type === 'reward.issued')!;
    const { rewardId } = referrals.find((r) => issued.body.includes(r.rewardId))!;
    expect(JSON.parse(issued.body).data).toMatchObject({
      reward: { id: rewardId, amount: 5000, currency: 'USD', status: 'issued', fulfilmentReference: `PAY-${rewardId}`, recipient: 'referrer' },
    });
  });

  it('a dispatcher killed mid-delivery loses no event: another takes its deliveries once the lease is over', async () => {
    await createProgram(h);
    const receiver = await startReceiver(clock, () => 200);
    await subscribe(h, receiver.url);
    const referrals = [];
    for (let i = 0; i < 3; i++) referrals.push(await qualifiedReferral(h, clock));

    // The first dispatcher sends one delivery and is never heard from again (until it is, late).
    let wakeUp: (res: Response) => void = () => undefined;
    const dying = new EventDispatcher(h.database, {
      clock: () => clock.now, logger: pino({ level: 'silent' }), leaseMs: 60_000,
      fetch: async (url, init) => {
        await fetch(url, init);
        return new Promise<Response>((resolve) => { wakeUp = resolve; });
      },
    });
    const dyingRound = dying.runDue();
    await receiver.firstCallSeen;

    clock.now += 60_001;
    await deliverEverything(h, clock);
    const events = await h.database.db.selectFrom('event_deliveries').select(['event_id', 'status', 'attempts']).orderBy('id').execute();
    expect(events).toHaveLength(6);
    expect(receiver.accepted().map((c) => c.key).sort()).toEqual(events.map((e) => e.event_id).sort());
    expect(typesByReferral(receiver.accepted())).toEqual(Object.fromEntries(referrals.map(({ referralId }) =>
      [referralId, ['referral.qualified', 'reward.approved']])));
    // The one sent before the crash came again with the same key; that is what the key is for.
    expect(receiver.calls).toHaveLength(7);

    // The dead dispatcher's late answer changes nothing, and it sends nothing it no longer holds.
    wakeUp(new Response(null, { status: 500 }));
    await dyingRound;
    expect(receiver.calls).toHaveLength(7);
    expect(await h.database.db.selectFrom('event_deliveries').select(['event_id', 'status', 'attempts']).orderBy('id').execute()).toEqual(events);
    await receiver.close();
  });

  it('an endpoint that keeps failing raises one owner task, not one per event, completed when it recovers', async () => {
    const owner = h.sandbox.portal.owners.add({ email: 'olivia.owner@example.org', firstName: 'Olivia', lastName: 'Owner' });
    await createProgram(h, { ownerId: owner.id });
    let down = true;
    const receiver = await startReceiver(clock, () => (down ? 503 : 200));
    await subscribe(h, receiver.url);
    for (let i = 0; i < 3; i++) await qualifiedReferral(h, clock);

    for (let round = 0; round < 8; round++) {
      await h.service.dispatcher.drain();
      clock.now += HOUR;
    }
    expect(receiver.calls.length).toBeGreaterThanOrEqual(3 * 8);
    const raises = await h.database.db.selectFrom('jobs').selectAll().where('kind', '=', OWNER_TASK_CREATE).execute();
    expect(raises).toHaveLength(1);
    await h.service.worker.drain();
    // The sandbox does not know the workflow callbacks qualifiedReferral made up, so their completions raise tasks of their own.
    const tasks = async () => (await h.hubspot.crm.objects.tasks.basicApi.getPage(100, undefined, ['hs_task_subject', 'hs_task_status', 'hubspot_owner_id']))
      .results.filter((t) => t.properties.hs_task_subject?.startsWith('Referral event webhook'));
    const [task, ...others] = await tasks();
    expect(others).toHaveLength(0);
    expect(task!.properties).toMatchObject({ hs_task_status: 'NOT_STARTED', hubspot_owner_id: owner.id, hs_task_subject: 'Referral event webhook failing: 127.0.0.1:' + new URL(receiver.url).port });

    down = false;
    await deliverEverything(h, clock);
    await h.service.worker.drain();
    expect((await tasks()).map((t) => t.properties.hs_task_status)).toEqual(['COMPLETED']);
    await receiver.close();
  });

  it('writes events only for subscribed types, in the transaction of the change: a refused change reports nothing', async () => {
    await createProgram(h);
    await subscribe(h, 'https://hooks.example/referral-ops', ['reward.issued', 'enrolment.created']);
    const { rewardId } = await qualifiedReferral(h, clock);
    expect(await h.database.db.selectFrom('event_deliveries').selectAll().execute()).toHaveLength(0);

    expect((await admin(h).post(`/api/rewards/${rewardId}/issue`, { reference: 'PAY-1' })).status).toBe(200);
    // A repeated decision changes nothing and reports nothing; a refused one neither.
    expect((await admin(h).post(`/api/rewards/${rewardId}/issue`, { reference: 'PAY-1' })).status).toBe(200);
    expect((await admin(h).post(`/api/rewards/${rewardId}/reject`, { reason: 'too late now' })).status).toBe(409);
    const contact = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'new.referrer@example.org' }, associations: [] });
    expect((await admin(h).post('/api/programs/spring/enrolments', { contactId: contact.id })).status).toBe(201);

    const rows = await h.database.db.selectFrom('event_deliveries').selectAll().orderBy('id').execute();
    expect(rows.map((r) => r.event_type)).toEqual(['reward.issued', 'enrolment.created']);
    expect(JSON.parse(rows[1]!.payload)).toMatchObject({ type: 'enrolment.created', data: { enrolment: { contactId: contact.id, source: 'manual' } } });
  });

  it('an event is part of its ledger change: a transaction that rolls back leaves no delivery', async () => {
    await createProgram(h);
    await subscribe(h, 'https://hooks.example/referral-ops');
    const { referralId } = await createReferral(h);
    await expect(h.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('referrals').set({ status: 'rejected' }).where('id', '=', referralId).execute();
      await recordTransition(trx, { entity: 'referral', entityId: referralId, from: 'captured', to: 'rejected', actor: { type: 'system', id: 'test' }, at: clock.now });
      expect(await trx.selectFrom('event_deliveries').select('event_type').execute()).toEqual([{ event_type: 'referral.rejected' }]);
      throw new Error('the change fails after its event was written');
    })).rejects.toThrow('the change fails');
    expect(await h.database.db.selectFrom('event_deliveries').selectAll().execute()).toHaveLength(0);
  });
});

describe.each(dialects)('Pausing event subscriptions on %s', (dialect) => {
  let h: Harness;
  const clock = { now: Date.now() };
  beforeEach(async () => {
    clock.now = Date.now();
    h = await startHarness({ dialect, clock: () => clock.now });
  });
  afterEach(() => h.close());

  it('a paused subscription records nothing new and holds what waits; resumed, it gets the held events in order', async () => {
    await createProgram(h);
    const receiver = await startReceiver(clock, () => 200);
    const { id } = await subscribe(h, receiver.url, ['referral.qualified', 'reward.approved', 'reward.issued']);
    const held = await qualifiedReferral(h, clock);

    const paused = await admin(h).patch(`/api/event-subscriptions/${id}`, { status: 'paused' });
    expect(paused.status).toBe(200);
    expect(paused.body.subscription).toMatchObject({ id, status: 'paused' });
    expect((await admin(h).post(`/api/rewards/${held.rewardId}/issue`, { reference: 'PAY-1' })).status).toBe(200);
    clock.now += HOUR;
    await h.service.dispatcher.drain();
    expect(receiver.calls).toEqual([]);
    expect(await pendingDeliveries(h)).toBe(2);

    expect((await admin(h).patch(`/api/event-subscriptions/${id}`, { status: 'active' })).body.subscription).toMatchObject({ status: 'active' });
    await deliverEverything(h, clock);
    await receiver.close();
    // The issue happened while paused: not recorded. What waited went out once resumed.
    expect(typesByReferral(receiver.accepted())).toEqual({ [held.referralId]: ['referral.qualified', 'reward.approved'] });
  });

  it("the program's fulfilment webhook is listed as a subscription that only the program's setting changes", async () => {
    await createProgram(h, { fulfilment: { kind: 'webhook', url: 'https://payouts.example/hook', secretRef: 'REWARD_WEBHOOK_SECRET' } });
    const list = await admin(h).get('/api/programs/spring/event-subscriptions');
    expect(list.body.subscriptions).toEqual([expect.objectContaining({
      kind: 'fulfilment', status: 'active', url: 'https://payouts.example/hook', secretRef: 'REWARD_WEBHOOK_SECRET', eventTypes: ['reward.approved'],
    })]);
    const { id } = list.body.subscriptions[0] as { id: string };
    for (const res of [await admin(h).patch(`/api/event-subscriptions/${id}`, { status: 'paused' }), await admin(h).delete(`/api/event-subscriptions/${id}`)]) {
      expect(res.status).toBe(409);
      expect(res.body.error.message).toContain("change the program's fulfilment setting");
    }
    await createProgram(h, { fulfilment: { kind: 'webhook', url: 'https://payouts.example/v2', secretRef: 'REWARD_WEBHOOK_SECRET' } });
    expect((await admin(h).get('/api/programs/spring/event-subscriptions')).body.subscriptions).toEqual([expect.objectContaining({ id, url: 'https://payouts.example/v2' })]);
    await createProgram(h, { fulfilment: { kind: 'manual' } });
    expect((await admin(h).get('/api/programs/spring/event-subscriptions')).body.subscriptions).toEqual([]);
  });
});

describe('Event subscriptions admin API', () => {
  let h: Harness;
  const clock = { now: Date.now() };
  beforeEach(async () => {
    h = await startHarness({ clock: () => clock.now });
    await createProgram(h);
  });
  afterEach(() => h.close());

  it.each([
    [{ url: 'http://hooks.example/x', secret: SECRET, eventTypes: ['reward.issued'] }, 'url'],
    [{ url: 'https://user:pw@hooks.example/x', secret: SECRET, eventTypes: ['reward.issued'] }, 'url'],
    [{ url: 'https://hooks.example/x', secret: 'short', eventTypes: ['reward.issued'] }, 'secret'],
    [{ url: 'https://hooks.example/x', secret: SECRET, eventTypes: ['reward.paid'] }, 'eventTypes.0'],
    [{ url: 'https://hooks.example/x', secret: SECRET, eventTypes: [] }, 'eventTypes'],
    [{ url: 'https://hooks.example/x', eventTypes: ['reward.issued'] }, 'secret'],
    [{ url: 'https://hooks.example/x', secret: SECRET, secretRef: 'REFERRAL_EVENTS_SECRET_TEST', eventTypes: ['reward.issued'] }, 'secret'],
    [{ url: 'https://hooks.example/x', secretRef: 'events-secret', eventTypes: ['reward.issued'] }, 'secretRef'],
    [{ url: 'https://hooks.example/x', secretRef: 'NO_SUCH_SETTING_ANYWHERE', eventTypes: ['reward.issued'] }, 'secretRef'],
  ])('refuses %j with a 400 naming %s, and stores nothing', async (body, path) => {
    const res = await admin(h).post('/api/programs/spring/event-subscriptions', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.issues[0].path).toBe(path);
    expect(await h.database.db.selectFrom('event_subscriptions').selectAll().execute()).toHaveLength(0);
  });

  it('signs with the secret held in the service setting a subscription names, never storing or showing it', async () => {
    process.env.REFERRAL_EVENTS_SECRET_TEST = SECRET;
    try {
      const receiver = await startReceiver(clock, () => 200);
      const res = await admin(h).post('/api/programs/spring/event-subscriptions', { url: receiver.url, secretRef: 'REFERRAL_EVENTS_SECRET_TEST', eventTypes: ['reward.approved'] });
      expect(res.status).toBe(201);
      expect(res.body.subscription).toMatchObject({ kind: 'webhook', status: 'active', secretRef: 'REFERRAL_EVENTS_SECRET_TEST' });
      expect(JSON.stringify(await h.database.db.selectFrom('event_subscriptions').selectAll().execute())).not.toContain(SECRET);
      await qualifiedReferral(h, clock);
      await h.service.dispatcher.drain();
      await receiver.close();
      expect(receiver.calls).toHaveLength(1);
      expect(verifySignatureHeader(SECRET, receiver.calls[0]!.body, receiver.calls[0]!.signature, receiver.calls[0]!.receivedAt)).toMatchObject({ ok: true });
    } finally {
      delete process.env.REFERRAL_EVENTS_SECRET_TEST;
    }
  });

  it('refuses a change other than pausing or resuming, and answers 404 for an unknown subscription', async () => {
    const { id } = await subscribe(h, 'https://hooks.example/referral-ops');
    const bad = await admin(h).patch(`/api/event-subscriptions/${id}`, { status: 'deleted' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.issues[0].path).toBe('status');
    expect((await admin(h).get('/api/programs/spring/event-subscriptions')).body.subscriptions).toEqual([expect.objectContaining({ id, status: 'active' })]);
    expect((await admin(h).patch('/api/event-subscriptions/sub_nope', { status: 'paused' })).status).toBe(404);
  });

  it('answers 404 for a program that does not exist', async () => {
    const res = await admin(h).post('/api/programs/autumn/event-subscriptions', { url: 'https://hooks.example/x', secret: SECRET, eventTypes: ['reward.issued'] });
    expect(res.status).toBe(404);
  });

  it('never shows the secret, and a deleted subscription is sent nothing more', async () => {
    const { id } = await subscribe(h, 'https://hooks.example/referral-ops');
    const list = await admin(h).get('/api/programs/spring/event-subscriptions');
    expect(list.body.subscriptions).toEqual([expect.objectContaining({ id, url: 'https://hooks.example/referral-ops', eventTypes: [...EVENT_TYPES] })]);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    await qualifiedReferral(h, clock);
    expect((await admin(h).delete(`/api/event-subscriptions/${id}`)).status).toBe(204);
    expect(await pendingDeliveries(h)).toBe(0);
    expect((await admin(h).get('/api/programs/spring/event-subscriptions')).body.subscriptions).toEqual([]);
    expect((await admin(h).delete(`/api/event-subscriptions/${id}`)).status).toBe(404);
  });
});
