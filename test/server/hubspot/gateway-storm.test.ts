import request from 'supertest';
import { dialects } from '../../support/databases';
import { createProgram, SANDBOX_TOKEN, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';

/**
 * A storm: a third of HubSpot's answers are 429s and 5xx while decisions, callback completions,
 * contact syncs and owner tasks run. Everything still reaches HubSpot exactly once, and the gateway
 * keeps the account under its limit, so the sandbox's own limiter refuses nothing it released.
 *
 * Time is virtual and shared: the sandbox's rate windows, the service's clock and the gateway's
 * limiter read one clock, and the gateway's waits move it forward instead of sleeping. A wait first
 * lets every call the gateway released reach the sandbox, as the network does in far less than the
 * limiter's margin: otherwise a call in flight would arrive seconds (of virtual time) after its grant.
 */
const REFERRALS = 24;
const HOUR = 3_600_000;

interface SandboxLimits {
  usage: { refused: number };
}

async function sandboxLimits(h: Harness): Promise<SandboxLimits> {
  return (await request(h.sandbox.url).get('/sandbox/rate-limits')).body as SandboxLimits;
}

async function setFaults(h: Harness, body: object) {
  const res = await request(h.sandbox.url).post('/sandbox/faults').set('authorization', `Bearer ${SANDBOX_TOKEN}`).send(body);
  expect(res.status).toBe(200);
}

function approve(h: Harness, rewardId: string) {
  return request(h.url).post(`/api/rewards/${rewardId}/approve`).set('authorization', `Bearer ${TEST_ADMIN_KEY}`)
    .set('x-referral-ops-actor', 'hubspot-user:42:rev@example.org').send({});
}

/** Runs every job that falls due, letting queue-level retries come due too, until none is left. */
async function settleJobs(h: Harness, clock: { now: number }) {
  const db = h.service.ctx.database.db;
  for (let round = 0; round < 30; round++) {
    await h.service.worker.drain();
    const open = await db.selectFrom('jobs').select('id').where('status', '=', 'pending').execute();
    if (open.length === 0) return;
    clock.now += HOUR;
  }
  throw new Error('jobs still pending after 30 rounds');
}

describe.each(dialects)('HubSpot gateway in a 429/5xx storm on %s', (dialect) => {
  let h: Harness;
  const clock = { now: 0 };
  /** Calls the gateway released before the storm, which the sandbox's reset stats do not count. */
  let releasedBefore: number | undefined;

  /** Every call the gateway released has reached the sandbox (bounded, should a call fail before sending). */
  async function releasedCallsArrived() {
    if (releasedBefore === undefined) return;
    for (let turn = 0; turn < 10_000; turn++) {
      if (h.sandbox.stats.snapshot().total >= h.gateway.stats.requests - releasedBefore) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  beforeEach(async () => {
    // Near real time: the sandbox's workflow engine signs its action calls with the real clock.
    clock.now = Date.now();
    releasedBefore = undefined;
    const now = () => clock.now;
    h = await startHarness({
      dialect,
      clock: now,
      sandbox: { tier: 'starter', clock: now },
      gateway: {
        clock: now,
        sleep: async (ms) => {
          await releasedCallsArrived();
          clock.now += ms;
        },
      },
    });
  });
  afterEach(() => h.close());

  it('decides, completes, syncs and tasks everything once, and never trips the portal limiter', async () => {
    const owner = h.sandbox.portal.owners.add({ email: 'olivia.owner@example.org', firstName: 'Olivia', lastName: 'Owner' });
    // Every reward waits for review: each raises an owner task, and approving it completes the task and the callback.
    await createProgram(h, {
      ownerId: owner.id,
      review: { amountAbove: 1000 },
      rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, friend: { kind: 'credit', amount: 2000, currency: 'USD' } },
    });
    const workflow = h.sandbox.engine.register({
      name: 'Qualify referrals on customer',
      trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
      action: { uid: 'qualify_referral_action' },
      inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
    });
    const referrals = [];
    for (let i = 0; i < REFERRALS; i++) referrals.push(await createReferral(h));
    const friends = referrals.map((r) => r.friendId);
    // The friends become customers in the portal (a user's change): every callback arrives and is answered BLOCK.
    for (const id of friends) h.sandbox.portal.update('contacts', id, { lifecyclestage: 'customer' });
    await h.sandbox.engine.idle();
    expect(h.sandbox.engine.executions(workflow.id).map((e) => e.status)).toEqual(Array(2 * REFERRALS).fill('BLOCKED'));

    // The setup's own calls leave the portal's windows; the storm starts.
    clock.now += 60_000;
    const before = await sandboxLimits(h);
    h.sandbox.stats.reset();
    releasedBefore = h.gateway.stats.requests;
    await setFaults(h, { rate: 0.35, statuses: [429, 500, 502, 503, 504], seed: 7 });

    await settleJobs(h, clock);
    const db = h.service.ctx.database.db;
    const rewards = await db.selectFrom('rewards').selectAll().orderBy('id').execute();
    for (const reward of rewards) expect((await approve(h, reward.id)).status).toBe(200);
    await settleJobs(h, clock);

    const stats = h.sandbox.stats.snapshot();
    const after = await sandboxLimits(h);
    await setFaults(h, { rate: 0 });

    // The storm happened, and the gateway rode it out.
    expect(stats.byStatus['429'] ?? 0).toBeGreaterThan(5);
    expect(Object.entries(stats.byStatus).filter(([s]) => Number(s) >= 500).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(5);
    // Counted by the sandbox's request log: its daily usage restarts when the virtual hours cross a UTC midnight.
    expect(Object.entries(stats.byStatus).filter(([s]) => Number(s) < 300).reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(100);
    // Every 429 was injected: the portal's own limiter refused no call the gateway released.
    expect(after.usage.refused - before.usage.refused).toBe(0);

    // Nothing lost: every referral decided, every callback completed, every property written.
    const referralRows = await db.selectFrom('referrals').select(['id', 'status']).execute();
    expect(referralRows.map((r) => r.status)).toEqual(Array(REFERRALS).fill('qualified'));
    const decisions = await db.selectFrom('action_decisions').select(['decided_at', 'completed_at']).execute();
    // The referrers are customers already, so the workflow enrolled them too (decided not_referred).
    expect(decisions).toHaveLength(2 * REFERRALS);
    expect(decisions.every((d) => d.decided_at !== null && d.completed_at !== null)).toBe(true);
    const executions = h.sandbox.engine.executions(workflow.id);
    expect(executions.map((e) => e.status)).toEqual(Array(2 * REFERRALS).fill('SUCCEEDED'));
    expect(friends.map((id) => executions.find((e) => e.object.objectId === id)?.outputFields?.referral_status))
      .toEqual(Array(REFERRALS).fill('qualified'));
    for (const { referrerId, friendId } of referrals) {
      expect(h.sandbox.portal.get('contacts', referrerId)?.properties).toMatchObject({
        referral_qualified_count: '1', referral_rewards_total: '50', referral_rewards_pending: '0',
      });
      expect(h.sandbox.portal.get('contacts', friendId)?.properties).toMatchObject({ referral_status: 'qualified' });
    }
    expect(await db.selectFrom('jobs').select('kind').where('status', '=', 'dead').execute()).toEqual([]);

    // Nothing twice: one reward per recipient, one owner task per reward, each completed.
    expect(rewards).toHaveLength(2 * REFERRALS);
    expect(new Set(rewards.map((r) => `${r.referral_id}:${r.recipient}`)).size).toBe(2 * REFERRALS);
    const tasks = [...h.sandbox.portal.records('tasks')];
    const taskRows = await db.selectFrom('owner_tasks').select(['item_key', 'hubspot_task_id', 'status']).execute();
    expect(taskRows).toHaveLength(2 * REFERRALS);
    expect(tasks).toHaveLength(2 * REFERRALS);
    expect(new Set(taskRows.map((t) => t.hubspot_task_id))).toEqual(new Set(tasks.map((t) => t.id)));
    expect(tasks.every((t) => t.properties.hs_task_status === 'COMPLETED')).toBe(true);
  });
});
