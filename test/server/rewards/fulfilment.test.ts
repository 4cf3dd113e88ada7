import { createHmac } from 'node:crypto';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import request from 'supertest';
import { EventDispatcher } from '../../../server/events/delivery';
import { fulfilmentSubscriptionId } from '../../../server/events/fulfilment-subscription';
import { verifySignatureHeader } from '../../../server/events/signature';
import { enqueue } from '../../../server/jobs/queue';
import { OWNER_TASK_CREATE } from '../../../server/owner-tasks/jobs';
import { fulfilmentDelivery } from '../../../server/rewards/fulfilment';
import { FULFIL_WEBHOOK } from '../../../server/rewards/fulfilment-job';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { pendingDeliveries, qualifiedReferral } from '../../support/event-fixtures';

const HOOK = 'https://payouts.example/referral-rewards';
const SECRET = 'whsec-test-0123456789';
const ENV = { REWARD_WEBHOOK_SECRET: SECRET };
const HOUR = 3_600_000;
const WEBHOOK = { kind: 'webhook', url: HOOK, secretRef: 'REWARD_WEBHOOK_SECRET' } as const;

interface Call { key: string; signature: string; timestamped: string; body: string; status: number; receivedAt: number }

/**
 * A payout provider on this machine; the service's https URL is routed to it. `answer` decides each
 * request's status from how many came before; a 200 carries the reference `PAY-<Idempotency-Key>`.
 */
async function startReceiver(clock: { now: number }, answer: (n: number) => number = () => 200) {
  const calls: Call[] = [];
  let firstCall: () => void = () => undefined;
  const firstCallSeen = new Promise<void>((resolve) => { firstCall = resolve; });
  const app = express();
  app.use(express.text({ type: '*/*' }));
  app.post('/referral-rewards', (req, res) => {
    const status = answer(calls.length);
    const key = req.get('idempotency-key') ?? '';
    calls.push({
      key, signature: req.get('x-referral-ops-signature') ?? '', timestamped: req.get('referral-ops-signature') ?? '', body: req.body as string,
      status, receivedAt: clock.now,
    });
    firstCall();
    res.status(status).json(status === 200 ? { reference: `PAY-${key}` } : { error: 'try later' });
  });
  const server: Server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const routed: typeof fetch = (input, init) => fetch(String(input).replace('https://payouts.example', base), init);
  /** What a receiver that pays once per Idempotency-Key pays. */
  const paid = () => [...new Set(calls.filter((c) => c.status === 200).map((c) => c.key))];
  return { calls, routed, paid, firstCallSeen, close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }) };
}

function dispatcher(h: Harness, clock: { now: number }, routed: typeof fetch, opts: { env?: Record<string, string>; leaseMs?: number } = {}) {
  return new EventDispatcher(h.database, {
    clock: () => clock.now, logger: pino({ level: 'silent' }), fetch: routed, env: opts.env ?? ENV, leaseMs: opts.leaseMs,
    kinds: { fulfilment: fulfilmentDelivery(h.service.ctx) },
  });
}

const admin = (h: Harness) => ({
  post: (path: string, body: object) => request(h.url).post(path).set('authorization', `Bearer ${TEST_ADMIN_KEY}`)
    .set('x-referral-ops-actor', 'hubspot-user:42:pay@example.org').send(body),
});

/** Lets every retry fall due (backoff is at most an hour) until the outbox is empty. */
async function deliverEverything(h: Harness, clock: { now: number }, d: EventDispatcher) {
  for (let round = 0; round < 40 && (await pendingDeliveries(h)) > 0; round++) {
    await d.drain();
    clock.now += HOUR;
  }
  expect(await pendingDeliveries(h)).toBe(0);
}

