import request from 'supertest';
import { signRequest } from '../../../sandbox';
import { eraseSubject } from '../../../server/privacy/erase-subject';
import { pseudonymKey } from '../../../server/privacy/pseudonym';
import { DECIDE_QUALIFICATION } from '../../../server/qualify/accept-request';
import { COMPLETE_CALLBACK, SYNC_CONTACT } from '../../../server/sync/jobs';
import { dialects } from '../../support/databases';
import { ADMIN_HEADERS, createProgram, startHarness, TEST_CLIENT_SECRET, type Harness } from '../../support/harness';
import { QUALIFY_ACTION_PATH, qualifyAction, signedFor } from '../../support/qualify-action';
import { contactIdMentions, mentions, snapshot, textCells } from './ledger-scan';

const WEBHOOK_PATH = '/hubspot/webhooks';
const CLIENT_IP = '203.0.113.77';
const REFERRER = { email: 'Rosalind.Quennell@Example.org', firstname: 'Rosalind', lastname: 'Quennell' };
const FRIEND = { email: 'Fenella.Farquharson+promo@gmail.com', normalised: 'fenellafarquharson@gmail.com', firstName: 'Fenella', lastName: 'Farquharson' };
const OTHER = { email: 'oscar.other@example.net', firstName: 'Oscar' };
const REVIEWER = 'hubspot-user:7:reviewer@agency.example';
let eventSeq = 5000;
let callbackSeq = 0;

/** A deletion as HubSpot delivers it: `contact.privacyDeletion` (GDPR delete) or a generic `object.deletion`. */
function buildDeletionEvent(contactId: string, subscriptionType: 'contact.privacyDeletion' | 'object.deletion' | 'contact.deletion') {
  return {
    eventId: ++eventSeq, subscriptionId: 88, portalId: 1, appId: 77, occurredAt: Date.now(), subscriptionType, attemptNumber: 0,
    objectId: Number(contactId), changeSource: 'CRM_UI', ...(subscriptionType === 'object.deletion' && { objectTypeId: '0-1' }),
  };
}

function deliver(h: Harness, events: unknown[]) {
  const body = JSON.stringify(events);
  const headers = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + WEBHOOK_PATH, body, timestamp: Date.now() });
  return request(h.url).post(WEBHOOK_PATH).set(headers as unknown as Record<string, string>).type('json').send(body);
}

function qualifyBody(contactId: string, email: string) {
  return JSON.stringify({
    callbackId: `ap-1-2-3-${++callbackSeq}`,
    origin: { portalId: 1, actionDefinitionId: 7, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 99 },
    object: { objectId: Number(contactId), objectType: 'CONTACT', properties: { email, firstname: FRIEND.firstName } },
    inputFields: { program: 'spring', milestone_kind: 'program_default' },
  });
}

