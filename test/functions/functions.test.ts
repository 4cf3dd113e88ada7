import { dashboardLinksFor } from '../../server/dashboard/dashboard-token';
import { handle as enrolContact } from '../../src/functions/enrol-contact';
import type { FunctionDeps } from '../../src/functions/lib/define-function';
import { createServiceClient, ServiceError } from '../../src/functions/lib/service-client';
import { handle as programSettings } from '../../src/functions/program-settings';
import { handle as referralStory } from '../../src/functions/referral-story';
import { handle as reviewReward } from '../../src/functions/review-reward';
import { handle as funnelReport } from '../../src/functions/funnel-report';
import { createProgram, SANDBOX_TOKEN, startHarness, TEST_ADMIN_KEY, type Harness } from '../support/harness';
import { createReferral } from '../support/ledger';
import { buildReward, type RewardRow } from '../server/reports/ledger-factories';

const actor = { userId: '42', email: 'reviewer@example.com' };

/** What a function sent to the reward service, seen at its own HTTP boundary. */
interface Sent {
  method: string;
  path: string;
  body: unknown;
  authorization: string | null;
  actor: string | null;
}

let h: Harness;
let sent: Sent[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  sent = [];
  const db = h.service.ctx.database.db;
  for (const table of ['audit_events', 'rewards', 'referrals', 'enrolments', 'programs'] as const) await db.deleteFrom(table).execute();
});

/** The functions' real fetch, recording each call so tests can see what reached the service. */
const recordingFetch: typeof fetch = async (input, init) => {
  const url = new URL(String(input));
  const headers = new Headers(init?.headers);
  sent.push({
    method: init?.method ?? 'GET', path: url.pathname, body: init?.body ? JSON.parse(String(init.body)) : undefined,
    authorization: headers.get('authorization'), actor: headers.get('x-referral-ops-actor'),
  });
  return fetch(input, init);
};

function deps(env: Record<string, string | undefined> = {}): FunctionDeps {
  return {
    env: { SERVICE_URL: h.url, SERVICE_ADMIN_KEY: TEST_ADMIN_KEY, PRIVATE_APP_ACCESS_TOKEN: SANDBOX_TOKEN, HUBSPOT_API_BASE: h.sandbox.url, ...env },
    fetch: recordingFetch,
  };
}

const onRecord = (recordId: string, parameters: Record<string, unknown>) => ({ parameters, propertiesToSend: { hs_object_id: recordId } });
const route = (s: Sent) => `${s.method} ${s.path}`;

/** A reward waiting for review on a referral in the sandbox portal. */
async function rewardAwaitingReview(overrides: Partial<RewardRow> = {}) {
  await createProgram(h);
  const referral = await createReferral(h);
  const reward = buildReward({ program_id: 'spring', referral_id: referral.referralId, recipient_contact_id: referral.referrerId, status: 'pending_review', ...overrides });
  await h.service.ctx.database.db.insertInto('rewards').values(reward).execute();
  return reward;
}

async function auditOf(rewardId: string) {
  return h.service.ctx.database.db.selectFrom('audit_events').selectAll().where('entity_id', '=', rewardId).orderBy('id').execute();
}

