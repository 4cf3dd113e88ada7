import request from 'supertest';
import { enqueue } from '../../../server/jobs/queue';
import { reviewItem } from '../../../server/owner-tasks/item-keys';
import { raiseOwnerTaskJob } from '../../../server/owner-tasks/jobs';
import { syncContactJob } from '../../../server/sync/jobs';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, TEST_ADMIN_KEY, type Harness } from '../../support/harness';
import { decideQueued } from '../../support/qualify-action';
import { createReferral } from '../../support/ledger';
import { freePort } from '../../support/net';

const HOUR = 3_600_000;

/** The program owner: a user of the sandbox portal, as HubSpot only accepts real owners on a task. */
function addOwner(h: Harness) {
  return h.sandbox.portal.owners.add({ email: 'olivia.owner@example.org', firstName: 'Olivia', lastName: 'Owner' });
}

/** A task as the portal holds it: its properties, and the contacts it is associated with. */
interface PortalTask {
  id: string;
  contactIds: string[];
  [property: string]: string | string[] | null;
}

async function tasksInPortal(h: Harness): Promise<PortalTask[]> {
  const page = await h.hubspot.crm.objects.tasks.basicApi.getPage(
    100, undefined, ['hs_task_subject', 'hs_task_body', 'hs_task_status', 'hs_task_priority', 'hubspot_owner_id'], undefined, ['contacts'],
  );
  return page.results.map((t) => ({
    ...t.properties, id: t.id, contactIds: (t.associations?.contacts?.results ?? []).map((a) => String(a.id)),
  }));
}

/** A workflow that qualifies referred contacts when they become customers, as a portal admin sets it up. */
async function qualifyOnCustomer(h: Harness, friendId: string) {
  h.sandbox.engine.register({
    name: 'Qualify referrals on customer',
    trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
    action: { uid: 'qualify_referral_action' },
    inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
  });
  await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { lifecyclestage: 'customer' } });
  await h.sandbox.engine.idle();
  await decideQueued(h);
}

function admin(h: Harness, path: string, body: object = {}) {
  return request(h.url).post(path).set('authorization', `Bearer ${TEST_ADMIN_KEY}`)
    .set('x-referral-ops-actor', 'hubspot-user:42:rev@example.org').send(body);
}

/** Lets every retry of a failing job fall due until the worker gives up on it (12 attempts). */
async function runUntilJobsGiveUp(h: Harness, clock: { now: number }) {
  for (let i = 0; i < 14; i++) {
    clock.now += 2 * HOUR;
    await h.service.worker.drain();
  }
}