/** "Enrol in referral program" run by a workflow on a contact: its answer carries the code and link. */
async function enrolByWorkflow(h: Harness, contactId: string) {
  const path = '/hubspot/actions/enrol-contact';
  const body = JSON.stringify({
    callbackId: `ap-1-2-4-${++callbackSeq}`,
    origin: { portalId: 1, actionDefinitionId: 8, actionDefinitionVersion: 1 },
    context: { source: 'WORKFLOWS', workflowId: 98 },
    object: { objectId: Number(contactId), objectType: 'CONTACT', properties: { email: REFERRER.email, firstname: REFERRER.firstname } },
    inputFields: { program: 'spring' },
  });
  const headers = signRequest({ clientSecret: TEST_CLIENT_SECRET, method: 'POST', url: h.url + path, body, timestamp: Date.now() });
  const res = await request(h.url).post(path).set(headers as unknown as Record<string, string>).type('json').send(body);
  expect([res.status, res.body.outputFields?.enrolment_status]).toEqual([200, 'already_enrolled']);
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * A referral program as people use it: a referrer signs up (vanity code from her first name), her
 * link is clicked, two friends are referred through it, one becomes a customer and both rewards are
 * issued with payout references; a second workflow run for that friend is still undecided.
 */
async function runProgram(h: Harness) {
  h.sandbox.portal.owners.add({ firstName: 'Olive', lastName: 'Owner', email: 'olive@owners.example' });
  await createProgram(h, {
    enrolment: { paths: ['hubspot', 'signup'], vanityCodes: true } as never,
    rewards: { referrer: { kind: 'credit', amount: 5000, currency: 'USD' }, friend: { kind: 'discount', amount: 2000, currency: 'USD' } },
  });
  const web = () => request(h.url);
  const signup = await web().post('/api/signups').set('x-forwarded-for', CLIENT_IP)
    .send({ programId: 'spring', ...REFERRER, consent: true });
  expect(signup.status).toBe(200);
  const code: string = signup.body.signup.code;
  expect(code).toMatch(/^ROSALIND-/);

  const click = await web().get(`/r/${code}`).set('x-forwarded-for', CLIENT_IP);
  expect(click.status).toBe(302);
  const cookie = String(click.headers['set-cookie']);
  const friend = await web().post('/api/referrals').set('x-forwarded-for', CLIENT_IP).set('cookie', cookie)
    .send({ programId: 'spring', email: FRIEND.email, firstName: FRIEND.firstName, lastName: FRIEND.lastName, consent: true });
  expect(friend.status).toBe(202);
  const other = await web().post('/api/referrals').send({ programId: 'spring', email: OTHER.email, firstName: OTHER.firstName, code, consent: true });
  expect(other.status).toBe(202);
  // The public answer says nothing about the referral; the ledger does.
  const referral = await referralOf(h, FRIEND.normalised);
  const friendId = referral.referred_contact_id;
  const referrerId = referral.referrer_contact_id;
  await enrolByWorkflow(h, referrerId);

  await h.hubspot.crm.contacts.basicApi.update(friendId, { properties: { lifecyclestage: 'customer' } });
  expect((await qualifyAction(h, qualifyBody(friendId, FRIEND.email))).referral_status).toBe('qualified');
  const rewards = await h.database.db.selectFrom('rewards').selectAll().where('referral_id', '=', referral.id).orderBy('recipient').execute();
  expect(rewards.map((r) => [r.recipient, r.status])).toEqual([['friend', 'approved'], ['referrer', 'approved']]);
  const reference = { friend: `paypal:${FRIEND.email}`, referrer: `paypal:${REFERRER.email.toLowerCase()}` };
  for (const r of rewards) {
    const issued = await web().post(`/api/rewards/${r.id}/issue`).set(ADMIN_HEADERS).set('x-referral-ops-actor', REVIEWER).send({ reference: reference[r.recipient] });
    expect(issued.status).toBe(200);
  }
  // HubSpot runs the workflow again; the action is answered (BLOCK) but not yet decided.
  const pendingCallback = qualifyBody(friendId, FRIEND.email);
  expect((await web().post(QUALIFY_ACTION_PATH).set(signedFor(h, pendingCallback)).type('json').send(pendingCallback)).status).toBe(200);

  return { code, friendId, referrerId, friendReferralId: referral.id, pendingCallbackId: JSON.parse(pendingCallback).callbackId as string };
}

const referralOf = (h: Harness, normalisedEmail: string) =>
  h.database.db.selectFrom('referrals').selectAll().where('email_normalised', '=', normalisedEmail).orderBy('captured_at', 'desc').executeTakeFirstOrThrow();

/** What must survive an erasure untouched: amounts, statuses and the audit trail's facts. */
async function books(h: Harness) {
  const db = h.database.db;
  const rewards = await db.selectFrom('rewards').select(['id', 'referral_id', 'recipient', 'amount', 'currency', 'status', 'issued_at']).orderBy('id').execute();
  const audit = await db.selectFrom('audit_events').select(['id', 'entity', 'entity_id', 'from_status', 'to_status', 'actor_type', 'at']).orderBy('id').execute();
  const report = await request(h.url).get('/api/reports/funnel').set(ADMIN_HEADERS).query({ program: 'spring', from: day(-1), to: day(2) });
  expect(report.status).toBe(200);
  const { topReferrers, ...totals } = report.body.totals as { topReferrers: Array<{ contactId: string; qualified: number }> };
  return {
    rewards: rewards.map((r) => ({ ...r, amount: Number(r.amount), issued_at: r.issued_at === null ? null : Number(r.issued_at) })),
    audit: audit.map((a) => ({ ...a, id: Number(a.id), at: Number(a.at) })),
    totals,
    topReferrerCounts: topReferrers.map((t) => t.qualified),
  };
}

/** How the public link answers a code nobody holds. */
const unknownCodeAnswer = async (h: Harness) => request(h.url).get('/r/NOBODY-2345');

describe.each(dialects)('erasing a contact HubSpot deleted, on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(() => h.close());

  it('leaves no email, name, code, IP or contact id of theirs anywhere, and keeps amounts, audit rows and reports', async () => {
    const story = await runProgram(h);
    const before = await books(h);
    const needles = [FRIEND.email, FRIEND.normalised, FRIEND.firstName, FRIEND.lastName, REFERRER.email, REFERRER.firstname, REFERRER.lastname, story.code, CLIENT_IP];
    // The scan sees what it looks for: before erasure the ledger holds the friend's address and the referrer's code.
    const held = mentions(await textCells(h.database.db), needles);
    expect(held).toEqual(expect.arrayContaining([
      `referrals.email: ${FRIEND.email}`, `enrolments.code: ${story.code}`, `audit_events.data: ${story.code}`,
      `action_decisions.response: ${story.code}`, `jobs.payload: ${FRIEND.firstName}`,
    ]));
    expect(contactIdMentions(await textCells(h.database.db), story.friendId)).toContain('jobs.payload');

    await h.hubspot.crm.contacts.basicApi.archive(story.friendId);
    await h.hubspot.crm.contacts.basicApi.archive(story.referrerId);
    // A GDPR delete arrives as both events; the referrer was deleted the ordinary way.
    const res = await deliver(h, [
      buildDeletionEvent(story.friendId, 'contact.privacyDeletion'),
      buildDeletionEvent(story.friendId, 'object.deletion'),
      buildDeletionEvent(story.referrerId, 'object.deletion'),
    ]);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { outcome: string }) => r.outcome)).toEqual(['erased', 'erased', 'erased']);

    const cells = await textCells(h.database.db);
    expect(mentions(cells, needles)).toEqual([]);
    expect(contactIdMentions(cells, story.friendId)).toEqual([]);
    expect(contactIdMentions(cells, story.referrerId)).toEqual([]);
    // Another person's data is left alone.
    expect(mentions(cells, [OTHER.email])).toEqual([`referrals.email: ${OTHER.email}`, `referrals.email_normalised: ${OTHER.email}`]);

    const after = await books(h);
    expect(after.rewards).toEqual(before.rewards);
    expect(after.totals).toEqual(before.totals);
    expect(after.topReferrerCounts).toEqual(before.topReferrerCounts);
    // Every audit row is still there with its facts; the only new ones close the referrer's enrolment.
    expect(after.audit.slice(0, before.audit.length)).toEqual(before.audit);
    expect(after.audit.slice(before.audit.length).map((a) => [a.entity, a.from_status, a.to_status, a.actor_type])).toEqual([['enrolment', 'active', 'closed', 'system']]);

    // All of a person's rows carry one pseudonym.
    const rewards = await h.database.db.selectFrom('rewards').select(['recipient', 'recipient_contact_id']).orderBy('recipient').execute();
    const referral = await h.database.db.selectFrom('referrals').selectAll().where('id', '=', story.friendReferralId).executeTakeFirstOrThrow();
    expect(rewards.map((r) => r.recipient_contact_id)).toEqual([referral.referred_contact_id, referral.referrer_contact_id]);
    expect(referral.referred_contact_id).toMatch(/^erased:[0-9a-f]{24}$/);
    expect(referral.referrer_contact_id).toMatch(/^erased:[0-9a-f]{24}$/);

    const log = await h.database.db.selectFrom('privacy_erasures').selectAll().orderBy('at').orderBy('id').execute();
    expect(log.map((l) => [l.trigger, l.actor_type])).toEqual(
      expect.arrayContaining([['hubspot_privacy_deletion', 'system'], ['hubspot_deletion', 'system'], ['hubspot_deletion', 'system']]),
    );
    expect(log.map((l) => l.subject)).toEqual(expect.arrayContaining([referral.referred_contact_id, referral.referrer_contact_id]));
  });

  it('closes the referrer\'s enrolment: the link answers as for an unknown code and takes no referrals', async () => {
    const story = await runProgram(h);
    await h.hubspot.crm.contacts.basicApi.archive(story.referrerId);
    expect((await deliver(h, [buildDeletionEvent(story.referrerId, 'contact.deletion')])).status).toBe(200);

    const link = await request(h.url).get(`/r/${story.code}`);
    const unknown = await unknownCodeAnswer(h);
    expect([link.status, link.headers.location, link.headers['set-cookie']]).toEqual([unknown.status, unknown.headers.location, undefined]);
    const referral = await request(h.url).post('/api/referrals').send({ programId: 'spring', email: 'newfriend@example.com', code: story.code, consent: true });
    expect(referral.status).toBe(400);
    expect(referral.body.error.details.issues).toEqual([{ path: 'code', message: 'Unknown or closed referral code' }]);
    const enrolments = await h.database.db.selectFrom('enrolments').select(['status', 'link']).execute();
    expect(enrolments).toEqual([{ status: 'closed', link: '' }]);
  });

  it('cancels the jobs that would write the person back to HubSpot and resumes their undecided workflow', async () => {
    const story = await runProgram(h);
    const db = h.database.db;
    const syncKey = `${SYNC_CONTACT}:${story.friendId}`;
    await db.insertInto('jobs').values({
      kind: SYNC_CONTACT, dedupe_key: syncKey, payload: JSON.stringify({ contactId: story.friendId }), status: 'pending', attempts: 0,
      run_at: 0, locked_by: null, locked_until: null, last_error: null, created_at: 0, updated_at: 0,
    }).onConflict((oc) => oc.column('dedupe_key').doNothing()).execute();
    await h.hubspot.crm.contacts.basicApi.archive(story.friendId);
    expect((await deliver(h, [buildDeletionEvent(story.friendId, 'contact.privacyDeletion')])).status).toBe(200);

    const jobs = await db.selectFrom('jobs').selectAll().where('kind', 'in', [SYNC_CONTACT, DECIDE_QUALIFICATION, COMPLETE_CALLBACK]).execute();
    const of = (kind: string) => jobs.filter((j) => j.kind === kind);
    expect(of(SYNC_CONTACT).filter((j) => j.payload.includes('erased:')).map((j) => j.status)).toEqual(['canceled']);
    expect(of(SYNC_CONTACT).filter((j) => j.status === 'pending').map((j) => JSON.parse(j.payload).contactId)).not.toContain(story.friendId);
    expect(of(DECIDE_QUALIFICATION).map((j) => j.status).sort()).toEqual(['canceled', 'done']);
    const decision = await db.selectFrom('action_decisions').selectAll().where('callback_id', '=', story.pendingCallbackId).executeTakeFirstOrThrow();
    expect(JSON.parse(decision.outputs!)).toMatchObject({ referral_status: 'not_qualified', hs_execution_state: 'SUCCESS' });
    expect(of(COMPLETE_CALLBACK).filter((j) => j.status === 'pending').map((j) => JSON.parse(j.payload).callbackId)).toContain(story.pendingCallbackId);
  });

  it('acts only on deliveries signed with the app\'s secret', async () => {
    const story = await runProgram(h);
    const before = await snapshot(h.database.db);
    const body = JSON.stringify([buildDeletionEvent(story.friendId, 'contact.privacyDeletion')]);
    const forged = signRequest({ clientSecret: 'someone-elses-secret', method: 'POST', url: h.url + WEBHOOK_PATH, body, timestamp: Date.now() });
    const res = await request(h.url).post(WEBHOOK_PATH).set(forged as unknown as Record<string, string>).type('json').send(body);
    expect([res.status, res.body.error.code]).toEqual([401, 'INVALID_SIGNATURE']);
    expect(await snapshot(h.database.db)).toEqual(before);
  });

  it('erases once when HubSpot delivers the GDPR delete and the deletion at the same moment', async () => {
    const story = await runProgram(h);
    const { ctx } = h.service;
    const erase = (trigger: 'hubspot_deletion' | 'hubspot_privacy_deletion') => eraseSubject(ctx.database, pseudonymKey(ctx.config), ctx.clock(), {
      subject: { contactId: story.referrerId, emails: [] }, trigger, actor: { type: 'system', id: trigger },
    });
    const outcomes = await Promise.all([erase('hubspot_privacy_deletion'), erase('hubspot_deletion')]);
    expect(outcomes.map((o) => o.erased.enrolmentsClosed).sort()).toEqual([0, 1]);
    const closes = await h.database.db.selectFrom('audit_events').select('to_status').where('entity', '=', 'enrolment').where('to_status', '=', 'closed').execute();
    expect(closes).toHaveLength(1);
  });

  it('does nothing the second time: every table but the erasure log and the event record is unchanged', async () => {
    const story = await runProgram(h);
    await h.hubspot.crm.contacts.basicApi.archive(story.friendId);
    expect((await deliver(h, [buildDeletionEvent(story.friendId, 'contact.privacyDeletion')])).status).toBe(200);
    const first = await snapshot(h.database.db, ['privacy_erasures', 'webhook_events']);

    const again = await deliver(h, [buildDeletionEvent(story.friendId, 'object.deletion')]);
    expect(again.body.results[0].outcome).toBe('erased');
    expect(await snapshot(h.database.db, ['privacy_erasures', 'webhook_events'])).toEqual(first);
    const log = await h.database.db.selectFrom('privacy_erasures').select('erased').orderBy('at').orderBy('id').execute();
    expect(Object.values(JSON.parse(log.at(-1)!.erased) as Record<string, number>).every((n) => n === 0)).toBe(true);
  });
});

