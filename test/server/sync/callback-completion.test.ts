import { VirtualScheduler, type CompletionRefusal } from '../../../sandbox';
import type { Dialect } from '../../../server/db/database';
import { COMPLETE_CALLBACK } from '../../../server/sync/jobs';
import { dialects } from '../../support/databases';
import { createProgram, startHarness, type Harness } from '../../support/harness';
import { createReferral } from '../../support/ledger';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * The service and the sandbox on one virtual clock: the sandbox's completion refusal counts from
 * when it recorded the BLOCK, the service's retry window from when it answered it.
 */
async function startOnVirtualTime(dialect: Dialect, refusal: CompletionRefusal) {
  const scheduler = new VirtualScheduler();
  const h = await startHarness({ dialect, clock: () => scheduler.now(), sandbox: { scheduler, completionRefusal: refusal } });
  return { h, scheduler };
}

/** "Qualify referral" runs when a referred friend becomes a customer; returns the friend's execution. */
async function friendBecomesCustomer(h: Harness, ownerId?: string) {
  await createProgram(h, ownerId ? { ownerId } : {});
  // Before the workflow exists, so only the friend is enrolled (the referrer is a customer already).
  const { friendId } = await createReferral(h);
  const workflow = h.sandbox.engine.register({
    name: 'Qualify referrals on customer',
    trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
    action: { uid: 'qualify_referral_action' },
    inputFields: { program: 'spring', milestone_kind: 'lifecycle_stage', lifecycle_stage: 'customer' },
  });
  await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { lifecyclestage: 'customer' } });
  await h.sandbox.engine.idle();
  const execution = () => h.sandbox.engine.executions(workflow.id).find((e) => e.object.objectId === friendId)!;
  expect(execution().status).toBe('BLOCKED');
  return { friendId, execution };
}

async function completionJob(h: Harness) {
  return h.database.db.selectFrom('jobs').selectAll().where('kind', '=', COMPLETE_CALLBACK).executeTakeFirstOrThrow();
}

/** Moves both clocks on in steps, running whatever jobs fall due, as the worker's loop would. */
async function runFor(h: Harness, scheduler: VirtualScheduler, ms: number, step: number) {
  for (let t = 0; t < ms; t += step) {
    await scheduler.advance(step);
    await h.service.worker.drain();
  }
}

async function tasksInPortal(h: Harness) {
  const page = await h.hubspot.crm.objects.tasks.basicApi.getPage(100, undefined, ['hs_task_subject', 'hs_task_body', 'hubspot_owner_id'], undefined, ['contacts']);
  return page.results.map((t) => ({ subject: t.properties.hs_task_subject, body: t.properties.hs_task_body, ownerId: t.properties.hubspot_owner_id, contactIds: (t.associations?.contacts?.results ?? []).map((a) => String(a.id)) }));
}

describe.each(dialects)('callback completion on %s', (dialect) => {
  let h: Harness;
  afterEach(() => h?.close());

  it('sends outputFields and typedOutputs, and retries a completion refused before HubSpot recorded the BLOCK until it succeeds', async () => {
    const started = await startOnVirtualTime(dialect, { forMs: 20 * SECOND, status: 404 });
    h = started.h;
    const { execution } = await friendBecomesCustomer(h);

    await h.service.worker.drain();
    expect(execution().status).toBe('BLOCKED');
    expect(await completionJob(h)).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringContaining('404') });

    await runFor(h, started.scheduler, 40 * SECOND, SECOND);

    expect(execution()).toMatchObject({ status: 'SUCCEEDED', finishedBy: 'callback', outputFields: { referral_status: 'qualified', reward_status: 'approved' } });
    const job = await completionJob(h);
    expect(job.status).toBe('done');
    // Refused at 0, 2, 6 and 14 s after the answer; accepted at 30 s, the first try past the 20 s refusal.
    expect(job.attempts).toBe(5);
    const decision = await h.database.db.selectFrom('action_decisions').select('completed_at').executeTakeFirstOrThrow();
    expect(decision.completed_at).not.toBeNull();
    expect(await h.database.db.selectFrom('owner_tasks').selectAll().execute()).toEqual([]);
  });

  it('gives up on a completion still refused after the retry window and raises exactly one owner task', async () => {
    const started = await startOnVirtualTime(dialect, { forMs: 24 * 60 * MINUTE, status: 400 });
    h = started.h;
    const owner = h.sandbox.portal.owners.add({ email: 'olivia.owner@example.org', firstName: 'Olivia', lastName: 'Owner' });
    const { friendId, execution } = await friendBecomesCustomer(h, owner.id);

    await runFor(h, started.scheduler, 14 * MINUTE, 30 * SECOND);
    expect((await completionJob(h)).status).toBe('pending');
    expect(await tasksInPortal(h)).toEqual([]);

    await runFor(h, started.scheduler, 2 * MINUTE, 30 * SECOND);
    expect(await completionJob(h)).toMatchObject({ status: 'dead', last_error: expect.stringContaining('still refused 15 min after the BLOCK answer') });
    const tasks = await tasksInPortal(h);
    expect(tasks).toEqual([expect.objectContaining({ subject: 'Referral workflow not resumed for Finn', ownerId: owner.id, contactIds: [friendId] })]);
    expect(tasks[0]!.body).toContain('HubSpot answered 400 to the callback completion');

    // Nothing runs again and no second task appears, however long the service keeps going.
    await runFor(h, started.scheduler, 2 * 60 * MINUTE, 10 * MINUTE);
    expect(await tasksInPortal(h)).toHaveLength(1);
    expect(execution().status).toBe('BLOCKED');
  });
});