describe.each(dialects)('Owner tasks on %s', (dialect) => {
  let h: Harness;
  const clock = { now: Date.now() };
  beforeEach(async () => {
    clock.now = Date.now();
    h = await startHarness({ dialect, clock: () => clock.now });
  });
  afterEach(() => h.close());

  it('gives the owner one task for a reward awaiting review, and completes it when approved', async () => {
    const owner = addOwner(h);
    await createProgram(h, { ownerId: owner.id, review: { amountAbove: 1000 } });
    const { referrerId, friendId } = await createReferral(h);
    await qualifyOnCustomer(h, friendId);
    const [reward] = await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute();
    expect(reward?.status).toBe('pending_review');

    await h.service.worker.drain();
    const [task, ...others] = await tasksInPortal(h);
    expect(others).toHaveLength(0);
    expect(task).toMatchObject({
      hs_task_subject: 'Review referral reward: $50.00 for Rita',
      hs_task_status: 'NOT_STARTED',
      hs_task_priority: 'MEDIUM',
      hubspot_owner_id: owner.id,
      contactIds: [referrerId],
    });
    expect(task!.hs_task_body).toContain('waits for review: Amount 5000 is above the review threshold of 1000');
    expect(task!.hs_task_body).toContain(`https://app.hubspot.com/contacts/${h.sandbox.engine.portalId}/record/0-1/${referrerId}`);

    // The raise runs again (a redelivered job): still one task for the item.
    await enqueue(h.service.ctx.database.db, raiseOwnerTaskJob({ item: reviewItem(reward!.id) }), clock.now);
    await h.service.worker.drain();
    expect(await tasksInPortal(h)).toHaveLength(1);

    expect((await admin(h, `/api/rewards/${reward!.id}/approve`)).status).toBe(200);
    await h.service.worker.drain();
    const [done] = await tasksInPortal(h);
    expect(done).toMatchObject({ id: task!.id, hs_task_status: 'COMPLETED' });
  });

  it('adopts the task an interrupted raise created instead of creating a second one', async () => {
    const owner = addOwner(h);
    await createProgram(h, { ownerId: owner.id, review: { amountAbove: 1000 } });
    const { friendId } = await createReferral(h);
    await qualifyOnCustomer(h, friendId);
    await h.service.worker.drain();
    const [reward] = await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute();
    const db = h.service.ctx.database.db;
    // As the process leaves it when it stops after HubSpot created the task, before the id was stored.
    await db.updateTable('owner_tasks').set({ hubspot_task_id: null, create_started_at: clock.now }).execute();

    await enqueue(db, raiseOwnerTaskJob({ item: reviewItem(reward!.id) }), clock.now);
    await h.service.worker.drain();
    const tasks = await tasksInPortal(h);
    expect(tasks).toHaveLength(1);
    const row = await db.selectFrom('owner_tasks').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ item_key: reviewItem(reward!.id), hubspot_task_id: tasks[0]!.id, create_started_at: null, status: 'open' });
  });

  it('creates no task for a review decided before the raise ran', async () => {
    const owner = addOwner(h);
    await createProgram(h, { ownerId: owner.id, review: { amountAbove: 1000 } });
    const { friendId } = await createReferral(h);
    await qualifyOnCustomer(h, friendId);
    const [reward] = await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute();

    await admin(h, `/api/rewards/${reward!.id}/reject`, { reason: 'Duplicate household' });
    await h.service.worker.drain();
    expect(await tasksInPortal(h)).toHaveLength(0);
  });

  it('raises a high-priority task when a fulfilment expires unpaid, and completes it when the reward is issued by hand', async () => {
    const owner = addOwner(h);
    const unreachable = `https://127.0.0.1:${await freePort()}/rewards`;
    await createProgram(h, { ownerId: owner.id, review: { amountAbove: 1000 }, fulfilment: { kind: 'webhook', url: unreachable } });
    const { referrerId, friendId } = await createReferral(h);
    await qualifyOnCustomer(h, friendId);
    const [reward] = await h.service.ctx.database.db.selectFrom('rewards').selectAll().execute();
    // Approval writes the fulfilment delivery, whose endpoint cannot be reached.
    expect((await admin(h, `/api/rewards/${reward!.id}/approve`)).status).toBe(200);

    // Retried until it expires (3 days), the job worker raising the tasks as they come.
    for (let i = 0; i < 80; i++) {
      clock.now += HOUR;
      await h.service.dispatcher.drain();
      await h.service.worker.drain();
    }
    // Approved before its review task was raised: that raise finds the item resolved and creates nothing.
    // The failing endpoint has its own task (one per endpoint); the unpaid reward one of its own.
    const tasks = await tasksInPortal(h);
    expect(tasks.map((t) => t.hs_task_subject).sort()).toEqual(['Referral reward not paid: $50.00 for Rita', `Referral reward payouts failing: ${new URL(unreachable).host}`]);
    const unpaid = tasks.find((t) => t.hs_task_subject === 'Referral reward not paid: $50.00 for Rita')!;
    expect(unpaid).toMatchObject({
      hs_task_priority: 'HIGH',
      hs_task_status: 'NOT_STARTED',
      hubspot_owner_id: owner.id,
      contactIds: [referrerId],
    });
    expect(unpaid.hs_task_body).toContain('gave up after its retries');
    expect(unpaid.hs_task_body).toContain(`/api/rewards?contact=${referrerId}`);

    expect((await admin(h, `/api/rewards/${reward!.id}/issue`, { reference: 'PAYOUT-7' })).status).toBe(200);
    await h.service.worker.drain();
    expect((await tasksInPortal(h)).find((t) => t.id === unpaid.id)).toMatchObject({ hs_task_status: 'COMPLETED' });
  });

  it('raises a task when a HubSpot write gives up', async () => {
    await h.close();
    // A portal never set up: the referral properties do not exist, so every sync is refused.
    h = await startHarness({ dialect, clock: () => clock.now, setUp: false });
    const owner = addOwner(h);
    await createProgram(h, { ownerId: owner.id });
    const { referrerId } = await createReferral(h);
    await enqueue(h.service.ctx.database.db, syncContactJob(referrerId), clock.now);

    await runUntilJobsGiveUp(h, clock);
    const tasks = await tasksInPortal(h);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      hs_task_subject: 'Referral properties not updated for Rita',
      hs_task_priority: 'HIGH',
      contactIds: [referrerId],
    });
    const jobs = await h.service.ctx.database.db.selectFrom('jobs').select(['kind', 'status']).orderBy('id').execute();
    expect(jobs).toEqual([{ kind: 'hubspot.sync-contact', status: 'dead' }, { kind: 'owner-task.create', status: 'done' }]);
  });

  it('raises nothing further when writing an owner task itself gives up', async () => {
    // An owner id HubSpot does not know: every task create is refused.
    await createProgram(h, { ownerId: '999', review: { amountAbove: 1000 } });
    const { friendId } = await createReferral(h);
    await qualifyOnCustomer(h, friendId);

    await runUntilJobsGiveUp(h, clock);
    expect(await tasksInPortal(h)).toHaveLength(0);
    const ownerTaskJobs = await h.service.ctx.database.db.selectFrom('jobs').select(['kind', 'status', 'last_error'])
      .where('kind', 'like', 'owner-task.%').execute();
    expect(ownerTaskJobs).toEqual([{ kind: 'owner-task.create', status: 'dead', last_error: expect.stringMatching(/hubspot_owner_id/) }]);
  });

  it('raises no task when the program names no owner', async () => {
    await createProgram(h, { status: 'draft', ownerId: undefined, review: { amountAbove: 1000 } });
    const { friendId } = await createReferral(h);
    await qualifyOnCustomer(h, friendId);
    await h.service.worker.drain();

    expect(await tasksInPortal(h)).toHaveLength(0);
    expect(await h.service.ctx.database.db.selectFrom('owner_tasks').selectAll().execute()).toHaveLength(0);
  });
});