describe('referral-story', () => {
  test('returns the story of the record with the names of the people in it', async () => {
    await createProgram(h);
    const { referrerId, friendId } = await createReferral(h);
    await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { firstname: 'Ben', lastname: 'Brown' } });
    const friend = await h.hubspot.crm.contacts.basicApi.getById(friendId, ['email']);

    const result = await referralStory(onRecord(referrerId, { contactId: '999' }), deps());

    expect(result.ok).toBe(true);
    const data = result.ok ? result.data : undefined;
    expect(data?.story).toMatchObject({ contactId: referrerId, enrolments: [{ programId: 'spring' }], referrals: [{ referredContactId: friendId }] });
    expect(data?.contacts).toEqual({ [friendId]: { name: 'Ben Brown', email: friend.properties.email } });
    // the record id HubSpot sends wins over the card's parameter
    expect(sent.map(route)).toEqual([`GET /api/contacts/${referrerId}/story`]);
  });

  test('still returns the story when HubSpot cannot name the people', async () => {
    jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    await createProgram(h);
    const { referrerId, friendId } = await createReferral(h);
    const result = await referralStory(onRecord(friendId, {}), deps({ PRIVATE_APP_ACCESS_TOKEN: 'revoked-token' }));
    expect(result).toMatchObject({ ok: true, data: { story: { referredBy: { referrerContactId: referrerId } }, contacts: {} } });
  });

  test('an unknown service address says which secret to check', async () => {
    const result = await referralStory(onRecord('123', {}), deps({ SERVICE_URL: 'http://127.0.0.1:9' }));
    expect(result).toEqual({ ok: false, error: { code: 'UNREACHABLE', message: expect.stringContaining('check the SERVICE_URL secret') } });
  });

  test('a missing secret names the secret and the command to add it', async () => {
    const result = await referralStory(onRecord('123', {}), deps({ SERVICE_ADMIN_KEY: undefined }));
    expect(result).toEqual({ ok: false, error: { code: 'MISSING_SECRET', message: expect.stringContaining('hs app secret add SERVICE_ADMIN_KEY') } });
    expect(sent).toEqual([]);
  });

  test('a wrong admin key is explained as such', async () => {
    const result = await referralStory(onRecord('123', {}), deps({ SERVICE_ADMIN_KEY: 'not-the-key' }));
    expect(result).toEqual({ ok: false, error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('update the SERVICE_ADMIN_KEY secret') } });
  });

  test('rotates the dashboard link as the acting user: the old link stops working, the new one comes with the story', async () => {
    await createProgram(h);
    const { referrerId } = await createReferral(h);
    const links = dashboardLinksFor(h.service.ctx.config);
    const enrolment = await h.service.ctx.database.db.selectFrom('enrolments').selectAll().executeTakeFirstOrThrow();
    const old = links.urlFor(enrolment)!;
    expect((await fetch(old)).status).toBe(200);

    const result = await referralStory(onRecord(referrerId, { action: 'rotate-dashboard-link', programId: 'spring', actor }), deps());

    expect(result).toMatchObject({ ok: true, data: { dashboardLink: expect.stringMatching(/\.2\.[A-Za-z0-9_-]{43}$/), story: { contactId: referrerId } } });
    expect(sent.map((s) => [route(s), s.actor])).toEqual([
      [`POST /api/programs/spring/enrolments/${referrerId}/dashboard-link`, 'hubspot-user:42:reviewer@example.com'],
      [`GET /api/contacts/${referrerId}/story`, 'hubspot-user:42:reviewer@example.com'],
    ]);
    expect((await fetch(old)).status).toBe(404);
    expect((await fetch((result as { data: { dashboardLink: string } }).data.dashboardLink)).status).toBe(200);
  });

  test('a rotation without a program or without a known user changes nothing', async () => {
    await createProgram(h);
    const { referrerId } = await createReferral(h);
    const noProgram = await referralStory(onRecord(referrerId, { action: 'rotate-dashboard-link', actor }), deps());
    expect(noProgram).toMatchObject({ ok: false, error: { code: 'BAD_PARAMETERS', message: 'programId: programId is required to rotate a dashboard link' } });
    const noActor = await referralStory(onRecord(referrerId, { action: 'rotate-dashboard-link', programId: 'spring' }), deps());
    expect(noActor).toMatchObject({ ok: false, error: { code: 'NO_ACTOR' } });
    expect(sent).toEqual([]);
    const enrolment = await h.service.ctx.database.db.selectFrom('enrolments').selectAll().executeTakeFirstOrThrow();
    expect(enrolment.dashboard_token_version).toBe(1);
  });
});