describe.each(dialects)('erasing by email through the admin API, on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ dialect });
  });
  afterEach(() => h.close());

  const erase = (body: unknown, headers: Record<string, string> = { ...ADMIN_HEADERS, 'x-referral-ops-actor': 'hubspot-user:42:dpo@agency.example' }) =>
    request(h.url).post('/api/privacy/erasures').set(headers).send(body as object);

  it('erases the referrer (found in HubSpot) and the friend (found in the ledger), names the actor, and echoes no personal data', async () => {
    const story = await runProgram(h);
    const before = await books(h);
    const referrer = await erase({ email: REFERRER.email.toUpperCase() });
    const friend = await erase({ email: ` ${FRIEND.normalised} ` });
    for (const res of [referrer, friend]) {
      expect(res.status).toBe(200);
      expect(mentions([{ table: 'answer', column: 'body', value: res.text }], [FRIEND.email, FRIEND.normalised, REFERRER.email, story.friendId, story.referrerId].map((s) => `"${s}`))).toEqual([]);
    }
    expect(referrer.body.erased).toMatchObject({ enrolmentsClosed: 1, referralsAsReferrer: 2, rewards: 1 });
    expect(friend.body.erased).toMatchObject({ referralsAsFriend: 1, rewards: 1, workflowDecisions: 2, jobsCanceled: 2 });

    const cells = await textCells(h.database.db);
    expect(mentions(cells, [FRIEND.email, FRIEND.normalised, REFERRER.email, REFERRER.firstname, story.code, CLIENT_IP])).toEqual([]);
    expect(contactIdMentions(cells, story.friendId)).toEqual([]);
    expect(contactIdMentions(cells, story.referrerId)).toEqual([]);
    const after = await books(h);
    expect(after.rewards).toEqual(before.rewards);
    expect(after.totals).toEqual(before.totals);

    const log = await h.database.db.selectFrom('privacy_erasures').selectAll().execute();
    expect(log.map((l) => [l.trigger, l.actor_type, l.actor_id])).toEqual([
      ['admin', 'hubspot_user', '42:dpo@agency.example'], ['admin', 'hubspot_user', '42:dpo@agency.example'],
    ]);
    expect(log.map((l) => l.subject).sort()).toEqual([referrer.body.erasures[0].subject, friend.body.erasures[0].subject].sort());
    // Asked again, it finds nothing left.
    expect((await erase({ email: FRIEND.email })).body.erased).toEqual({
      enrolmentsClosed: 0, referralsAsReferrer: 0, referralsAsFriend: 0, rewards: 0, workflowDecisions: 0, ownerTasks: 0, jobsCanceled: 0, rowsScrubbed: 0,
    });
  });

  it('drops a capture still in flight for the person, so its recovery cannot bring them back', async () => {
    await createProgram(h, { enrolment: { paths: ['hubspot', 'signup'] } as never });
    const signup = await request(h.url).post('/api/signups').send({ programId: 'spring', ...REFERRER, consent: true });
    const enrolment = await h.database.db.selectFrom('enrolments').selectAll().where('code', '=', signup.body.signup.code).executeTakeFirstOrThrow();
    // As a capture leaves it when the process dies after claiming the friend, before HubSpot was called.
    await h.database.db.insertInto('referral_claims').values({
      id: 'ref_inflight', program_id: 'spring', enrolment_id: enrolment.id, referrer_contact_id: enrolment.contact_id,
      email: FRIEND.email, email_normalised: FRIEND.normalised, source: 'api', first_name: FRIEND.firstName, last_name: FRIEND.lastName,
      captured_at: Date.now(), claimed_at: Date.now(),
    }).execute();

    expect((await erase({ email: FRIEND.email })).status).toBe(200);
    expect(await h.database.db.selectFrom('referral_claims').selectAll().execute()).toEqual([]);
    expect(mentions(await textCells(h.database.db), [FRIEND.email, FRIEND.normalised, FRIEND.lastName])).toEqual([]);
  });

  it('erases someone again who was referred anew after an earlier erasure', async () => {
    const story = await runProgram(h);
    expect((await erase({ email: FRIEND.email })).status).toBe(200);
    // Still in HubSpot, the friend is referred again through the same link.
    const again = await request(h.url).post('/api/referrals').send({ programId: 'spring', email: FRIEND.email, code: story.code, consent: true });
    expect(again.status).toBe(202);
    const anew = await referralOf(h, FRIEND.normalised);
    expect(anew.referred_contact_id).toBe(story.friendId);

    const second = await erase({ email: FRIEND.email });
    expect([second.status, second.body.erased.referralsAsFriend]).toEqual([200, 1]);
    const rows = await h.database.db.selectFrom('referrals').select(['referred_contact_id', 'email']).where('referred_contact_id', 'like', 'erased:%').execute();
    const subject = second.body.erasures[0].subject as string;
    expect(rows.map((r) => r.referred_contact_id).sort()).toEqual([subject, `${subject}:${anew.id}`]);
    expect(mentions(await textCells(h.database.db), [FRIEND.email, FRIEND.normalised])).toEqual([]);
  });

  it('logs a request for an address nobody has, with nothing to erase', async () => {
    await runProgram(h);
    const before = await snapshot(h.database.db, ['privacy_erasures']);
    const res = await erase({ email: 'nobody.known@example.com' });
    expect(res.status).toBe(200);
    expect(res.body.erasures).toHaveLength(1);
    expect(Object.values(res.body.erased as Record<string, number>).every((n) => n === 0)).toBe(true);
    expect(await snapshot(h.database.db, ['privacy_erasures'])).toEqual(before);
    const log = await h.database.db.selectFrom('privacy_erasures').selectAll().execute();
    expect(log.map((l) => [l.subject, l.trigger])).toEqual([[res.body.erasures[0].subject, 'admin']]);
    expect(JSON.stringify(log)).not.toContain('nobody.known');
  });

  it('refuses a request it cannot act on with a 4xx naming the problem, and writes nothing', async () => {
    await runProgram(h);
    const before = await snapshot(h.database.db);
    const cases: Array<[unknown, number, RegExp]> = [
      [{}, 400, /email address or the contactId/],
      [{ email: 'not-an-address' }, 400, /email/],
      [{ contactId: 'abc' }, 400, /contactId must be a HubSpot contact id/],
      [{ email: FRIEND.email, note: 'x' }, 400, /note/],
    ];
    for (const [body, status, message] of cases) {
      const res = await erase(body);
      expect([res.status, res.body.error?.code]).toEqual([status, 'VALIDATION_FAILED']);
      expect(res.body.error.message).toMatch(message);
    }
    const unauthenticated = await erase({ email: FRIEND.email }, {});
    expect(unauthenticated.status).toBe(401);
    expect(await snapshot(h.database.db)).toEqual(before);
  });
});