async function reward(h: Harness, id: string) {
  return h.database.db.selectFrom('rewards').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function trail(h: Harness, id: string) {
  return h.database.db.selectFrom('audit_events').select(['from_status', 'to_status', 'actor_id', 'reason']).where('entity_id', '=', id).orderBy('id').execute();
}

describe.each(dialects)('webhook fulfilment through the event outbox on %s', (dialect) => {
  let h: Harness;
  const clock = { now: Date.now() };
  beforeEach(async () => {
    clock.now = Date.now();
    h = await startHarness({ dialect, clock: () => clock.now });
  });
  afterEach(() => h.close());

  it('posts an approved reward once, signed both ways, with the reward id as Idempotency-Key, retrying until acknowledged', async () => {
    await createProgram(h, { fulfilment: WEBHOOK });
    const receiver = await startReceiver(clock, (n) => (n === 0 ? 503 : 200));
    const { rewardId } = await qualifiedReferral(h, clock);
    await deliverEverything(h, clock, dispatcher(h, clock, receiver.routed));
    await receiver.close();

    expect(receiver.calls.map((c) => [c.key, c.status])).toEqual([[rewardId, 503], [rewardId, 200]]);
    for (const call of receiver.calls) {
      expect(call.signature).toBe(createHmac('sha256', SECRET).update(call.body).digest('hex'));
      // The scheme of event deliveries, so a receiver verifies both the same way.
      expect(verifySignatureHeader(SECRET, call.body, call.timestamped, call.receivedAt)).toMatchObject({ ok: true });
      expect(verifySignatureHeader('another-secret-0123456789', call.body, call.timestamped, call.receivedAt)).toMatchObject({ ok: false });
    }
    // The body receivers were written against, unchanged.
    expect(JSON.parse(receiver.calls[0]!.body)).toEqual({
      type: 'reward.approved',
      reward: { id: rewardId, programId: 'spring', referralId: expect.any(String), recipient: 'referrer', recipientContactId: expect.any(String), kind: 'credit', amount: 5000, currency: 'USD' },
    });
    expect(await reward(h, rewardId)).toMatchObject({ status: 'issued', fulfilment_ref: `PAY-${rewardId}` });
    expect((await trail(h, rewardId)).map((t) => [t.from_status, t.to_status, t.actor_id])).toEqual([
      [null, 'approved', null],
      ['approved', 'issued', 'webhook-fulfilment'],
    ]);
  });

  it('a receiver that fails five times then recovers is paid once per key, the reward issued with its reference; its endpoint raised one owner task, completed on recovery', async () => {
    const owner = h.sandbox.portal.owners.add({ email: 'olivia.owner@example.org', firstName: 'Olivia', lastName: 'Owner' });
    await createProgram(h, { ownerId: owner.id, fulfilment: WEBHOOK });
    const receiver = await startReceiver(clock, (n) => (n < 5 ? 500 : 200));
    const { rewardId } = await qualifiedReferral(h, clock);
    const d = dispatcher(h, clock, receiver.routed);
    for (let round = 0; round < 10 && receiver.calls.length < 5; round++) {
      await d.drain();
      clock.now += HOUR;
    }
    await h.service.worker.drain();
    // The sandbox does not know the workflow callbacks approvedReward made up, so their completions raise tasks of their own.
    const tasks = async () => (await h.hubspot.crm.objects.tasks.basicApi.getPage(100, undefined, ['hs_task_subject', 'hs_task_status']))
      .results.filter((t) => t.properties.hs_task_subject?.startsWith('Referral reward payouts failing'));
    expect((await tasks()).map((t) => t.properties.hs_task_status)).toEqual(['NOT_STARTED']);

    await deliverEverything(h, clock, d);
    await h.service.worker.drain();
    await receiver.close();
    expect((await tasks()).map((t) => t.properties.hs_task_status)).toEqual(['COMPLETED']);

    // Five refusals, then acknowledged once: nothing lost, nothing paid twice.
    expect(receiver.calls.map((c) => [c.key, c.status])).toEqual([...Array(5).fill([rewardId, 500]), [rewardId, 200]]);
    expect(await reward(h, rewardId)).toMatchObject({ status: 'issued', fulfilment_ref: `PAY-${rewardId}` });
    expect((await trail(h, rewardId)).filter((t) => t.to_status === 'issued')).toEqual([
      { from_status: 'approved', to_status: 'issued', actor_id: 'webhook-fulfilment', reason: `Issued: PAY-${rewardId}` },
    ]);
    const raises = await h.database.db.selectFrom('jobs').select('payload').where('kind', '=', OWNER_TASK_CREATE).execute();
    expect(raises.map((r) => JSON.parse(r.payload).item as string).filter((item) => item.startsWith('event-endpoint:')))
      .toEqual([expect.stringMatching(new RegExp(`^event-endpoint:${fulfilmentSubscriptionId('spring')}@`))]);
  });

  it('a dispatcher killed mid-delivery loses no fulfilment, and its late answer issues nothing', async () => {
    await createProgram(h, { fulfilment: WEBHOOK });
    const receiver = await startReceiver(clock);
    const rewards = [];
    for (let i = 0; i < 3; i++) rewards.push(await qualifiedReferral(h, clock));

    // The first dispatcher sends one fulfilment and is never heard from again (until it is, late).
    let wakeUp: (res: Response) => void = () => undefined;
    const dying = dispatcher(h, clock, async (url, init) => {
      await receiver.routed(url, init);
      return new Promise<Response>((resolve) => { wakeUp = resolve; });
    }, { leaseMs: 60_000 });
    const dyingRound = dying.runDue();
    await receiver.firstCallSeen;

    clock.now += 60_001;
    await deliverEverything(h, clock, dispatcher(h, clock, receiver.routed));
    expect(receiver.paid().sort()).toEqual(rewards.map((r) => r.rewardId).sort());
    // The one sent before the crash came again with the same key; that is what the key is for.
    expect(receiver.calls).toHaveLength(4);
    for (const { rewardId } of rewards) expect(await reward(h, rewardId)).toMatchObject({ status: 'issued', fulfilment_ref: `PAY-${rewardId}` });

    // The dead dispatcher's late acknowledgement, with another reference, changes nothing.
    wakeUp(new Response(JSON.stringify({ reference: 'LATE' }), { status: 200 }));
    await dyingRound;
    expect(receiver.calls).toHaveLength(4);
    for (const { rewardId } of rewards) {
      expect(await reward(h, rewardId)).toMatchObject({ status: 'issued', fulfilment_ref: `PAY-${rewardId}` });
      expect((await trail(h, rewardId)).filter((t) => t.to_status === 'issued')).toHaveLength(1);
    }
    await receiver.close();
  });

  it('sends nothing for a reward issued by hand or canceled before its turn', async () => {
    await createProgram(h, { fulfilment: WEBHOOK });
    const receiver = await startReceiver(clock);
    const issued = await qualifiedReferral(h, clock);
    const canceled = await qualifiedReferral(h, clock);
    const paid = await qualifiedReferral(h, clock);
    expect((await admin(h).post(`/api/rewards/${issued.rewardId}/issue`, { reference: 'BANK-1' })).status).toBe(200);
    await h.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('rewards').set({ status: 'canceled' }).where('id', '=', canceled.rewardId).execute();
    });

    await deliverEverything(h, clock, dispatcher(h, clock, receiver.routed));
    await receiver.close();

    expect(receiver.calls.map((c) => c.key)).toEqual([paid.rewardId]);
    expect(await reward(h, issued.rewardId)).toMatchObject({ status: 'issued', fulfilment_ref: 'BANK-1' });
    expect(await reward(h, canceled.rewardId)).toMatchObject({ status: 'canceled', fulfilment_ref: null });
    const skipped = await h.database.db.selectFrom('event_deliveries').select(['event_id', 'status', 'last_error'])
      .where('status', '=', 'skipped').orderBy('event_id').execute();
    expect(skipped).toEqual(expect.arrayContaining([
      { event_id: issued.rewardId, status: 'skipped', last_error: 'not sent: the reward is issued' },
      { event_id: canceled.rewardId, status: 'skipped', last_error: 'not sent: the reward is canceled' },
    ]));
  });

  it('never sends unsigned when the named secret setting is missing: the delivery waits for it', async () => {
    await createProgram(h, { fulfilment: WEBHOOK });
    const receiver = await startReceiver(clock);
    const { rewardId } = await qualifiedReferral(h, clock);
    await dispatcher(h, clock, receiver.routed, { env: {} }).drain();
    expect(receiver.calls).toEqual([]);
    const delivery = await h.database.db.selectFrom('event_deliveries').selectAll().where('event_id', '=', rewardId).executeTakeFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('REWARD_WEBHOOK_SECRET') });

    clock.now += HOUR;
    await dispatcher(h, clock, receiver.routed).drain();
    await receiver.close();
    expect(receiver.calls.map((c) => c.key)).toEqual([rewardId]);
    expect(await reward(h, rewardId)).toMatchObject({ status: 'issued' });
  });

  it('a program switched to manual fulfilment sends what was waiting no more; the reward stays approved for the export', async () => {
    await createProgram(h, { fulfilment: WEBHOOK });
    const receiver = await startReceiver(clock);
    const { rewardId } = await qualifiedReferral(h, clock);
    await createProgram(h, { fulfilment: { kind: 'manual' } });
    const next = await qualifiedReferral(h, clock);

    await deliverEverything(h, clock, dispatcher(h, clock, receiver.routed));
    await receiver.close();
    expect(receiver.calls).toEqual([]);
    expect(await reward(h, rewardId)).toMatchObject({ status: 'approved' });
    expect(await h.database.db.selectFrom('event_deliveries').select('event_id').where('event_id', '=', next.rewardId).execute()).toEqual([]);
  });

  it('a reward.fulfil-webhook job queued before the upgrade is moved into the outbox and paid once', async () => {
    await createProgram(h, { fulfilment: WEBHOOK });
    const receiver = await startReceiver(clock);
    const { rewardId } = await qualifiedReferral(h, clock);
    // What an older version queued instead of an outbox row, and a second copy from a replica not yet upgraded.
    await h.database.db.deleteFrom('event_deliveries').execute();
    await enqueue(h.database.db, { kind: FULFIL_WEBHOOK, payload: { rewardId }, dedupeKey: `${FULFIL_WEBHOOK}:${rewardId}` }, clock.now);
    await h.service.worker.drain();
    await enqueue(h.database.db, { kind: FULFIL_WEBHOOK, payload: { rewardId } }, clock.now);
    await h.service.worker.drain();

    await deliverEverything(h, clock, dispatcher(h, clock, receiver.routed));
    await receiver.close();
    expect(receiver.calls.map((c) => [c.key, c.status])).toEqual([[rewardId, 200]]);
    expect(await reward(h, rewardId)).toMatchObject({ status: 'issued', fulfilment_ref: `PAY-${rewardId}` });
  });
});