describe('review-reward', () => {
  test('approves as the acting HubSpot user', async () => {
    const reward = await rewardAwaitingReview();
    const result = await reviewReward({ parameters: { rewardId: reward.id, decision: 'approve', actor } }, deps());
    expect(result).toMatchObject({ ok: true, data: { reward: { id: reward.id, status: 'approved' } } });
    expect(sent[0]).toMatchObject({ body: {}, actor: 'hubspot-user:42:reviewer@example.com', authorization: `Bearer ${TEST_ADMIN_KEY}` });
    expect((await auditOf(reward.id)).map((a) => [a.to_status, a.actor_type, a.actor_id])).toEqual([['approved', 'hubspot_user', '42:reviewer@example.com']]);
  });

  test('prefers the user HubSpot puts in the context over the one the card sends', async () => {
    const reward = await rewardAwaitingReview();
    await reviewReward({ parameters: { rewardId: reward.id, decision: 'approve', actor }, user: { id: 7, email: 'owner@example.com' } }, deps());
    expect(sent[0]?.actor).toBe('hubspot-user:7:owner@example.com');
    expect((await auditOf(reward.id))[0]?.actor_id).toBe('7:owner@example.com');
  });

  test('rejects with the reason', async () => {
    const reward = await rewardAwaitingReview();
    const result = await reviewReward({ parameters: { rewardId: reward.id, decision: 'reject', reason: 'Same household', actor } }, deps());
    expect(sent[0]?.body).toEqual({ reason: 'Same household' });
    expect(result).toMatchObject({ ok: true, data: { reward: { id: reward.id, status: 'rejected' } } });
    expect((await auditOf(reward.id))[0]?.reason).toBe('Same household');
  });

  test('refuses a rejection without a reason before calling the service', async () => {
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'reject', reason: ' ', actor } }, deps());
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_PARAMETERS', message: 'reason: Give a reason for rejecting (at least 3 characters)' } });
    expect(sent).toEqual([]);
  });

  test('refuses a decision nobody can be named for', async () => {
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'approve' } }, deps());
    expect(result).toMatchObject({ ok: false, error: { code: 'NO_ACTOR' } });
    expect(sent).toEqual([]);
  });

  test('a decision that lost a race tells the reviewer to refresh', async () => {
    const reward = await rewardAwaitingReview({ status: 'rejected' });
    const result = await reviewReward({ parameters: { rewardId: reward.id, decision: 'approve', actor } }, deps());
    expect(result).toEqual({ ok: false, error: { code: 'INVALID_STATE', message: 'Cannot approve a reward that is rejected (rejected is final). Refresh the card to see where it stands now.' } });
  });

  test('a reward the service does not know is reported with its message', async () => {
    const result = await reviewReward({ parameters: { rewardId: 'rwd_gone', decision: 'approve', actor } }, deps());
    expect(result).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No reward with id "rwd_gone"' } });
  });
});

describe('enrol-contact', () => {
  test('the first enrolment creates the code, the second finds it', async () => {
    await createProgram(h);
    const contact = await h.hubspot.crm.contacts.basicApi.create({ properties: { email: 'anna@example.org', firstname: 'Anna' }, associations: [] });

    const first = await enrolContact(onRecord(contact.id, { programId: 'spring', actor }), deps());
    const again = await enrolContact(onRecord(contact.id, { programId: 'spring', actor }), deps());

    expect(first).toMatchObject({ ok: true, data: { enrolment: { programId: 'spring', contactId: contact.id, code: expect.any(String) }, created: true } });
    expect(again).toEqual({ ok: true, data: { enrolment: first.ok ? first.data.enrolment : undefined, created: false } });
    expect(sent[0]).toMatchObject({ path: '/api/programs/spring/enrolments', body: { contactId: contact.id }, actor: 'hubspot-user:42:reviewer@example.com' });
  });
});

describe('program-settings', () => {
  const program = { id: 'spring-2026', name: 'Spring referrals', rewards: { referrer: { kind: 'gift_card', amount: 2500, currency: 'EUR' } } };

  test('saves a valid program as sent, then lists and reads it', async () => {
    const saved = await programSettings({ parameters: { action: 'save', program, actor } }, deps());
    expect(saved).toMatchObject({ ok: true, data: { program: { ...program, status: 'draft' } } });
    expect(sent[0]).toMatchObject({ method: 'PUT', path: '/api/programs/spring-2026', body: program });

    const stored = saved.ok && 'program' in saved.data ? saved.data.program : undefined;
    expect(await programSettings({ parameters: { action: 'list', actor } }, deps())).toEqual({ ok: true, data: { programs: [stored] } });
    expect(await programSettings({ parameters: { action: 'get', programId: 'spring-2026', actor } }, deps())).toEqual({ ok: true, data: { program: stored } });
  });

  test('an invalid program comes back with an issue per field and is not sent', async () => {
    const result = await programSettings({ parameters: { action: 'save', program: { ...program, rewards: { referrer: { kind: 'gift_card', amount: -5, currency: 'EUR' } } }, actor } }, deps());
    expect(result).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.any(String), issues: [{ path: 'rewards.referrer.amount', message: 'Amount must be greater than 0' }] } });
    expect(sent).toEqual([]);
  });

  test("the service's own field issues are passed through", async () => {
    // The function checks first, so this reaches the service only through the client it uses.
    const client = createServiceClient({ baseUrl: h.url, adminKey: TEST_ADMIN_KEY, actor: null, fetch });
    const refused = await client.saveProgram('spring-2026', { ...program, status: 'active' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ServiceError);
    expect(refused).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('ownerId'),
      issues: [{ path: 'ownerId', message: 'Choose the HubSpot owner responsible for this program before activating it' }],
    });
  });
});

