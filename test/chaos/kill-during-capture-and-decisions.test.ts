import { Client } from '@hubspot/api-client';
import pino from 'pino';
import { CLAIM_LEASE_MS } from '../../server/capture/claim';
import { loadConfig } from '../../server/config';
import { reserveEnrolments } from '../../server/enrolment/repository';
import { HubSpotGateway, TIER_LIMITS } from '../../server/hubspot/gateway';
import { P } from '../../server/hubspot/properties';
import { saveProgram } from '../../server/programs/repository';
import { startService } from '../../server/service';
import { setUpPortal } from '../../server/setup/hubspot-setup';
import { startSandbox, VirtualScheduler, type RunningSandbox } from '../../sandbox';
import type { PortalChange } from '../../sandbox/portal';
import { cryptoRandom } from '../../src/app/packages/domain/codes';
import { createTestDatabase, dialects, type TestDatabase } from '../support/databases';
import { buildProgram, SANDBOX_TOKEN, TEST_ADMIN_KEY, TEST_CLIENT_SECRET } from '../support/harness';
import { freePort } from '../support/net';
import { startServiceProcess, type ServiceProcess } from './service-process';

/** Friends submitted at once while the service is killed; referrers they are spread over. */
const FRIENDS = 16;
const REFERRERS = 2;
/** The service is killed once this many submissions have been answered: the rest are in flight. */
const ANSWERED_BEFORE_KILL = 6;
/** Submissions in flight at any moment. */
const IN_FLIGHT = 4;
/** Every HubSpot call takes this long, so captures and decisions are in flight when the kill comes. */
const HUBSPOT_LATENCY_MS = 20;

/**
 * kill -9 of the service, as a real process, during captures and during "Qualify referral"
 * decisions, then restarts and a drain. Whatever was cut off, every referral ends with exactly its
 * two rewards, no claim is left, every workflow execution completed, and HubSpot's counts match
 * the ledger. Bounded by count (16 friends, 3 kills) and time (the test timeout); every wait is
 * for a condition: the service's "listening" line, answers, the workflow engine going idle.
 */
