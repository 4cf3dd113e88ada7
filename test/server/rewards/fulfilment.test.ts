import { createHmac } from 'node:crypto';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pino from 'pino';
import { JobWorker } from '../../../server/jobs/queue';
import { fulfilmentHandlers } from '../../../server/rewards/fulfilment';
import { verifySignatureHeader } from '../../../server/events/signature';
import { createProgram, startHarness, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';
import { qualifyAction } from '../../support/qualify-action';

const HOOK = 'https://payouts.example/referral-rewards';
const SECRET = 'whsec-test-0123456789';

/** A payout provider on this machine; the service's https URL is routed to it. */
async function startReceiver(answers: number[]) {
  const calls: Array<{ idempotencyKey: string | undefined; signature: string | undefined; timestamped: string | undefined; body: string }> = [];
  const app = express();
  app.use(express.text({ type: '*/*' }));
  app.post('/referral-rewards', (req, res) => {
    calls.push({
      idempotencyKey: req.get('idempotency-key'), signature: req.get('x-referral-ops-signature'), timestamped: req.get('referral-ops-signature'), body: req.body as string,
    });
    const status = answers.shift() ?? 200;
    res.status(status).json(status === 200 ? { reference: `PAY-${calls.length}` } : { error: 'try later' });
  });
  const server: Server = await new Promise((r) => { const s = app.listen(0, '127.0.0.1', () => r(s)); });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const routed: typeof fetch = (input, init) => fetch(String(input).replace('https://payouts.example', base), init);
  return { calls, routed, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('webhook fulfilment', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('posts each approved reward once, signed with its idempotency key, retrying until acknowledged', async () => {
    await createProgram(h, { fulfilment: { kind: 'webhook', url: HOOK, secretRef: 'REWARD_WEBHOOK_SECRET' } });
    const { friendId } = await createReferral(h, { friend: { lifecyclestage: 'customer' }, capturedAt: Date.now() - 60_000 });
    const body = JSON.stringify({
      callbackId: 'ap-9-9-9-0', origin: { portalId: 1 }, object: { objectId: Number(friendId), objectType: 'CONTACT' },
      inputFields: { program: 'spring', milestone_kind: 'program_default' },
    });
    // Only the decision runs here; the fulfilment below runs on a worker that reaches the test's receiver.
    const outputs = await qualifyAction(h, body);
    expect(outputs.reward_status).toBe('approved');

    const receiver = await startReceiver([503]);
    let now = Date.now();
    const worker = new JobWorker(h.service.ctx.database, {
      handlers: fulfilmentHandlers(h.service.ctx, { env: { REWARD_WEBHOOK_SECRET: SECRET }, fetch: receiver.routed }),
      clock: () => now,
      logger: pino({ level: 'silent' }),
    });
    await worker.runDue();
    now += 60_000; // past the retry backoff
    await worker.runDue();
    await worker.runDue();
    await receiver.close();

    const rewardId = outputs.reward_id!;
    expect(receiver.calls).toHaveLength(2);
    for (const call of receiver.calls) {
      expect(call.idempotencyKey).toBe(rewardId);
      expect(call.signature).toBe(createHmac('sha256', SECRET).update(call.body).digest('hex'));
      // The scheme of event deliveries, so a receiver verifies both the same way.
      expect(verifySignatureHeader(SECRET, call.body, call.timestamped, h.service.ctx.clock())).toMatchObject({ ok: true });
      expect(verifySignatureHeader('another-secret-0123456789', call.body, call.timestamped, h.service.ctx.clock())).toMatchObject({ ok: false });
    }
    expect(JSON.parse(receiver.calls[0]!.body)).toMatchObject({ type: 'reward.approved', reward: { id: rewardId, amount: 5000, currency: 'USD' } });
    const reward = await h.service.ctx.database.db.selectFrom('rewards').selectAll().where('id', '=', rewardId).executeTakeFirstOrThrow();
    expect(reward).toMatchObject({ status: 'issued', fulfilment_ref: 'PAY-2' });
    const trail = await h.service.ctx.database.db.selectFrom('audit_events').select(['from_status', 'to_status', 'actor_id']).where('entity_id', '=', rewardId).orderBy('id').execute();
    expect(trail).toEqual([
      { from_status: null, to_status: 'approved', actor_id: null },
      { from_status: 'approved', to_status: 'issued', actor_id: 'webhook-fulfilment' },
    ]);
  });
});