describe('when the service fails', () => {
  let broken: Harness;
  beforeAll(async () => {
    broken = await startHarness({ setUp: false });
    await broken.service.ctx.database.close();
  });
  afterAll(() => broken.close());

  test('the failure is reported with its message and what to do', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const result = await reviewReward({ parameters: { rewardId: 'rw-1', decision: 'approve', actor } }, { ...deps(), env: { ...deps().env, SERVICE_URL: broken.url } });
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringMatching(/^The referral service had a problem \(Something went wrong on our side.*\)\. Try again/) },
    });
  });
});

describe('funnel-report', () => {
  test('returns the service report for the period, and names a bad date', async () => {
    await createProgram(h);
    const { referralId } = await createReferral(h);
    expect(referralId).toBeTruthy();
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

    const result = await funnelReport({ parameters: { from: today, to: tomorrow, interval: 'day', tz: 'UTC' } }, deps());

    expect(result.ok).toBe(true);
    expect(sent.map(route)).toEqual(['GET /api/reports/funnel']);
    expect(JSON.stringify(result.ok ? result.data : null)).toContain('"referredLeads":1');

    const bad = await funnelReport({ parameters: { from: 'yesterday', to: tomorrow } }, deps());
    expect(bad.ok).toBe(false);
    expect(bad.ok ? '' : bad.error.message).toMatch(/YYYY-MM-DD/);
  });
});

describe('program-settings: what the page picks from, and who saved what', () => {
  test("passes the portal's options and owner searches from the service", async () => {
    h.sandbox.portal.owners.add({ firstName: 'Rita', lastName: 'Rossi', email: 'rita.rossi@sandbox-owners.example' });
    const result = await programSettings({ parameters: { action: 'options', actor } }, deps());
    expect(sent.map(route)).toEqual(['GET /api/portal/options']);
    const options = result.ok && 'options' in result.data ? result.data.options : undefined;
    expect(options?.owners.map((o) => o.name)).toContain('Rita Rossi');
    expect(options?.lifecycleStages.map((s) => s.value)).toContain('customer');
    expect(options?.currencies[0]).toBe('USD');

    const found = await programSettings({ parameters: { action: 'owners', q: 'rossi', actor } }, deps());
    expect(found).toMatchObject({ ok: true, data: { owners: [{ name: 'Rita Rossi', email: 'rita.rossi@sandbox-owners.example' }] } });
    expect(await programSettings({ parameters: { action: 'owners', q: ' ', actor } }, deps())).toMatchObject({ ok: false, error: { code: 'BAD_PARAMETERS', message: 'q: Type part of a name or email to search owners' } });
  });

  test('a save is audited with the user HubSpot names in the context, and an active one tells what it reaches', async () => {
    await createProgram(h, { status: 'active' });
    await createReferral(h);
    const program = (await h.database.db.selectFrom('programs').select('config').executeTakeFirstOrThrow()).config;
    const changed = { ...JSON.parse(program) as Record<string, unknown>, name: 'Summer referrals' };
    const result = await programSettings({ parameters: { action: 'save', program: changed }, user: { id: 77, email: 'sam@example.com' } }, deps());
    expect(result).toMatchObject({ ok: true, data: { program: { name: 'Summer referrals' }, inFlight: { referralsAwaitingDecision: 1, rewardsAwaitingReview: 0, rewardsHeld: 0 } } });
    const audit = await h.database.db.selectFrom('audit_events').selectAll().where('entity', '=', 'program').execute();
    expect(audit.map((a) => [a.actor_type, a.actor_id, a.data && JSON.parse(a.data)])).toEqual([['system', null, null], ['hubspot_user', '77:sam@example.com', { changed: ['name'] }]]);

    expect(await programSettings({ parameters: { action: 'in-flight', programId: 'spring', actor } }, deps()))
      .toEqual({ ok: true, data: { inFlight: { referralsAwaitingDecision: 1, rewardsAwaitingReview: 0, rewardsHeld: 0 } } });
  });
});

describe('program-settings doctor', () => {
  test("returns the service's launch checklist for the program", async () => {
    await createProgram(h);
    const result = await programSettings({ parameters: { action: 'doctor', programId: 'spring', actor } }, deps());
    expect(sent.map(route)).toEqual(['GET /api/programs/spring/doctor']);
    const checklist = result.ok && 'checklist' in result.data ? result.data.checklist : undefined;
    expect(checklist?.checks.length).toBeGreaterThan(5);
    expect(checklist?.checks).toContainEqual(expect.objectContaining({ group: 'Program', ok: true }));
  });
});