describe.each(dialects)('chaos: kill -9 during captures and decisions on %s', (dialect) => {
  let database: TestDatabase;
  let sandbox: RunningSandbox;
  let scheduler: VirtualScheduler;
  let service: ServiceProcess | undefined;
  let url: string;
  let env: Record<string, string>;

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    scheduler = new VirtualScheduler();
    sandbox = await startSandbox({
      port: 0, accessToken: SANDBOX_TOKEN, clientSecret: TEST_CLIENT_SECRET, variables: { SERVICE_URL: url }, scheduler,
      // Retries of a delivery the dead service never answered, seconds apart: the engine's time is advanced by hand.
      retryPolicy: { initialDelayMs: 1_000, maxDelayMs: 4_000 },
      faults: { latencyMs: HUBSPOT_LATENCY_MS }, tier: 'enterprise', logger: pino({ level: 'silent' }),
    });
    env = {
      PORT: String(port), DATABASE_URL: database.url, PUBLIC_BASE_URL: url, HUBSPOT_ACCESS_TOKEN: SANDBOX_TOKEN,
      HUBSPOT_CLIENT_SECRET: TEST_CLIENT_SECRET, HUBSPOT_API_BASE: sandbox.url, SERVICE_ADMIN_KEY: TEST_ADMIN_KEY,
    };
    await setUpPortal(new HubSpotGateway(new Client({ accessToken: SANDBOX_TOKEN, basePath: sandbox.url, numberOfApiCallRetries: 0 }), { limits: TIER_LIMITS.enterprise }));
  });
  afterEach(async () => {
    await service?.kill();
    await sandbox.close();
    await database.drop();
  });

  /**
   * The service in this process on the same port and database, its clock past every lease (claims,
   * job locks), draining the queue as the next replica to start would once the leases ran out.
   * No delivery may arrive meanwhile: its signature would look stale to the moved clock.
   */
  async function drainAfterLeases() {
    const later = Date.now() + 2 * CLAIM_LEASE_MS;
    const drainer = await startService({ config: loadConfig(env), logger: pino({ level: 'silent' }), background: false, clock: () => later });
    try {
      await drainer.worker.drain(50);
    } finally {
      await drainer.stop();
    }
  }

  /** Lets the workflow engine retry every delivery the dead service did not answer, until none is waiting. */
  async function redeliverUntilSettled() {
    for (let round = 0; round < 20; round++) {
      await sandbox.engine.idle();
      if (!sandbox.engine.executions().some((e) => e.status === 'RETRY_SCHEDULED' || e.status === 'RUNNING')) return;
      await scheduler.advance(4_000);
    }
    throw new Error('deliveries still retrying after 20 rounds');
  }

  it('every referral ends with exactly its rewards, no claim pending, every execution completed', async () => {
    const { db } = database;
    const owner = sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
    const { program } = await saveProgram(db, buildProgram({
      ownerId: owner.id,
      rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, friend: { kind: 'discount', amount: 2000, currency: 'USD' } },
    }), Date.now());
    const referrerIds = sandbox.portal.createMany('contacts', Array.from({ length: REFERRERS }, (_, i) => ({
      properties: { email: `referrer${i}@chaos.example`, firstname: `Rita${i}`, lifecyclestage: 'customer' },
    }))).map((r) => r.id);
    const enrolments = await reserveEnrolments(db, {
      program, contacts: referrerIds.map((id) => ({ id })), source: 'manual', actor: { type: 'admin', id: null },
      publicBaseUrl: url, now: Date.now(), random: cryptoRandom,
    });
    const workflow = sandbox.engine.register({
      name: 'Qualify referrals when a contact becomes a customer',
      trigger: { objectType: 'contacts', property: 'lifecyclestage', value: 'customer' },
      action: { uid: 'qualify_referral_action' },
      inputFields: { program: program.id, milestone_kind: 'program_default' },
    });
    const friends = Array.from({ length: FRIENDS }, (_, i) => ({
      email: `friend${i}@chaos.example`, code: enrolments.get(referrerIds[i % REFERRERS]!)!.row.code,
    }));

    // 1. Captures, killed mid-way.
    service = await startServiceProcess(env);
    // A steady stream, a few at a time, so the kill finds captures at every step; the rest meet a dead service.
    let answered = 0;
    let enoughAnswered!: () => void;
    const killPoint = new Promise<void>((resolve) => { enoughAnswered = resolve; });
    const submit = async (f: (typeof friends)[number]) => {
      try {
        const res = await fetch(`${url}/api/referrals`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...f, consent: true, firstname: 'Finn' }),
        });
        return res.status === 202 ? res.status : `${res.status} ${await res.text()}`;
      } catch {
        return 'cut off' as const;
      } finally {
        if (++answered === ANSWERED_BEFORE_KILL) enoughAnswered();
      }
    };
    const queue = [...friends.entries()];
    const results: Array<number | string> = [];
    const lanes = Array.from({ length: IN_FLIGHT }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) results[next[0]] = await submit(next[1]);
    });
    await killPoint;
    await service.kill();
    await Promise.all(lanes);
    const submissions = results;
    const answers = submissions;
    const accepted = friends.filter((_, i) => answers[i] === 202).map((f) => f.email);
    expect(answers.filter((a) => a !== 202 && a !== 'cut off')).toEqual([]);
    expect(accepted.length).toBeGreaterThanOrEqual(ANSWERED_BEFORE_KILL - IN_FLIGHT);

    // Restart; the claims the kill left are recovered once their lease is over.
    service = await startServiceProcess(env);
    await service.kill();
    const leftBehind = await db.selectFrom('referral_claims').select('id').execute();
    process.stdout.write(`chaos ${dialect}: ${answers.filter((a) => a === 'cut off').length} submissions cut off, ${leftBehind.length} claims left\n`);
    await drainAfterLeases();
    expect(await db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);

    // No accepted submission is lost, and nothing is half done: a friend has a referral exactly when HubSpot has their contact.
    expect(leftBehind.length).toBeLessThanOrEqual(IN_FLIGHT);
    const referrals = await db.selectFrom('referrals').selectAll().execute();
    const referred = new Set(referrals.map((r) => r.email_normalised));
    for (const email of accepted) expect(referred).toContain(email);
    for (const { email } of friends) expect(referred.has(email)).toBe(sandbox.portal.findBy('contacts', 'email', email) !== undefined);

    // 2. Decisions: friends become customers; the service is killed while deliveries and decisions are under way.
    service = await startServiceProcess(env);
    const friendIds = referrals.map((r) => r.referred_contact_id);
    const half = Math.ceil(friendIds.length / 2);
    const becomeCustomer = (id: string) => sandbox.portal.update('contacts', id, { lifecyclestage: 'customer' });
    for (const id of friendIds.slice(0, half)) becomeCustomer(id);
    await sandbox.engine.idle();
    for (const id of friendIds.slice(half)) becomeCustomer(id);
    await service.kill();

    // Restart: HubSpot retries what the dead service never answered; killed again as the first decision reaches HubSpot.
    service = await startServiceProcess(env);
    const firstDecision = new Promise<void>((resolve) => {
      const onChange = (change: PortalChange) => {
        if (change.changes[P.status]?.to !== 'qualified') return;
        sandbox.portal.off('change', onChange);
        resolve();
      };
      sandbox.portal.on('change', onChange);
    });
    await redeliverUntilSettled();
    await firstDecision;
    await service.kill();
    const decidedAtKill = await db.selectFrom('referrals').select('id').where('status', '=', 'qualified').execute();
    process.stdout.write(`chaos ${dialect}: ${decidedAtKill.length} decisions recorded before the last kill\n`);

    // Drain: the jobs the kills held come back when their locks run out.
    expect(sandbox.engine.executions().filter((e) => e.status === 'RETRY_SCHEDULED' || e.status === 'RUNNING')).toEqual([]);
    await drainAfterLeases();

    const final = await db.selectFrom('referrals').selectAll().execute();
    expect(final.map((r) => r.status)).toEqual(final.map(() => 'qualified'));
    const rewards = await db.selectFrom('rewards').select(['referral_id', 'recipient']).execute();
    for (const r of final) {
      expect(rewards.filter((w) => w.referral_id === r.id).map((w) => w.recipient).sort()).toEqual(['friend', 'referrer']);
    }
    expect(rewards).toHaveLength(final.length * 2);
    const executions = sandbox.engine.executions(workflow.id);
    expect(executions).toHaveLength(final.length);
    expect(executions.map((e) => [e.status, e.executionState])).toEqual(executions.map(() => ['SUCCEEDED', 'SUCCESS']));
    expect(await db.selectFrom('jobs').select(['kind', 'status', 'last_error']).where('status', '!=', 'done').execute()).toEqual([]);
    expect(await db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);
    for (const id of referrerIds) {
      const mine = final.filter((r) => r.referrer_contact_id === id).length;
      expect(sandbox.portal.get('contacts', id)!.properties[P.referralCount]).toBe(String(mine));
    }
  }, 240_000);
});