describe('program-settings event subscriptions', () => {
  const SETTING = 'REFERRAL_EVENTS_SECRET_FUNCTIONS_TEST';
  beforeEach(() => {
    process.env[SETTING] = 'evsec-functions-0123456789';
  });
  afterEach(async () => {
    delete process.env[SETTING];
    const db = h.service.ctx.database.db;
    await db.deleteFrom('event_deliveries').execute();
    await db.deleteFrom('event_subscriptions').execute();
  });
  const call = (parameters: Record<string, unknown>) => programSettings({ parameters: { ...parameters, actor } }, deps());

  test('adds, lists, pauses, resumes and removes a subscription through the service', async () => {
    await createProgram(h);
    const added = await call({ action: 'subscribe', programId: 'spring', subscription: { url: 'https://hooks.example/referrals', secretRef: SETTING, eventTypes: ['reward.issued'] } });
    expect(added).toMatchObject({ ok: true, data: { subscription: { url: 'https://hooks.example/referrals', secretRef: SETTING, eventTypes: ['reward.issued'], status: 'active', kind: 'webhook' } } });
    const id = (added.ok && 'subscription' in added.data ? added.data.subscription?.id : undefined) ?? '';

    expect(await call({ action: 'setSubscriptionStatus', subscriptionId: id, status: 'paused' })).toMatchObject({ ok: true, data: { subscription: { id, status: 'paused' } } });
    expect(await call({ action: 'subscriptions', programId: 'spring' })).toMatchObject({ ok: true, data: { subscriptions: [{ id, status: 'paused' }] } });
    expect(await call({ action: 'setSubscriptionStatus', subscriptionId: id, status: 'active' })).toMatchObject({ ok: true, data: { subscription: { id, status: 'active' } } });
    expect(await call({ action: 'unsubscribe', subscriptionId: id })).toEqual({ ok: true, data: { removed: id } });
    expect(await call({ action: 'subscriptions', programId: 'spring' })).toEqual({ ok: true, data: { subscriptions: [] } });
    expect(sent.map(route)).toEqual([
      'POST /api/programs/spring/event-subscriptions', `PATCH /api/event-subscriptions/${id}`, 'GET /api/programs/spring/event-subscriptions',
      `PATCH /api/event-subscriptions/${id}`, `DELETE /api/event-subscriptions/${id}`, 'GET /api/programs/spring/event-subscriptions',
    ]);
    expect(sent[0]).toMatchObject({ actor: 'hubspot-user:42:reviewer@example.com' });
  });

  test("the service's refusals come back naming the field, and nothing is stored", async () => {
    await createProgram(h);
    const unset = await call({ action: 'subscribe', programId: 'spring', subscription: { url: 'https://hooks.example/x', secretRef: 'NOT_A_SETTING_OF_THE_SERVICE', eventTypes: ['reward.issued'] } });
    expect(unset).toEqual({ ok: false, error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('NOT_A_SETTING_OF_THE_SERVICE'), issues: [{ path: 'secretRef', message: expect.stringContaining('no setting') }] } });
    const plainHttp = await call({ action: 'subscribe', programId: 'spring', subscription: { url: 'http://hooks.example/x', secretRef: SETTING, eventTypes: [] } });
    expect(plainHttp.ok ? [] : plainHttp.error.issues?.map((i) => i.path)).toEqual(['url', 'eventTypes']);
    expect(await h.service.ctx.database.db.selectFrom('event_subscriptions').selectAll().execute()).toEqual([]);
  });

  test("the program's fulfilment webhook is listed but cannot be removed here", async () => {
    await createProgram(h, { fulfilment: { kind: 'webhook', url: 'https://payouts.example/hook' } });
    const list = await call({ action: 'subscriptions', programId: 'spring' });
    const [fulfilment] = (list.ok && 'subscriptions' in list.data ? list.data.subscriptions : undefined) ?? [];
    expect(fulfilment).toMatchObject({ kind: 'fulfilment', url: 'https://payouts.example/hook' });
    expect(await call({ action: 'unsubscribe', subscriptionId: fulfilment!.id })).toEqual({
      ok: false, error: { code: 'INVALID_STATE', message: expect.stringContaining("change the program's fulfilment setting") },
    });
  });
});
